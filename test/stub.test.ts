import { expect, waitUntil } from '@open-wc/testing';
import type { SimulatedCifHost } from '../src/testing/simulated-cif-host.js';
import type { CifKpiDroppedDetail } from '../src/vocabulary/logger-events.js';

/**
 * The stub (dist/cdn/cif-kpi-stub.js) inlined in a provider page's <head>, as the README shows: what happens before
 * the bundle has loaded is logged once it has, with its own capture time, mapped like live events.
 */
type Frame = Window & { host?: SimulatedCifHost; firedAt?: number; dropped?: CifKpiDroppedDetail[] };

async function page(body: string, { bundleFirst = false } = {}): Promise<{ doc: Document; win: Frame }> {
  const stub = await (await fetch('/dist/cdn/cif-kpi-stub.js', { cache: 'no-store' })).text();
  const frame = document.createElement('iframe');
  const bundle = '<script type="module" src="/dist/cdn/cif-kpi-logger.js"></script>';
  frame.srcdoc = `<!doctype html><head>
    ${bundleFirst ? bundle : ''}
    <script>${stub}</script>
    <script type="module">
      import { SimulatedCifHost } from '/dist/cdn/simulated-cif-host.js';
      window.host = new SimulatedCifHost({ initDelay: 0 }).install();
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

const names = (host: SimulatedCifHost) => host.events.map((e) => (e as { kpiEventName: string }).kpiEventName);

describe('cif-kpi-stub.js', () => {
  it('keeps what happens before the bundle loads, and the logger maps it with its capture time, markup and rules alike', async () => {
    const { doc, win } = await page(
      `<div id="scope"><span id="w"></span><button id="early-button" data-kpi="EarlyClick" data-kpi-reason="Before load">b</button>${LOGGER}</div>
       <button id="outside">not a KPI source</button>${EARLY}`,
    );
    expect(win.customElements.get('cif-kpi-logger')).to.equal(undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
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
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(names(host)).to.deep.equal(['EarlyEvent', 'EarlyClick', 'EarlyRule', 'EarlyClick', 'EarlyRule']);
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
    expect((win as unknown as { __cifKpiStub: { heard: unknown[] } }).__cifKpiStub.heard).to.deep.equal([]);
    win.document.body.insertAdjacentHTML(
      'beforeend',
      '<cif-kpi-logger scope="document" conversation-id="c2" provider-session-id="p" flush-delay="0" no-persist></cif-kpi-logger>',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(names(win.host!)).to.deep.equal(['EarlyEvent', 'EarlyClick', 'EarlyRule']);
  });

  it('keeps at most 500 and reports the rest dropped when the logger takes them', async () => {
    const { doc, win } = await page(
      `<div id="scope"><span id="w"></span>${LOGGER}</div>
       <script>
         for (let i = 0; i < 510; i++)
           document.getElementById('w').dispatchEvent(
             new CustomEvent('cif-kpi', { bubbles: true, detail: { kpiEventName: 'E' + i } }),
           );
       </script>`,
    );
    loadBundle(doc);
    await waitUntil(() => win.host?.events.length === 500, 'the kept events', { timeout: 5000, interval: 10 });
    expect(names(win.host!).slice(0, 2)).to.deep.equal(['E0', 'E1']);
    expect(names(win.host!).at(-1)).to.equal('E499');
    expect(win.dropped!.map((d) => [d.reason, d.count])).to.deep.equal([['before-load', 10]]);
  });
});
