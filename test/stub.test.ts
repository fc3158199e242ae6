import { expect, waitUntil } from '@open-wc/testing';
import type { SimulatedCifHost } from '../src/testing/simulated-cif-host.js';
import type { CifKpiDroppedDetail } from '../src/vocabulary/logger-events.js';
import type { CifKpiLoggerElement } from '../src/cif-kpi-logger.js';

/**
 * The stub (dist/cdn/cif-kpi-stub.js) inlined in a provider page's <head>, as the README shows: what happens before
 * the bundle has loaded is logged once it has, with its own capture time, mapped like live events.
 */
type Frame = Window & {
  host?: SimulatedCifHost;
  firedAt?: number;
  dropped?: CifKpiDroppedDetail[];
  /** What reached the page's own error handlers: nothing of the logger's or the stub's may. */
  errors?: string[];
};

interface PageOptions {
  /** The bundle in <head> before the stub, as a page that loads it early. */
  bundleFirst?: boolean;
  /** Whether the stub is on the page. */
  stub?: boolean;
  /** Markup or scripts placed before the stub. */
  before?: string;
  /** The simulated host's options, as a script expression. */
  host?: string;
}

async function page(
  body: string,
  { bundleFirst = false, stub: withStub = true, before = '', host = '{ initDelay: 0 }' }: PageOptions = {},
): Promise<{ doc: Document; win: Frame }> {
  const stub = await (await fetch('/dist/cdn/cif-kpi-stub.js', { cache: 'no-store' })).text();
  const frame = document.createElement('iframe');
  const bundle = '<script type="module" src="/dist/cdn/cif-kpi-logger.js"></script>';
  frame.srcdoc = `<!doctype html><head>
    <script>
      window.errors = [];
      addEventListener('error', (event) => window.errors.push(event.message));
      addEventListener('unhandledrejection', (event) => window.errors.push(String(event.reason)));
    </script>
    ${bundleFirst ? bundle : ''}
    ${before}
    ${withStub ? `<script>${stub}</script>` : ''}
    <script type="module">
      import { SimulatedCifHost } from '/dist/cdn/simulated-cif-host.js';
      window.host = new SimulatedCifHost(${host}).install();
    </script>
    <script>
      window.dropped = [];
      document.addEventListener('cif-kpi-dropped', (event) => window.dropped.push(event.detail));
    </script></head><body>${body}</body>`;
  document.body.append(frame);
  after(() => frame.remove());
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  return { doc: frame.contentDocument!, win: frame.contentWindow as Frame };
}

const LOGGER = `<cif-kpi-logger conversation-id="c" provider-session-id="p" flush-delay="0" no-persist>
  <cif-kpi-rule on="click" kpi="EarlyRule" reason="{target.id}" match="[data-kpi]"></cif-kpi-rule></cif-kpi-logger>`;

const EARLY = `<script>
  const widget = document.getElementById('w');
  widget.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail: { kpiEventName: 'EarlyEvent' } }));
  document.querySelector('[data-kpi]').click();
  widget.dispatchEvent(new CustomEvent('call-ended', { bubbles: true, detail: { reason: 'Hung up' } }));
  document.querySelector('#outside').click();
  window.firedAt = Date.now();
</script>`;

function loadBundle(doc: Document): void {
  const script = doc.createElement('script');
  script.type = 'module';
  script.src = '/dist/cdn/cif-kpi-logger.js';
  doc.head.append(script);
}

/** Whether the page loaded the chunk that takes over the stub's events. */
const loadedTakeOver = (win: Window) =>
  win.performance.getEntriesByType('resource').some((entry) => entry.name.includes('cif-kpi-logger-stub-take-over-'));

/** The stub of 0.1.0, which copied nothing and kept its buffer under a key markup can name (`src/stub.ts` then). */
const EARLIER_STUB = `if (!window.__cifKpiStub) {
  const buffer = { heard: [], lost: 0 };
  window.__cifKpiStub = buffer;
  const hear = (event) => {
    if (customElements.get('cif-kpi-logger')) return;
    const path = event.composedPath();
    if (event.type !== 'cif-kpi' && !path.some((node) => node.hasAttribute?.('data-kpi'))) return;
    if (buffer.heard.length < 500) buffer.heard.push([event, Date.now(), path]);
    else buffer.lost++;
  };
  for (const type of ['cif-kpi', 'click', 'submit', 'change']) addEventListener(type, hear, true);
}`;

const names = (host: SimulatedCifHost) => host.events.map((e) => (e as { kpiEventName: string }).kpiEventName);

