import { expect, waitUntil } from '@open-wc/testing';
import fc from 'fast-check';
import { propertyRuns } from './support/harness.js';
import { accepted, clearStorage, frames, providerFrame, quiet } from './support/reload-pages.js';

/** Real reloads of a provider page (test/support/reload-pages.ts) on a bad day: storage full, bursts, at random. */

describe('persistence on a bad day', function () {
  this.timeout(60_000);

  /** Fills sessionStorage with the page's own data, leaving about `room` characters; returns a cleanup. */
  function fillStorage(room: number): () => void {
    const keys: string[] = [];
    for (const size of [1_000_000, 100_000, 10_000, 1_000]) {
      for (;;) {
        const key = `page-data:${keys.length}`;
        try {
          sessionStorage.setItem(key, 'p'.repeat(size));
          keys.push(key);
        } catch {
          break;
        }
      }
    }
    let freed = 0;
    while (freed < room) {
      const key = keys.pop()!;
      freed += sessionStorage.getItem(key)!.length;
      sessionStorage.removeItem(key);
    }
    return () => {
      for (const key of keys) sessionStorage.removeItem(key);
    };
  }

  it('with storage filled by the page: says how many events will not survive, and after a reload none is doubled', async () => {
    // Room for a few hundred of the 1,000 events (each takes a few dozen characters stored).
    const cleanUp = fillStorage(8_000);
    const pageData = Object.keys(sessionStorage).filter((key) => key.startsWith('page-data:'));
    try {
      const page = await providerFrame('full', 'absent');
      const markers = Array.from({ length: 1000 }, (_, i) => `q${i}`);
      for (const marker of markers) page.report(marker);
      const errors = () => (page.win() as unknown as { errors: Array<{ code: string; message: string }> }).errors;
      await waitUntil(() => errors().length > 0, 'the refused write said', { timeout: 4000, interval: 10 });
      const [refused] = errors();
      expect(refused!.code).to.equal('storage-unavailable');
      const lost = Number(/(\d+) events are kept in memory only/.exec(refused!.message)?.[1]);
      expect(lost, refused!.message).to.be.greaterThan(0).and.below(1000);
      page.setHost('ok');
      await page.reload();
      await waitUntil(() => accepted(page.win().host).length + lost >= 1000, 'delivery after the reload', {
        timeout: 10_000,
        interval: 20,
      });
      await quiet(page);
      const delivered = accepted(page.win().host);
      expect(new Set(delivered).size, 'nothing doubled').to.equal(delivered.length);
      expect(delivered.length + lost, 'every event delivered or said lost').to.equal(1000);
      expect(
        pageData.every((key) => sessionStorage.getItem(key) !== null),
        "the page's own data untouched",
      ).to.equal(true);
    } finally {
      cleanUp();
    }
  });

  it('keeps every event of a burst across 20 reloads, and delivers each once', async () => {
    const page = await providerFrame('reloads', 'absent', '&latency=30');
    const markers: string[] = [];
    for (let reload = 0; reload < 20; reload++) {
      for (let i = 0; i < 50; i++) {
        const marker = `r${reload}-${i}`;
        markers.push(marker);
        page.report(marker);
      }
      await page.reload();
    }
    page.setHost('ok');
    await page.reload();
    await waitUntil(() => accepted(page.win().host).length >= markers.length, 'delivery', {
      timeout: 10_000,
      interval: 20,
    });
    await quiet(page);
    expect(accepted(page.win().host).sort()).to.deep.equal([...markers].sort());
  });
});

describe('persistence under random reloads', function () {
  this.timeout(120_000);

  type Step =
    { kind: 'report' } | { kind: 'host'; mode: 'absent' | 'stall' | 'ok' } | { kind: 'reload' } | { kind: 'flush' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'report' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('host' as const),
        mode: fc.constantFrom('absent' as const, 'stall' as const, 'ok' as const),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ kind: 'reload' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  );

  it('delivers every event once, across any sequence of reloads, host modes and flushes', async () => {
    const runs = await propertyRuns(3, 4_242);
    let generation = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        clearStorage();
        const name = `random-${generation++}`;
        const page = await providerFrame(name, 'absent');
        const hosts = [page.win().host];
        const errors: string[] = [];
        const collectErrors = () => errors.push(...(page.win() as unknown as { pageErrors: string[] }).pageErrors);
        const markers: string[] = [];
        for (const { kind, ...rest } of steps) {
          if (kind === 'report') {
            const marker = `${name}-m${markers.length}`;
            markers.push(marker);
            page.report(marker);
          } else if (kind === 'host') page.setHost((rest as { mode: 'absent' | 'stall' | 'ok' }).mode);
          else if (kind === 'flush') void page.logger().flush();
          else {
            collectErrors();
            await page.reload();
            hosts.push(page.win().host);
          }
        }
        collectErrors();
        page.setHost('ok');
        await page.reload();
        hosts.push(page.win().host);
        await waitUntil(() => accepted(...hosts).length >= markers.length, 'every event delivered', {
          timeout: 6000,
          interval: 20,
        });
        await quiet(page);
        collectErrors();
        expect(errors, 'errors that reached the pages').to.deep.equal([]);
        expect(accepted(...hosts).sort(), 'each event accepted once').to.deep.equal([...markers].sort());
        for (const host of hosts) for (const call of host.calls) expect(call.violations).to.deep.equal([]);
        frames.splice(frames.indexOf(page.frame), 1);
        page.frame.remove();
      }),
      { ...runs, includeErrorInReport: true },
    );
  });
});
