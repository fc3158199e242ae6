import { expect, waitUntil } from '@open-wc/testing';
import type { SimulatedCifHost } from '../src/testing/simulated-cif-host.js';

// Test files share the tab's sessionStorage: a page here must find nothing an earlier file stored.
beforeEach(() => {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);
});

/**
 * The script-tag bundles as a provider uses them: a plain HTML page with the CIF library (simulated, appearing
 * late), a sibling widget that dispatches `cif-kpi`, and the logger. Runs against `dist/cdn`, built by `npm test`.
 */
async function providerPage(
  loggerScript: string,
): Promise<{ win: Window & { host?: SimulatedCifHost }; doc: Document }> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html>
    <script type="module">
      import { SimulatedCifHost } from '/dist/cdn/simulated-cif-host.js';
      window.host = new SimulatedCifHost({ initDelay: 50 }).install();
    </script>
    ${loggerScript}
    <div class="panel">
      <button id="hold">Hold</button>
      <cif-kpi-logger conversation-id="conv-9" provider-session-id="prov-9" flush-delay="10"></cif-kpi-logger>
    </div>`;
  document.body.append(frame);
  after(() => frame.remove());
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow as Window & { host?: SimulatedCifHost };
  await waitUntil(() => win.customElements.get('cif-kpi-logger') !== undefined && win.host !== undefined, 'bundle', {
    timeout: 3000,
    interval: 10,
  });
  return { win, doc: frame.contentDocument! };
}

for (const [name, tag] of [
  ['ES module bundle', '<script type="module" src="/dist/cdn/cif-kpi-logger.js"></script>'],
  ['classic script bundle', '<script src="/dist/cdn/cif-kpi-logger.classic.js"></script>'],
] as const) {
  describe(`dist/cdn ${name}`, () => {
    it('maps a rule event heard before the rule code arrived, with its capture time and path', async () => {
      const { win, doc } = await providerPage(tag);
      const loaded = () =>
        win.performance.getEntriesByType('resource').filter((entry) => entry.name.includes('kpi-rule')).length;
      if (name === 'ES module bundle') {
        expect(loaded(), 'a page without rules loads no rule code').to.equal(0);
        const reader = win.performance.getEntriesByType('resource').filter((e) => e.name.includes('stored-segments'));
        expect(reader, 'a page with nothing stored by an earlier one loads no reading code').to.have.length(0);
      }
      const panel = doc.createElement('div');
      panel.innerHTML = `
        <softphone-widget id="phone"></softphone-widget><chat-widget id="chat"></chat-widget>
        <cif-kpi-logger conversation-id="conv-9" provider-session-id="prov-9" flush-delay="10">
          <cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{target.id}" match="softphone-widget"
                        custom-queue="{detail.queue}"></cif-kpi-rule>
        </cif-kpi-logger>`;
      const before = Date.now();
      doc.body.append(panel);
      const inner = doc.getElementById('phone')!.attachShadow({ mode: 'open' }).appendChild(doc.createElement('i'));
      inner.id = 'hangup';
      const Custom = (win as unknown as typeof globalThis).CustomEvent;
      inner.dispatchEvent(new Custom('call-ended', { bubbles: true, composed: true, detail: { queue: 'Billing' } }));
      doc.getElementById('chat')!.dispatchEvent(new Custom('call-ended', { bubbles: true, detail: { queue: 'x' } }));
      const after = Date.now();
      await waitUntil(() => win.host!.events.length === 1, 'delivery', { timeout: 3000, interval: 10 });
      // Had the logger taken the other event too, flushing sends it.
      await (doc.querySelector('cif-kpi-logger') as unknown as { flush(): Promise<void> }).flush();
      const [event] = win.host!.events as Array<{ kpiEventReason: string; eventTimestamp: string }>;
      expect(win.host!.events).to.have.length(1);
      expect(event).to.deep.include({
        kpiEventName: 'CallEnded',
        kpiEventReason: 'hangup',
        customData: [{ attribute: 'queue', value: 'Billing' }],
      });
      expect(Date.parse(event!.eventTimestamp)).to.be.within(before, after);
      if (name === 'ES module bundle') expect(loaded(), 'the rule code is loaded once rules appear').to.equal(1);
    });

    it('registers the element and turns each widget event into valid logAnalyticsEvent calls', async () => {
      const { win, doc } = await providerPage(tag);
      const button = doc.getElementById('hold')!;
      for (const reason of ['first', 'second']) {
        button.dispatchEvent(
          new (win as unknown as typeof globalThis).CustomEvent('cif-kpi', {
            bubbles: true,
            composed: true,
            detail: { kpiEventName: 'CallHold', kpiEventReason: reason },
          }),
        );
      }
      await waitUntil(() => win.host!.events.length === 2, 'delivery', { timeout: 3000, interval: 10 });
      const calls = win.host!.calls;
      expect(calls.length).to.be.within(1, 2);
      for (const call of calls) {
        expect(call.violations).to.deep.equal([]);
        expect(call.data).to.deep.include({ conversationId: 'conv-9', providerSessionId: 'prov-9' });
      }
      expect(win.host!.events.map((e) => (e as { kpiEventReason: string }).kpiEventReason)).to.deep.equal([
        'first',
        'second',
      ]);
    });
  });
}

describe('dist/cdn classic script bundle', () => {
  it('exposes the API as window.CifKpiLogger', async () => {
    const { win } = await providerPage('<script src="/dist/cdn/cif-kpi-logger.classic.js"></script>');
    const api = (win as unknown as { CifKpiLogger: Record<string, unknown> }).CifKpiLogger;
    expect(api.CifKpiLoggerElement).to.equal(win.customElements.get('cif-kpi-logger'));
    const { version } = (await (await fetch('/package.json')).json()) as { version: string };
    expect(api.version, 'the package version').to.equal(version);
  });
});