/** A logger without rules. */
const PLAIN =
  '<cif-kpi-logger conversation-id="c" provider-session-id="p" flush-delay="0" no-persist></cif-kpi-logger>';

/** A logger that takes its conversation from the host's focused session: it works only if its connect ran whole. */
const AUTO = '<cif-kpi-logger auto-context provider-session-id="p" flush-delay="0" no-persist></cif-kpi-logger>';
const SESSIONS = "{ initDelay: 0, sessions: { s1: { conversationId: 'conv-1' } }, focusedSession: 's1' }";

/** Waits until the host has `count` events or the page has seen an error, or a while; what came is then asserted. */
async function settle(win: Frame, count: number): Promise<void> {
  await waitUntil(() => (win.host?.events.length ?? 0) >= count || (win.errors?.length ?? 0) > 0, '', {
    timeout: 3000,
    interval: 10,
  }).catch(() => {});
}

/**
 * Resolves once every logger of the page has taken what it would take (its take-over and rule code loaded) and
 * sent what it holds: nothing more comes after that.
 */
async function flushed(doc: Document): Promise<void> {
  await Promise.all([...doc.querySelectorAll<CifKpiLoggerElement>('cif-kpi-logger')].map((logger) => logger.flush()));
}

/** The fields of the events the host received that these tests look at. */
const rows = (host: SimulatedCifHost) =>
  host.events.map((e) => {
    const { kpiEventName, kpiEventReason, customData } = e as {
      kpiEventName: string;
      kpiEventReason?: string;
      customData?: Array<{ value: string }>;
    };
    return [kpiEventName, kpiEventReason, customData?.map((item) => item.value)];
  });

/** Every trap of a Proxy, each throwing. */
const THROWING_PROXY = `new Proxy([], Object.fromEntries(
  ['get', 'set', 'has', 'ownKeys', 'getPrototypeOf', 'getOwnPropertyDescriptor', 'defineProperty', 'deleteProperty']
    .map((trap) => [trap, () => { throw new Error(trap); }])))`;

/** What markup alone can put at the key earlier stubs used, on a page without a stub. */
const MARKUP_AT_THE_KEY = [
  '<div id="__cifKpiStub"></div>',
  '<img name="__cifKpiStub"><img name="__cifKpiStub">',
  '<iframe name="__cifKpiStub"></iframe>',
];

/** What may be at the stub's keys on a page where no stub put its buffer there. */
const AT_THE_KEY: Array<[string, string]> = [
  ['an element with its id', MARKUP_AT_THE_KEY[0]!],
  ['images with its name (an HTMLCollection)', MARKUP_AT_THE_KEY[1]!],
  ['an iframe with its name (a window)', MARKUP_AT_THE_KEY[2]!],
  ['an object with fields of the wrong type', `<script>window.__cifKpiStub = { heard: 'all', lost: '2' };</script>`],
  [
    'records of the wrong shape',
    `<script>window.__cifKpiStub = { lost: -1, heard: [null, 7, [], [null, 'x', null], [{}, 0, { includes: 1 }],
      [{ type: 'cif-kpi', detail: { kpiEventName: 'Forged' } }, 0, [document, window]],
      [new Event('click'), 0, [document.body, document, window]]] };</script>`,
  ],
  [
    'getters that throw',
    `<script>window.__cifKpiStub = { get heard() { throw new Error('heard'); }, get lost() { throw new Error('lost'); } };</script>`,
  ],
  [
    'a getter of window that throws',
    `<script>Object.defineProperty(window, '__cifKpiStub', { get() { throw new Error('key'); } });</script>`,
  ],
  ['a Proxy that throws', `<script>window.__cifKpiStub = ${THROWING_PROXY};</script>`],
  ['a Proxy, under the key the stub uses', `<script>window[Symbol.for('cif-kpi-stub')] = ${THROWING_PROXY};</script>`],
  [
    'a getter that throws, under the key the stub uses',
    `<script>Object.defineProperty(window, Symbol.for('cif-kpi-stub'), { get() { throw new Error('key'); } });</script>`,
  ],
  [
    'records of the wrong shape, under the key the stub uses',
    `<script>window[Symbol.for('cif-kpi-stub')] = { lost: {}, heard: [[document, 1, 'x', 5], [new Event('click'), 0, null, []]] };</script>`,
  ],
];

