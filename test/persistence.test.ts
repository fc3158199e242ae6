import { expect, waitUntil } from '@open-wc/testing';
import fc from 'fast-check';
import { propertyRuns } from './support/harness.js';
import type { RecordedCall, SimulatedCifHost } from '../src/testing/simulated-cif-host.js';
import type { CifKpiLoggerElement } from '../src/cif-kpi-logger.js';

/**
 * Real reloads of a provider page in an iframe. The frame shares this page's sessionStorage (same tab, same
 * origin), which is also how two same-origin frames of one tab, or a duplicated tab's copied storage, look.
 */
interface ProviderFrame {
  frame: HTMLIFrameElement;
  name: string;
  win: () => Window & { host: SimulatedCifHost };
  logger: () => CifKpiLoggerElement;
  report: (reason: string) => void;
  setHost: (mode: HostMode) => void;
  reload: () => Promise<void>;
}

const frames: HTMLIFrameElement[] = [];
function clearStorage(): void {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith('test-host-mode:') || key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);
  }
}
beforeEach(clearStorage);
afterEach(() => {
  for (const frame of frames.splice(0)) frame.remove();
  clearStorage();
});

async function loaded(frame: HTMLIFrameElement): Promise<void> {
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow as Window & { host?: SimulatedCifHost };
  await waitUntil(() => win.customElements?.get('cif-kpi-logger') !== undefined && win.host !== undefined, 'page', {
    timeout: 4000,
    interval: 10,
  });
  const logger = frame.contentDocument!.querySelector('cif-kpi-logger') as CifKpiLoggerElement;
  await logger.updateComplete;
}

type HostMode = 'absent' | 'stall' | 'ok' | 'first';

async function providerFrame(name: string, mode: HostMode, query = ''): Promise<ProviderFrame> {
  sessionStorage.setItem(`test-host-mode:${name}`, mode);
  const frame = document.createElement('iframe');
  frame.src = `/test/pages/provider-page.html?name=${name}${query}`;
  frames.push(frame);
  const ready = loaded(frame);
  document.body.append(frame);
  await ready;
  const win = () => frame.contentWindow as Window & { host: SimulatedCifHost };
  return {
    frame,
    name,
    win,
    logger: () => frame.contentDocument!.querySelector('cif-kpi-logger') as CifKpiLoggerElement,
    report: (reason) => {
      const doc = frame.contentDocument!;
      const Custom = (win() as unknown as typeof globalThis).CustomEvent;
      doc.getElementById('widget')!.dispatchEvent(
        new Custom('cif-kpi', {
          bubbles: true,
          composed: true,
          detail: { kpiEventName: 'CallHold', kpiEventReason: reason },
        }),
      );
    },
    setHost: (next) => sessionStorage.setItem(`test-host-mode:${name}`, next),
    reload: async () => {
      const done = loaded(frame);
      frame.contentWindow!.location.reload();
      await done;
    },
  };
}

type ModelWindow = Window & typeof globalThis & { SimulatedCifHost: typeof SimulatedCifHost; pageErrors: string[] };

/**
 * The model test's provider page (test/pages/model-page.html; `query` as it takes it), with no CIF host yet: a test
 * starts one in it with `new (page.win().SimulatedCifHost)({ window: page.win() })`, after each load.
 */
async function modelPage(query: string) {
  const frame = document.createElement('iframe');
  frames.push(frame);
  const win = () => frame.contentWindow as ModelWindow;
  // A new document whose logger is defined (not the frame's load event: Firefox and WebKit hold it back until the
  // chunks the page imported meanwhile have arrived, and a test may want to act while one loads). Its window is
  // looked at only once the document is the page's: Chromium reuses the first about:blank's window for it, and one
  // whose customElements was read before then never upgrades the page's elements.
  const load = (previous?: Document | null) =>
    waitUntil(
      () => {
        const doc = frame.contentDocument;
        if (!doc || doc === previous || !doc.URL.includes('/model-page.html')) return false;
        return win().customElements.get('cif-kpi-logger') && win().SimulatedCifHost;
      },
      'the page',
      { timeout: 4000, interval: 5 },
    );
  const loaded = load(null);
  frame.src = `/test/pages/model-page.html?${query}`;
  document.body.append(frame);
  await loaded;
  return {
    win,
    doc: () => frame.contentDocument!,
    logger: () => frame.contentDocument!.querySelector('cif-kpi-logger') as CifKpiLoggerElement,
    fire: (id: string, type: string, detail: unknown) =>
      frame
        .contentDocument!.getElementById(id)!
        .dispatchEvent(new (win().CustomEvent)(type, { bubbles: true, composed: true, detail })),
    reload: async () => {
      const reloaded = load(frame.contentDocument);
      win().location.reload();
      await reloaded;
    },
  };
}

