import { expect, waitUntil } from '@open-wc/testing';
import type { SimulatedCifHost } from '../src/testing/simulated-cif-host.js';
import { frames, modelPage, reloadSeeingStats } from './support/reload-pages.js';

/**
 * What the logger does while the code that reads `data-kpi` markup loads: the built bundle in the model test's
 * provider page (test/pages/model-page.html), loaded through `/slow-markup-reader-<n>/` (that part arrives 1.5 s
 * late) or `/fail-markup-reader-<n>/` (it is missing), as web-test-runner.config.mjs serves them.
 */
type ModelWindow = Window &
  typeof globalThis & {
    SimulatedCifHost: typeof SimulatedCifHost;
    pageErrors: string[];
    reported: Array<{ type: string; detail: { code?: string; message?: string; reason?: string; count?: number } }>;
  };

/** The page, loaded through `via` (its frame and reload are the shared ones: test/support/reload-pages.ts). */
async function markupPage(name: string, via: string) {
  const page = await modelPage(`name=${name}&via=${via}`);
  const { win, doc } = page;
  return {
    ...page,
    win: win as () => ModelWindow,
    /** A CIF host, ready at once. */
    host: () => {
      const host = new (win().SimulatedCifHost)({ window: win(), latency: 1, initDelay: null }).install();
      host.appear();
      return host;
    },
    report: (reason: string) => page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: reason }),
    /** A data-kpi button added to the logger's scope. */
    button: (reason: string) => {
      doc()
        .getElementById('scope')!
        .insertAdjacentHTML(
          'afterbegin',
          `<button id="${reason}" data-kpi="CallResumed" data-kpi-reason="${reason}">${reason}</button>`,
        );
      return doc().getElementById(reason)!;
    },
    /** Resource entries of the bundle's parts whose name includes `part`. */
    loads: (part: string) =>
      win()
        .performance.getEntriesByType('resource')
        .filter((entry) => entry.name.includes(`cif-kpi-logger-${part}-`)),
  };
}

/** Name and reason of each event the host accepted, in the order it received them. */
function accepted(host: SimulatedCifHost): string[] {
  return host.calls
    .filter((call) => call.outcome === 'resolved')
    .flatMap((call) => (call.data as { events: Array<{ kpiEventName: string; kpiEventReason: string }> }).events)
    .map((event) => `${event.kpiEventName} ${event.kpiEventReason}`);
}

