import { expect, waitUntil } from '@open-wc/testing';
import type { SimulatedCifHost } from '../src/testing/simulated-cif-host.js';
import type { CifKpiLoggerElement } from '../src/cif-kpi-logger.js';

/**
 * The HTML examples of the README and the docs, taken from the pages themselves and run as a provider page with
 * the built bundle and a CIF host: if an example stops working, this fails.
 */
const pages: Record<string, string> = {};
before(async () => {
  for (const page of ['README.md', 'docs/markup.md', 'docs/frameworks.md']) {
    pages[page] = await (await fetch(`/${page}`)).text();
  }
});

/** The fenced ```html block that follows `heading` in `page`. */
function exampleAfter(heading: string, page = 'README.md'): string {
  const text = pages[page]!;
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`${page} has no "${heading}"`);
  const block = /```html\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block) throw new Error(`${page} has no html example after "${heading}"`);
  return block[1]!.replaceAll('…', 'x-1');
}

async function run(example: string): Promise<{ doc: Document; host: SimulatedCifHost }> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html>
    <script type="module">
      import { SimulatedCifHost } from '/dist/cdn/simulated-cif-host.js';
      window.host = new SimulatedCifHost({ initDelay: 0 }).install();
    </script>
    <script type="module" src="/dist/cdn/cif-kpi-logger.js"></script>
    ${example.replace(/<script type="module" src="https:[^"]*"><\/script>/, '')}`;
  document.body.append(frame);
  after(() => frame.remove());
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow as Window & { host?: SimulatedCifHost };
  await waitUntil(
    () => win.customElements.get('cif-kpi-logger') !== undefined && win.host?.installed === true,
    'page',
    { timeout: 3000, interval: 10 },
  );
  return { doc: frame.contentDocument!, host: win.host! };
}

const events = (host: SimulatedCifHost) => host.events as Array<Record<string, unknown>>;

/**
 * Sends at once what the example's loggers hold (`flush()`, rather than waiting out their `flush-delay` of 500 ms)
 * and resolves once the host has the call.
 */
async function theCall(doc: Document, host: SimulatedCifHost): Promise<void> {
  await Promise.all([...doc.querySelectorAll<CifKpiLoggerElement>('cif-kpi-logger')].map((logger) => logger.flush()));
  await waitUntil(() => host.calls.length === 1, 'the call', { timeout: 3000, interval: 10 });
}

// Test files share the tab's sessionStorage: a page here must find nothing an earlier file stored (its events would
// be taken over and sent first).
beforeEach(() => {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);
});

describe('README examples', () => {
  it('Quick start: the Hold button becomes the documented logAnalyticsEvent call', async () => {
    const { doc, host } = await run(exampleAfter('## Quick start'));
    (doc.getElementById('hold') as HTMLElement).click();
    await theCall(doc, host);
    const call = host.calls[0]!;
    expect(call.violations).to.deep.equal([]);
    expect(call.eventName).to.equal('CallHold');
    expect(call.data).to.deep.include({
      conversationId: '7c1f2a9e-0d4b-4e61-9a3c-2b8d5e6f7a10',
      providerSessionId: 'softphone-session-314',
    });
    expect(events(host)[0]).to.deep.include({ kpiEventName: 'CallHold', kpiEventReason: 'Customer asked to wait' });
  });

  it('data-kpi-* attributes: the Reject button logs its fields (the README)', async () => {
    const { doc, host } = await run(exampleAfter('### 2. `data-kpi-*` attributes'));
    (doc.querySelector('[data-kpi]') as HTMLElement).click();
    await theCall(doc, host);
    expect(events(host)[0]).to.deep.include({ kpiEventName: 'CallRejected', kpiEventReason: 'Agent busy' });
    expect(events(host)[0]!.customData).to.deep.equal([
      { attribute: 'msdyn_customattribute2', value: 'Billing queue' },
    ]);
  });

  it('data-kpi-* attributes: the Reject button logs its fields (the markup reference)', async () => {
    const example = exampleAfter('## 2. `data-kpi-*` attributes', 'docs/markup.md');
    const { doc, host } = await run(
      `<div>${example}<cif-kpi-logger conversation-id="c" provider-session-id="p"></cif-kpi-logger></div>`,
    );
    (doc.querySelector('[data-kpi]') as HTMLElement).click();
    await theCall(doc, host);
    expect(events(host)[0]).to.deep.include({
      kpiEventName: 'CallRejected',
      kpiEventReason: 'Agent busy',
      notificationResponseAction: 'Reject',
    });
    expect(events(host)[0]!.customData).to.deep.equal([
      { attribute: 'msdyn_customattribute2', value: 'Billing queue' },
    ]);
  });

  it('<cif-kpi-rule>: a softphone-widget call-ended event logs CallEnded (the README)', async () => {
    const { doc, host } = await run(exampleAfter('### 3. `<cif-kpi-rule>`'));
    doc.querySelector('softphone-widget')!.dispatchEvent(
      new (doc.defaultView as unknown as typeof globalThis).CustomEvent('call-ended', {
        bubbles: true,
        detail: { reason: 'Resolved' },
      }),
    );
    await theCall(doc, host);
    expect(events(host)[0]).to.deep.include({ kpiEventName: 'CallEnded', kpiEventReason: 'Resolved' });
  });

  it('<cif-kpi-rule>: a softphone-widget call-ended event logs CallEnded (the markup reference)', async () => {
    const example = exampleAfter('## 3. `<cif-kpi-rule>`', 'docs/markup.md');
    const { doc, host } = await run(`<div><softphone-widget></softphone-widget>${example}</div>`);
    doc.querySelector('softphone-widget')!.dispatchEvent(
      new (doc.defaultView as unknown as typeof globalThis).CustomEvent('call-ended', {
        bubbles: true,
        detail: { reason: 'Resolved', queue: 'Billing' },
      }),
    );
    await theCall(doc, host);
    expect(events(host)[0]).to.deep.include({ kpiEventName: 'CallEnded', kpiEventReason: 'Resolved' });
    expect(events(host)[0]!.customData).to.deep.equal([{ attribute: 'msdyn_customattribute1', value: 'Billing' }]);
  });

  it('Frameworks, plain HTML: the Accept button logs CallAccepted', async () => {
    const { doc, host } = await run(exampleAfter('Plain HTML (script tag)', 'docs/frameworks.md'));
    (doc.querySelector('[data-kpi]') as HTMLElement).click();
    await theCall(doc, host);
    expect(events(host)[0]).to.deep.include({ kpiEventName: 'CallAccepted' });
  });
});
