import { expect, waitUntil } from '@open-wc/testing';
import { documentLocks } from './support/harness.js';
import { accepted, providerFrame, quiet } from './support/reload-pages.js';

/**
 * Real reloads of a provider page in an iframe (test/support/reload-pages.ts). The rule code and auto-context
 * across reloads are in persistence-loading.test.ts; full storage, bursts of reloads and random sequences in
 * persistence-bad-day.test.ts: three files, so that they run beside each other.
 */

/** Events stored, then delivered across reloads at `RELOAD_POINTS`. */
const EVENTS_UNDER_RELOADS = 500;
/**
 * Where each reload of that delivery comes (a fixed, varied sequence): once the page's host has heard that many calls
 * (`call`: the last one is then in flight) or answered that many (`settle`: between two calls, or as the answer
 * arrives). A page with nothing left to deliver is reloaded at once.
 */
const RELOAD_POINTS: Array<['call' | 'settle', number]> = [
  ['call', 2],
  ['settle', 1],
  ['call', 0],
  ['call', 1],
  ['settle', 3],
  ['call', 3],
  ['settle', 2],
  ['call', 1],
  ['settle', 1],
  ['call', 2],
];

describe('persistence across real reloads', function () {
  this.timeout(15_000);

  it('sends events held when the page reloads once after the reload, with their original ids and times', async () => {
    const page = await providerFrame('held', 'absent');
    page.report('r1');
    page.report('r2');
    page.report('r3');
    expect(page.logger().pendingCount).to.equal(3);
    page.setHost('ok');
    await page.reload();
    await waitUntil(() => accepted(page.win().host).length >= 3, 'delivery after reload', {
      timeout: 4000,
      interval: 10,
    });
    await quiet(page);
    expect(accepted(page.win().host)).to.deep.equal(['r1', 'r2', 'r3']);
    const call = page.win().host.calls[0]!;
    expect(call.violations).to.deep.equal([]);
    expect(call.data).to.deep.include({ conversationId: 'conv', providerSessionId: 'prov' });
  });

  it('keeps every event it held at its byte bound across a reload: none is dropped as it is taken back', async () => {
    const page = await providerFrame('bound', 'absent', '&bytes=400000');
    for (let i = 0; i < 1600; i++) page.report(`b${i}`);
    const held = page.logger().pendingCount;
    expect(held, 'the bound was reached').to.be.above(1000).and.below(1600);
    await page.reload();
    await waitUntil(() => page.logger().pendingCount >= held, 'taken back', { timeout: 4000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 20)); // drops are said in a task of their own
    const win = page.win() as unknown as { dropped: Array<{ reason: string; count: number }> };
    expect(win.dropped, 'dropped while taken back').to.deep.equal([]);
    expect(page.logger().pendingCount).to.equal(held);
  });

  it('reads held usual events back without the general normaliser; an event that needs it loads it', async () => {
    const chunks = (page: { win: () => Window }) =>
      page
        .win()
        .performance.getEntriesByType('resource')
        .map((entry) => /cif-kpi-logger-([a-z-]+)-/.exec(entry.name)?.[1])
        .filter(Boolean);
    const page = await providerFrame('usual-back', 'absent');
    page.report('u1');
    page.report('u2');
    await page.reload();
    await waitUntil(() => page.logger().pendingCount === 2, 'taken back', { timeout: 4000, interval: 10 });
    expect(chunks(page)).to.deep.equal(['stored-segments']);

    page.logger().parentElement!.dispatchEvent(
      new CustomEvent('cif-kpi', {
        bubbles: true,
        detail: { kpiEventName: 'Custom', customData: { queue_name: 'q' } },
      }),
    );
    await waitUntil(() => page.logger().pendingCount === 3, 'held', { timeout: 4000, interval: 10 });
    await page.reload();
    await waitUntil(() => page.logger().pendingCount === 3, 'taken back', { timeout: 4000, interval: 10 });
    expect(chunks(page)).to.include.members(['stored-segments', 'kpi-event']);
  });

  it('sends a call that was in flight (never answered) when the page reloaded, once', async () => {
    const page = await providerFrame('inflight', 'stall');
    page.report('f1');
    page.report('f2');
    await waitUntil(() => page.win().host.calls.length === 1, 'the stalled call', { timeout: 2000, interval: 10 });
    page.setHost('ok');
    await page.reload();
    await waitUntil(() => accepted(page.win().host).length >= 2, 'delivery after reload', {
      timeout: 4000,
      interval: 10,
    });
    await quiet(page);
    expect(accepted(page.win().host)).to.deep.equal(['f1', 'f2']);
    expect(page.win().host.calls).to.have.length(1);
  });

  it('never sends again after a reload an event the host acknowledged, while the rest of its segment is held', async () => {
    // 150 events stored in two segments (100 + 50) while the host is not there yet.
    const page = await providerFrame('acked', 'absent', '&batch=50');
    for (let i = 0; i < 150; i++) page.report(`a${i}`);
    page.setHost('first');
    await page.reload();
    // The host accepts the first call (50 events) and leaves the next one unanswered: it is in flight at the reload.
    const host = page.win().host;
    await waitUntil(() => host.calls.length === 2, 'the accepted call and the stalled one', {
      timeout: 4000,
      interval: 10,
    });
    const first = accepted(host);
    expect(first).to.have.length(50);
    page.setHost('ok');
    await page.reload();
    await waitUntil(() => accepted(page.win().host).length >= 100, 'delivery after the second reload', {
      timeout: 4000,
      interval: 10,
    });
    await quiet(page);
    const second = accepted(page.win().host);
    // The 50 of the call in flight at the reload are sent once more (the host never answered them); the 50
    // acknowledged ones never again.
    expect(second.filter((reason) => first.includes(reason))).to.deep.equal([]);
    expect([...first, ...second].sort()).to.deep.equal(Array.from({ length: 150 }, (_, i) => `a${i}`).sort());
  });

  it('sends each event once through reloads that come while the host delivers them', async function () {
    this.timeout(30_000);
    const count = Number(new URLSearchParams(location.search).get('n') ?? EVENTS_UNDER_RELOADS);
    // Calls of 50 events, 30 ms each: ten of them to deliver the lot, so that the reloads come while they go.
    const page = await providerFrame('reloads', 'absent', '&latency=30&batch=50');
    for (let i = 0; i < count; i++) page.report(`r${i}`);
    page.setHost('ok');
    // Each call its page heard the host accept (`cif-kpi-sent`): a page keeps running for a moment after a reload
    // begins. Only those count: a call in flight at a reload may be sent again, as documented, also when the host
    // accepted it just as the page went, before the page heard the answer.
    // (test/pages/provider-page.html adds them to `sentReasons` here, from the moment each page starts).
    const received: string[] = ((window as unknown as { sentReasons?: string[] }).sentReasons = []);
    for (const [point, times] of RELOAD_POINTS) {
      await page.reload();
      const host = page.win().host;
      await new Promise<void>((reached) => {
        let seen = 0;
        // The page hears an answer a moment after the host gives it: all delivered is looked for on a short poll too.
        const poll = setInterval(() => check(), 10);
        const check = () => {
          if (seen < times && received.length < count) return;
          clearInterval(poll);
          reached();
        };
        host.addEventListener(point, () => {
          seen += 1;
          check();
        });
        check();
      });
    }
    await waitUntil(() => received.length >= count, 'delivery', { timeout: 20_000, interval: 20 });
    await quiet(page);
    const twice = received.filter((reason, i) => received.indexOf(reason) !== i);
    expect(twice, 'received more than once').to.deep.equal([]);
    expect(received).to.have.length(count);
    delete (window as unknown as { sentReasons?: string[] }).sentReasons;
  });

  it('takes the events of a page that went once it lets go of its Web Lock, however long that takes', async () => {
    // A page that went (its pagehide wrote its index so) but whose lock the browser has not let go of yet: Firefox
    // can take seconds to, on a busy machine.
    const item = (n: number) => ({
      o: 0,
      n,
      e: { kpiEventName: 'CallHold', kpiEventReason: `slow${n}`, eventTimestamp: '2026-12-01T10:00:00.000Z' },
      t: 1000 + n,
      c: 0,
    });
    const contexts = [{ conversationId: 'conv', providerSessionId: 'prov' }];
    const owner = 'slow-to-unload';
    sessionStorage.setItem(`cif-kpi-logger:v2:${owner}`, '[0,"left"]');
    sessionStorage.setItem(
      `cif-kpi-logger:v2:${owner}:0`,
      JSON.stringify({ v: 3, owners: [owner], contexts, problems: [], items: [item(0), item(1)] }),
    );
    let letGo!: () => void;
    const held = new Promise<void>((granted) => {
      void navigator.locks.request(`cif-kpi-logger:owner:${owner}`, () => {
        granted();
        return new Promise<void>((release) => (letGo = release));
      });
    });
    await held;
    const page = await providerFrame('slow-unload', 'ok');
    page.report('new');
    // Past the grace for a page that may be alive (the queue waits for it before sending): the new event is
    // delivered and nothing else is held, while the events of the page that went stay where they are.
    await waitUntil(
      async () =>
        accepted(page.win().host).length >= 1 &&
        page.logger().stats.held === 0 &&
        (await documentLocks(page.win())).held.length > 0,
      'the new event delivered',
      { timeout: 4000, interval: 10 },
    );
    expect(accepted(page.win().host)).to.deep.equal(['new']);
    letGo();
    await waitUntil(() => accepted(page.win().host).length >= 3, 'the events of the page that went', {
      timeout: 4000,
      interval: 10,
    });
    expect(accepted(page.win().host)).to.deep.equal(['new', 'slow0', 'slow1']);
  });

  it('survives two reloads in a row without losing or doubling anything', async () => {
    const page = await providerFrame('twice', 'absent');
    page.report('t1');
    await page.reload();
    page.report('t2');
    await waitUntil(() => page.logger().pendingCount === 2, 't1 restored beside t2', { timeout: 2000, interval: 10 });
    page.setHost('ok');
    await page.reload();
    await waitUntil(() => accepted(page.win().host).length >= 2, 'delivery', { timeout: 4000, interval: 10 });
    await quiet(page);
    expect(accepted(page.win().host)).to.deep.equal(['t1', 't2']);
  });

  it('with two live pages sharing storage, each event is delivered once, by its own page', async () => {
    const a = await providerFrame('a', 'absent');
    const b = await providerFrame('b', 'absent');
    a.report('a1');
    a.report('a2');
    b.report('b1');
    // Let B write its queue, so that A's next page finds an entry whose owner is alive.
    await waitUntil(() => Object.values(sessionStorage).some((value) => value.includes('"b1"')), "B's entry", {
      timeout: 3000,
      interval: 10,
    });
    a.setHost('ok');
    await a.reload();
    await waitUntil(() => accepted(a.win().host).length >= 2, 'page A delivery', { timeout: 4000, interval: 10 });
    await quiet(a);
    expect(accepted(a.win().host)).to.deep.equal(['a1', 'a2']);

    b.report('b2');
    b.setHost('ok');
    await b.reload();
    await waitUntil(() => accepted(b.win().host).length >= 2, 'page B delivery', { timeout: 4000, interval: 10 });
    await quiet(a, b);
    expect(accepted(a.win().host, b.win().host).sort()).to.deep.equal(['a1', 'a2', 'b1', 'b2']);
  });

  it('gives events that were waiting for ids at the reload the ids of the logger that takes them over', async () => {
    const page = await providerFrame('waiting', 'absent');
    page.logger().conversationId = null;
    page.report('before-ids');
    expect(page.logger().pendingCount).to.equal(1);
    page.setHost('ok');
    await page.reload();
    await waitUntil(() => accepted(page.win().host).length >= 1, 'delivery after reload', {
      timeout: 4000,
      interval: 10,
    });
    expect(accepted(page.win().host)).to.deep.equal(['before-ids']);
    expect(page.win().host.calls[0]!.data).to.deep.include({ conversationId: 'conv', providerSessionId: 'prov' });
  });

  it('reads a stored entry item by item: a bad item is reported as dropped, the rest are delivered', async () => {
    const item = (n: number) => ({
      o: 0,
      n,
      e: { kpiEventName: 'CallHold', kpiEventReason: `s${n}`, eventTimestamp: '2026-12-01T10:00:00.000Z' },
      t: 1000 + n,
      c: 0,
    });
    const items: unknown[] = Array.from({ length: 10 }, (_, n) => item(n));
    items.splice(3, 0, { ...item(99), c: 1 }, null, { ...item(98), e: { kpiEventName: 'x'.repeat(101) } });
    const contexts = [
      { conversationId: 'stored-conv', providerSessionId: 'stored-prov' },
      { conversationId: { nested: true }, providerSessionId: 'p' },
    ];
    sessionStorage.setItem('cif-kpi-logger:v2:gone-owner', '[0]');
    sessionStorage.setItem(
      'cif-kpi-logger:v2:gone-owner:0',
      JSON.stringify({ v: 2, owners: ['gone-owner'], contexts, problems: [], items }),
    );
    const page = await providerFrame('item-by-item', 'ok');
    await waitUntil(() => accepted(page.win().host).length >= 10, 'delivery', { timeout: 4000, interval: 10 });
    expect(accepted(page.win().host)).to.deep.equal(Array.from({ length: 10 }, (_, n) => `s${n}`));
    const dropped = (page.win() as unknown as { dropped: Array<{ reason: string; count: number }> }).dropped;
    // Its words are in the diagnostics chunk, which this fresh page loads for it first.
    await waitUntil(() => dropped.length > 0, 'the drop', { timeout: 3000, interval: 10 });
    expect(dropped.map((d) => [d.reason, d.count])).to.deep.equal([['stored-unreadable', 3]]);
  });

  it('with no-persist, nothing is stored and nothing comes back after a reload', async () => {
    const page = await providerFrame('nopersist', 'absent');
    page.logger().noPersist = true;
    await page.logger().updateComplete;
    page.report('gone');
    page.win().dispatchEvent(new Event('pagehide'));
    const stored = Object.keys(sessionStorage).filter((key) => key.startsWith('cif-kpi-logger:v'));
    expect(stored.map((key) => sessionStorage.getItem(key)).join()).to.not.contain('gone');
    page.setHost('ok');
    await page.reload();
    await quiet(page);
    expect(page.win().host.calls).to.have.length(0);
  });
});