describe('while the markup code loads', function () {
  this.timeout(10_000);

  it('logs a click as its element was at the click, in order with the cif-kpi events heard meanwhile', async () => {
    const page = await markupPage('markup-loading', `/slow-markup-reader-${Date.now()}`);
    const host = page.host();
    page.logger().setAttribute('conversation-id', 'c');
    page.logger().setAttribute('event-name', 'Batch'); // one queue for all, so the host sees them in order
    await page.logger().flush(); // the page's rule compiler has arrived: only the markup code is still to come
    const changed = page.button('changed-later');
    const removed = page.button('removed-later');
    const before = Date.now();
    page.report('first');
    changed.click();
    changed.setAttribute('data-kpi-reason', 'changed-after-the-click');
    changed.setAttribute('data-kpi', 'CallEnded');
    page.report('between');
    removed.click();
    removed.remove();
    page.report('last');
    const after = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(page.logger().stats.captured, 'all but the first wait for the markup code').to.equal(1);
    await waitUntil(() => accepted(host).length >= 5, 'delivery', { timeout: 4000, interval: 10 });
    expect(accepted(host)).to.deep.equal([
      'CallHold first',
      'CallResumed changed-later',
      'CallHold between',
      'CallResumed removed-later',
      'CallHold last',
    ]);
    // Stamped when they were heard, not when the code arrived.
    const stamps = host.events.map((e) => Date.parse((e as { eventTimestamp: string }).eventTimestamp));
    for (const stamp of stamps) expect(stamp).to.be.within(before, after);
    expect(stamps).to.deep.equal([...stamps].sort((a, b) => a - b));
    expect(page.loads('markup-reader')).to.have.length(1);
    expect(page.win().pageErrors).to.deep.equal([]);
  });

  it('keeps a click heard just before the page goes, and logs it on the next page', async () => {
    const page = await markupPage('markup-unloading', `/slow-markup-reader-${Date.now()}`);
    page.logger().setAttribute('conversation-id', 'c');
    await page.logger().flush(); // the page's rule compiler has arrived: only the markup code is still to come
    const button = page.doc().getElementById('markup')!;
    button.setAttribute('data-kpi-reason', 'clicked');
    button.click();
    page.report('after');
    expect(page.logger().stats.captured, 'both wait for the markup code').to.equal(0);
    const logger = page.logger();
    const atPageHide = await reloadSeeingStats(page, logger);
    expect(atPageHide, 'the click read without the markup code, stored with the rest').to.deep.include({
      captured: 2,
      dropped: 0,
      held: 2,
    });
    const host = page.host();
    await waitUntil(() => accepted(host).length >= 2, 'delivery', { timeout: 4000, interval: 10 });
    expect(accepted(host)).to.deep.equal(['CallHold clicked', 'CallHold after']);
  });

  it('when the markup code cannot be loaded, says so, logs what waited without it, and tries again at the next click', async () => {
    const page = await markupPage('markup-missing', `/fail-markup-reader-${Date.now()}`);
    const host = page.host();
    page.logger().setAttribute('conversation-id', 'c');
    await page.logger().flush(); // the page's rule compiler has arrived: only the markup code is still to come
    const button = page.doc().getElementById('markup')!;
    button.setAttribute('data-kpi-reason', 'first-click');
    button.click();
    page.report('between');
    const errors = () => page.win().reported.filter(({ type }) => type === 'cif-kpi-error');
    await waitUntil(() => accepted(host).length >= 2, 'delivery', { timeout: 4000, interval: 10 });
    expect(accepted(host)).to.deep.equal(['CallHold first-click', 'CallHold between']);
    expect(errors().map(({ detail }) => [detail.code, detail.message?.split(' (')[0]])).to.deep.equal([
      ['internal-error', 'The data-kpi markup code could not be loaded'],
    ]);
    button.setAttribute('data-kpi-reason', 'second-click');
    button.click();
    await waitUntil(() => accepted(host).length >= 3, 'delivery', { timeout: 4000, interval: 10 });
    expect(accepted(host)[2]).to.equal('CallHold second-click');
    expect(errors(), 'tried again, and failed again').to.have.length(2);
    expect(page.logger().stats).to.deep.include({ captured: 3, sent: 3, dropped: 0 });
    expect(page.win().pageErrors).to.deep.equal([]);
  });
});

describe('a page that only dispatches cif-kpi events', () => {
  it('loads no part of capture: no markup reader, rule compiler, scope waiting, stub take-over or advice', async () => {
    const frame = document.createElement('iframe');
    frames.push(frame);
    frame.srcdoc = `<!doctype html>
      <script type="module">
        import { SimulatedCifHost } from '/dist/cdn/simulated-cif-host.js';
        window.host = new SimulatedCifHost({ initDelay: null, latency: 1 }).install();
        window.host.appear();
      </script>
      <script type="module" src="/dist/cdn/cif-kpi-logger.js"></script>
      <div><button id="widget">w</button><button>plain</button><input>
        <cif-kpi-logger conversation-id="c" provider-session-id="p" flush-delay="0" no-persist></cif-kpi-logger>
      </div>`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const win = frame.contentWindow as ModelWindow & { host?: SimulatedCifHost };
    const doc = frame.contentDocument!;
    await waitUntil(() => win.customElements.get('cif-kpi-logger') && win.host, 'the bundle', { timeout: 3000 });
    const widget = doc.getElementById('widget')!;
    for (const reason of ['a', 'b']) {
      widget.dispatchEvent(
        new win.CustomEvent('cif-kpi', {
          bubbles: true,
          composed: true,
          detail: { kpiEventName: 'X', kpiEventReason: reason },
        }),
      );
    }
    // Clicks and changes on elements without data-kpi are heard, and need no part either.
    widget.click();
    doc.querySelector('input')!.dispatchEvent(new win.Event('change', { bubbles: true }));
    await waitUntil(() => win.host!.events.length === 2, 'delivery', { timeout: 3000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const parts = win.performance
      .getEntriesByType('resource')
      .map((entry) => /cif-kpi-logger-([a-z-]+)-[\w-]+\.js$/.exec(entry.name)?.[1])
      .filter((part) => part !== undefined);
    expect(parts).to.deep.equal([]);
  });
});