/** Reasons of the events each host accepted. */
function accepted(...hosts: SimulatedCifHost[]): string[] {
  return hosts.flatMap((host) =>
    host.calls
      .filter((call) => call.outcome === 'resolved')
      .flatMap((call) =>
        (call.data as { events: Array<{ kpiEventReason: string }> }).events.map((e) => e.kpiEventReason),
      ),
  );
}

/** Events stored, then delivered across reloads `RELOAD_GAPS` ms apart (a fixed, varied sequence). */
const EVENTS_UNDER_RELOADS = 500;
const RELOAD_GAPS = [150, 400, 220, 310, 180, 260, 390, 160, 240, 330];

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

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
    await settle();
    expect(accepted(page.win().host)).to.deep.equal(['r1', 'r2', 'r3']);
    const call = page.win().host.calls[0]!;
    expect(call.violations).to.deep.equal([]);
    expect(call.data).to.deep.include({ conversationId: 'conv', providerSessionId: 'prov' });
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
    await settle();
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
    await settle();
    const second = accepted(page.win().host);
    // The 50 of the call in flight at the reload are sent once more (the host never answered them); the 50
    // acknowledged ones never again.
    expect(second.filter((reason) => first.includes(reason))).to.deep.equal([]);
    expect([...first, ...second].sort()).to.deep.equal(Array.from({ length: 150 }, (_, i) => `a${i}`).sort());
  });

  it('sends each event once through reloads that come while the host delivers them', async function () {
    this.timeout(60_000);
    const count = Number(new URLSearchParams(location.search).get('n') ?? EVENTS_UNDER_RELOADS);
    const page = await providerFrame('reloads', 'absent', '&latency=30');
    for (let i = 0; i < count; i++) page.report(`r${i}`);
    page.setHost('ok');
    // Each call a page's host accepts, the moment it does: a page keeps running for a moment after a reload begins.
    const received: string[] = [];
    const listen = () =>
      page.win().host.addEventListener('settle', (event) => {
        const call = (event as CustomEvent<RecordedCall>).detail;
        if (call.outcome !== 'resolved') return;
        for (const e of (call.data as { events: Array<{ kpiEventReason: string }> }).events) {
          received.push(e.kpiEventReason);
        }
      });
    // Only calls the host answered count: one in flight at a reload may be sent again, as documented.
    for (const gap of RELOAD_GAPS) {
      await page.reload();
      listen();
      await new Promise((resolve) => setTimeout(resolve, gap));
    }
    await waitUntil(() => received.length >= count, 'delivery', { timeout: 20_000, interval: 20 });
    await settle();
    const twice = received.filter((reason, i) => received.indexOf(reason) !== i);
    expect(twice, 'received more than once').to.deep.equal([]);
    expect(received).to.have.length(count);
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
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the grace for a page that may be alive
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
    await settle();
    expect(accepted(page.win().host)).to.deep.equal(['t1', 't2']);
  });

  it('keeps what was heard while the rule code loads when the page goes, and counts the rule events it could not map', async () => {
    // The rule compiler arrives 1.5 s late on this page: events heard meanwhile wait for it, in order.
    const page = await modelPage(`name=rules-loading&via=/slow-kpi-rule-${Date.now()}`);
    const logger = page.logger();
    logger.setAttribute('conversation-id', 'c');
    await logger.updateComplete;
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'heard-first' });
    page.doc().getElementById('markup')!.setAttribute('data-kpi-reason', 'clicked');
    page.doc().getElementById('markup')!.click();
    page.fire('widget', 'model-thing', { m: 'by-rule' });
    expect(logger.stats.captured, 'all three wait for the rule code').to.equal(0);
    let atPageHide: unknown;
    page.win().addEventListener('pagehide', () => (atPageHide = { ...logger.stats }));
    await page.reload();
    expect(
      atPageHide,
      'the rule event, which needs the rule code, counted as dropped as the page went',
    ).to.deep.include({ captured: 3, dropped: 1, held: 2 });
    const host = new (page.win().SimulatedCifHost)({ window: page.win(), latency: 1 }).install();
    await waitUntil(() => accepted(host).length >= 2, 'delivery', { timeout: 4000, interval: 10 });
    await settle();
    expect(accepted(host)).to.deep.equal(['heard-first', 'clicked']);
    expect(page.win().pageErrors).to.deep.equal([]);
  });

  it('when the rule code cannot be loaded, delivers what waited for it and counts the rule events dropped', async () => {
    const page = await modelPage(`name=rules-missing&via=/fail-kpi-rule-${Date.now()}`);
    const host = new (page.win().SimulatedCifHost)({ window: page.win(), latency: 1 }).install();
    const reported: string[] = [];
    for (const type of ['cif-kpi-error', 'cif-kpi-dropped']) {
      page.doc().addEventListener(type, (event) => {
        const { code, reason, count } = (event as CustomEvent).detail as Record<string, unknown>;
        reported.push(`${type} ${String(code ?? `${String(reason)} ${String(count)}`)}`);
      });
    }
    const logger = page.logger();
    logger.setAttribute('conversation-id', 'c');
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'heard-first' });
    page.fire('widget', 'model-thing', { m: 'by-rule' });
    await waitUntil(() => accepted(host).length >= 1 && reported.length >= 2, 'delivery', {
      timeout: 4000,
      interval: 10,
    });
    await settle();
    expect(accepted(host)).to.deep.equal(['heard-first']);
    expect(reported.sort()).to.deep.equal(['cif-kpi-dropped rules-unavailable 1', 'cif-kpi-error internal-error']);
    expect(logger.stats).to.deep.include({ captured: 2, sent: 1, dropped: 1 });
  });

  it('gives events heard without ids while the rule code loads the ids next set, not those in force when it arrives', async () => {
    const page = await modelPage(`name=rules-ids&via=/slow-kpi-rule-${Date.now()}`);
    const host = new (page.win().SimulatedCifHost)({ window: page.win(), latency: 1 }).install();
    const logger = page.logger();
    page.fire('widget', 'model-thing', { m: 'by-rule' });
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'by-event' });
    logger.setAttribute('conversation-id', 'c-next');
    await new Promise((resolve) => setTimeout(resolve, 0));
    logger.setAttribute('conversation-id', 'c-after');
    await waitUntil(() => accepted(host).length >= 2, 'delivery', { timeout: 5000, interval: 10 });
    expect(
      host.calls.map((call) => [(call.data as { conversationId: string }).conversationId, ...accepted(host)]),
    ).to.deep.equal([['c-next', 'by-rule', 'by-event']]);
  });

  it('auto-context: says so when its code cannot be loaded, and nothing reaches the page', async () => {
    const page = await modelPage(`name=no-cif-aware&auto&via=/fail-cif-aware-${Date.now()}`);
    const errors: Array<{ code: string; message: string }> = [];
    page.doc().addEventListener('cif-kpi-error', (event) => errors.push((event as CustomEvent).detail));
    page.logger().removeAttribute('auto-context');
    page.logger().setAttribute('auto-context', '');
    await waitUntil(() => errors.length > 0, 'the error', { timeout: 3000, interval: 10 });
    await settle();
    expect(errors.map((e) => e.code)).to.deep.equal(['internal-error']);
    expect(page.win().pageErrors).to.deep.equal([]);
  });

  it("auto-context: an event restored before its session's conversation was read takes that conversation, not ids set later", async () => {
    const sessions = { 's-slow': { conversationId: 'conv-slow', delay: 300 } };
    const page = await modelPage('name=restored-session&auto');
    /** A host with the slow session focused, and when the logger has had its first getFocusedSession answer. */
    const start = () => {
      const win = page.win();
      const host = new win.SimulatedCifHost({ window: win, latency: 1, sessions, focusedSession: 's-slow' }).install();
      const answered = waitUntil(() => host.sessionAnswers.includes('getFocusedSession'), 'the focus', {
        timeout: 4000,
        interval: 5,
      });
      return { host, answered };
    };
    await start().answered; // the logger knows the focus; reading the session's conversation takes 300 ms
    await new Promise((resolve) => setTimeout(resolve, 0));
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'before-the-read' });
    await page.reload();
    // Set on the logger after the event was heard: the session's conversation, still to be read, is the event's.
    page.logger().setAttribute('conversation-id', 'conv-set-later');
    // Taken over before the CIF library is there: its session cannot be read yet, which does not make it gone.
    await waitUntil(() => page.logger().pendingCount === 1, 'taken over', { timeout: 4000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { host } = start();
    await waitUntil(() => host.calls.length > 0, 'delivery', { timeout: 4000, interval: 10 });
    await settle();
    expect(
      host.calls.map((call) => {
        const { conversationId, clientSessionId } = call.data as Record<string, string>;
        return [conversationId, clientSessionId];
      }),
    ).to.deep.equal([['conv-slow', 's-slow']]);
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
    await settle();
    expect(accepted(a.win().host)).to.deep.equal(['a1', 'a2']);

    b.report('b2');
    b.setHost('ok');
    await b.reload();
    await waitUntil(() => accepted(b.win().host).length >= 2, 'page B delivery', { timeout: 4000, interval: 10 });
    await settle();
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
    await settle();
    expect(page.win().host.calls).to.have.length(0);
  });
});

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
      await settle();
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
    await settle();
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
        await settle();
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