describe('cif-kpi-stub.js', () => {
  it('keeps what happens before the bundle loads, and the logger maps it with its capture time, markup and rules alike', async () => {
    const { doc, win } = await page(
      `<div id="scope"><span id="w"></span><button id="early-button" data-kpi="EarlyClick" data-kpi-reason="Before load">b</button>${LOGGER}</div>
       <button id="outside">not a KPI source</button>${EARLY}`,
    );
    expect(win.customElements.get('cif-kpi-logger')).to.equal(undefined);
    // The bundle is asked for once the clock has moved on from the events: a time taken then would be later.
    await waitUntil(() => Date.now() > win.firedAt!, 'a later millisecond', { timeout: 1000, interval: 1 });
    loadBundle(doc);
    await waitUntil(() => win.host?.events.length === 3, 'the early events', { timeout: 3000, interval: 10 });
    const host = win.host!;
    expect(names(host)).to.deep.equal(['EarlyEvent', 'EarlyClick', 'EarlyRule']);
    expect(host.events[1]).to.deep.include({ kpiEventReason: 'Before load' });
    expect(host.events[2]).to.deep.include({ kpiEventReason: 'early-button' });
    for (const event of host.events) {
      // Stamped when they happened, before the bundle was even asked for.
      expect(Date.parse((event as { eventTimestamp: string }).eventTimestamp)).to.be.at.most(win.firedAt!);
    }
    expect(host.calls.every((call) => call.violations.length === 0)).to.equal(true);
    // The stub has stopped: later events are the logger's own, logged once.
    doc.querySelector<HTMLElement>('[data-kpi]')!.click();
    await waitUntil(() => host.events.length === 5, 'the live click', { timeout: 3000, interval: 10 });
    await flushed(doc);
    expect(names(host)).to.deep.equal(['EarlyEvent', 'EarlyClick', 'EarlyRule', 'EarlyClick', 'EarlyRule']);
    // The code that takes them is a chunk of its own, which this page needed.
    expect(loadedTakeOver(win)).to.equal(true);
    expect(win.errors).to.deep.equal([]);
  });

  it('logs what happens while its take-over loads after what the stub kept, each with its capture time', async () => {
    const { doc, win } = await page(
      `<div id="scope"><span id="w"></span><button id="early-button" data-kpi="EarlyClick" data-kpi-reason="Before load">b</button>${LOGGER}</div>
       <button id="outside">not a KPI source</button>${EARLY}`,
    );
    loadBundle(doc);
    await win.customElements.whenDefined('cif-kpi-logger');
    // The logger hears this itself, before the stub's events are taken (its take-over chunk may have been fetched
    // already, in WebKit, but not run: nothing is counted yet).
    expect(doc.querySelector<CifKpiLoggerElement>('cif-kpi-logger')!.stats.captured).to.equal(0);
    const liveAt = Date.now();
    doc
      .getElementById('w')!
      .dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail: { kpiEventName: 'Live' } }));
    await settle(win, 4);
    const host = win.host!;
    expect(names(host)).to.deep.equal(['EarlyEvent', 'EarlyClick', 'EarlyRule', 'Live']);
    const times = host.events.map((event) => Date.parse((event as { eventTimestamp: string }).eventTimestamp));
    for (const time of times.slice(0, 3)) expect(time).to.be.at.most(win.firedAt!);
    expect(times[3]).to.be.at.least(liveAt);
  });

  it('takes what the stub of 0.1.0 kept, under the key markup can name', async () => {
    const { doc, win } = await page(
      `<div id="scope"><span id="w"></span><button id="early-button" data-kpi="EarlyClick" data-kpi-reason="Before load">b</button>${LOGGER}</div>
       <button id="outside">x</button>${EARLY}`,
      { stub: false, before: `<script>${EARLIER_STUB}</script>` },
    );
    loadBundle(doc);
    await settle(win, 3);
    expect(win.errors).to.deep.equal([]);
    expect(names(win.host!)).to.deep.equal(['EarlyEvent', 'EarlyClick', 'EarlyRule']);
    expect((win as unknown as { __cifKpiStub: { heard: unknown[] } }).__cifKpiStub.heard).to.deep.equal([]);
  });

  it('doubles nothing when the logger was already listening', async () => {
    const { win } = await page(
      `<div id="scope"><span id="w"></span><button data-kpi="EarlyClick">b</button>${LOGGER}</div>
       <button id="outside">x</button>
       <script type="module">${EARLY.replace(/<\/?script>/g, '')}</script>`,
      { bundleFirst: true },
    );
    await waitUntil(() => (win.host?.events.length ?? 0) >= 3, 'the events', { timeout: 5000, interval: 10 });
    // The stub kept nothing the live logger heard, so a logger that connects later takes nothing.
    expect((win as unknown as Record<symbol, { heard: unknown[] }>)[Symbol.for('cif-kpi-stub')]!.heard).to.deep.equal(
      [],
    );
    win.document.body.insertAdjacentHTML(
      'beforeend',
      '<cif-kpi-logger scope="document" conversation-id="c2" provider-session-id="p" flush-delay="0" no-persist></cif-kpi-logger>',
    );
    await flushed(win.document);
    expect(names(win.host!)).to.deep.equal(['EarlyEvent', 'EarlyClick', 'EarlyRule']);
  });

  it('keeps at most 500 and reports the rest dropped when the logger takes them', async () => {
    const { doc, win } = await page(
      `<div id="scope"><span id="w"></span>${LOGGER}</div>
       <script>
         for (let i = 0; i < 510; i++)
           document.getElementById('w').dispatchEvent(
             new CustomEvent('cif-kpi', { bubbles: true, detail: { kpiEventName: 'E', kpiEventReason: 'E' + i } }),
           );
       </script>`,
    );
    loadBundle(doc);
    // One name (calls of 100): events of 500 names would go in 500 calls, one after another.
    await waitUntil(() => win.host?.events.length === 500, 'the kept events', { timeout: 5000, interval: 10 });
    const reasons = win.host!.events.map((e) => (e as { kpiEventReason: string }).kpiEventReason);
    expect(reasons.slice(0, 2)).to.deep.equal(['E0', 'E1']);
    expect(reasons.at(-1)).to.equal('E499');
    expect(win.dropped!.map((d) => [d.reason, d.count])).to.deep.equal([['before-load', 10]]);
  });

  describe('whatever is at its key', () => {
    for (const [what, markup] of AT_THE_KEY) {
      it(`lets a logger connect whole, and throws nothing into the page, when that is ${what}`, async () => {
        const { doc, win } = await page(`${markup}<div id="scope"><span id="w"></span>${AUTO}</div>`, {
          stub: false,
          host: SESSIONS,
        });
        loadBundle(doc);
        await win.customElements.whenDefined('cif-kpi-logger');
        doc
          .getElementById('w')!
          .dispatchEvent(
            new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail: { kpiEventName: 'Live' } }),
          );
        await settle(win, 1);
        expect(win.errors).to.deep.equal([]);
        // auto-context started, at the end of connectedCallback: the event has the focused session's conversation.
        expect(names(win.host!)).to.deep.equal(['Live']);
        expect((win.host!.calls[0]!.data as { conversationId: string }).conversationId).to.equal('conv-1');
        // A page without a stub never loads the take-over for what its markup names.
        if (MARKUP_AT_THE_KEY.includes(markup)) expect(loadedTakeOver(win)).to.equal(false);
      });
    }

    it('keeps what happens before the bundle loads when an element had the name of its buffer already', async () => {
      const { doc, win } = await page(
        `<div id="scope"><span id="w"></span><button id="early-button" data-kpi="EarlyClick" data-kpi-reason="Before load">b</button>${LOGGER}</div>
         <button id="outside">x</button><img name="__cifKpiStub">${EARLY}`,
        { before: '<div id="__cifKpiStub"></div>' },
      );
      loadBundle(doc);
      await settle(win, 3);
      expect(win.errors).to.deep.equal([]);
      expect(names(win.host!)).to.deep.equal(['EarlyEvent', 'EarlyClick', 'EarlyRule']);
    });
  });

  describe('keeps the page as it was at each event', () => {
    it('a detail the widget reuses, and its customData', async () => {
      const { doc, win } = await page(
        `<div id="scope"><span id="w"></span>${PLAIN}</div>
         <script>
           const w = document.getElementById('w');
           const report = (detail) => w.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail }));
           const call = { kpiEventName: 'CallHold', customData: [{ attribute: 'msdyn_customattribute1', value: 'A' }] };
           report(call);
           call.kpiEventName = 'CallResume';
           call.customData[0].value = 'B';
           report(call);
           call.kpiEventName = 'CallEnded';
           call.kpiEventReason = 'Changed after';
           call.customData[0].value = 'C';
           const transfer = { kpiEventName: 'Transfer', customData: { msdyn_customattribute2: 'X' } };
           report(transfer);
           transfer.kpiEventName = 'Changed';
           transfer.customData.msdyn_customattribute2 = 'Y';
         </script>`,
      );
      loadBundle(doc);
      await settle(win, 3);
      expect(rows(win.host!)).to.deep.equal([
        ['CallHold', undefined, ['A']],
        ['CallResume', undefined, ['B']],
        ['Transfer', undefined, ['X']],
      ]);
    });

    it('a toggle button whose data-kpi its own click handler flips', async () => {
      const { doc, win } = await page(
        `<div id="scope"><button id="t" data-kpi="Hold" data-kpi-reason="Click 0">t</button>${PLAIN}</div>
         <script>
           const toggle = document.getElementById('t');
           let clicks = 0;
           toggle.addEventListener('click', () => {
             clicks++;
             toggle.dataset.kpi = toggle.dataset.kpi === 'Hold' ? 'Resume' : 'Hold';
             toggle.dataset.kpiReason = 'Click ' + clicks;
           });
           toggle.click();
           toggle.click();
           toggle.click();
         </script>`,
      );
      loadBundle(doc);
      await settle(win, 3);
      await flushed(doc);
      // The queue batches events by name: Resume goes in a call of its own, after the two Holds.
      expect(rows(win.host!)).to.have.deep.members([
        ['Hold', 'Click 0', undefined],
        ['Resume', 'Click 1', undefined],
        ['Hold', 'Click 2', undefined],
      ]);
    });

    it('data-kpi-ignore on the way, as it was at each click', async () => {
      const { doc, win } = await page(
        `<div id="scope">
           <div id="ignored-then" data-kpi-ignore><button data-kpi="IgnoredThen">a</button></div>
           <div id="ignored-since"><button data-kpi="Counted">b</button></div>
           ${PLAIN}
         </div>
         <script>
           for (const button of document.querySelectorAll('button')) button.click();
           document.getElementById('ignored-then').removeAttribute('data-kpi-ignore');
           document.getElementById('ignored-since').setAttribute('data-kpi-ignore', '');
         </script>`,
      );
      loadBundle(doc);
      await settle(win, 1);
      await flushed(doc);
      expect(names(win.host!)).to.deep.equal(['Counted']);
    });

    it('markup with an attribute it does not know, said once as for live clicks', async () => {
      const { doc, win } = await page(
        `<div id="scope"><button id="typo" data-kpi="Typo" data-kpi-reasn="Busy">t</button>${PLAIN}</div>
         <script>
           const button = document.getElementById('typo');
           button.click();
           button.removeAttribute('data-kpi-reasn');
           button.click();
         </script>`,
      );
      const warnings: string[] = [];
      doc.addEventListener('cif-kpi-warning', (event) =>
        warnings.push((event as CustomEvent<{ field: string }>).detail.field),
      );
      loadBundle(doc);
      await settle(win, 2);
      await waitUntil(() => warnings.length > 0, 'the warning', { timeout: 3000, interval: 10 });
      doc.getElementById('typo')!.setAttribute('data-kpi-reasn', 'Busy');
      doc.getElementById('typo')!.click();
      await settle(win, 3);
      await flushed(doc);
      expect(names(win.host!)).to.deep.equal(['Typo', 'Typo', 'Typo']);
      expect(warnings).to.deep.equal(['data-kpi-reasn']);
    });

    it('throws nothing into the page, whatever the details and markup', async () => {
      const { doc, win } = await page(
        `<div id="scope"><span id="w"></span>
           <form data-kpi="FormSent" onsubmit="event.preventDefault()">
             <input name="attributes"><input name="hasAttribute"><input name="getAttributeNames"><button id="send">Send</button>
           </form>${PLAIN}</div>
         <script>
           const w = document.getElementById('w');
           const report = (detail) => w.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail }));
           report({ get kpiEventName() { throw new Error('getter'); } });
           report(${THROWING_PROXY});
           report(null);
           report('CallHold');
           report({ kpiEventName: 'Fine' });
           document.getElementById('send').click();
         </script>`,
      );
      expect(win.errors).to.deep.equal([]);
      const invalid: string[] = [];
      doc.addEventListener('cif-kpi-error', (event) =>
        invalid.push((event as CustomEvent<{ code: string }>).detail.code),
      );
      loadBundle(doc);
      await settle(win, 2);
      await flushed(doc);
      expect(win.errors).to.deep.equal([]);
      expect(names(win.host!)).to.deep.equal(['Fine', 'FormSent']);
      // What could not be copied is read when the logger takes it, as a live logger would have read it.
      expect(invalid).to.deep.equal(['invalid-detail', 'invalid-detail', 'invalid-detail', 'invalid-detail']);
    });
  });
});
