import { expect, waitUntil } from '@open-wc/testing';
import type { SimulatedCifHost } from '../src/testing/simulated-cif-host.js';
import type { CifKpiLoggerElement } from '../src/cif-kpi-logger.js';

const POLICY = "script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types 'none'";

/**
 * Both bundles on a provider page served with a strict Content-Security-Policy (no inline script or style,
 * Trusted Types enforced with no policy): all three capture styles deliver, the inspector shows, and nothing is
 * reported as a violation.
 */
for (const kind of ['module', 'classic']) {
  describe(`the ${kind} bundle under a strict CSP`, function () {
    this.timeout(10_000);

    it('captures all three styles, delivers, shows the inspector, and violates nothing', async () => {
      const url = `/test/pages/csp-${kind}.html`;
      expect((await fetch(url)).headers.get('content-security-policy')).to.equal(POLICY);
      const frame = document.createElement('iframe');
      frame.src = url;
      frame.style.width = '600px';
      frame.style.height = '600px';
      const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      document.body.append(frame);
      try {
        await loaded;
        const win = frame.contentWindow as Window & { host?: SimulatedCifHost; violations?: string[] };
        const doc = frame.contentDocument!;
        await waitUntil(() => win.customElements.get('cif-kpi-logger') !== undefined && win.host?.installed, 'page', {
          timeout: 4000,
        });
        const logger = doc.querySelector('cif-kpi-logger') as CifKpiLoggerElement;
        await logger.updateComplete;
        const Custom = (win as unknown as typeof globalThis).CustomEvent;
        doc
          .getElementById('hold')!
          .dispatchEvent(
            new Custom('cif-kpi', { bubbles: true, composed: true, detail: { kpiEventName: 'CallHold' } }),
          );
        (doc.getElementById('tagged') as HTMLButtonElement).click();
        // The rule compiler may still be loading: the event is held and mapped when it arrives.
        doc
          .getElementById('phone')!
          .dispatchEvent(new Custom('call-ended', { bubbles: true, detail: { reason: 'Done' } }));
        await logger.flush();
        await waitUntil(() => win.host!.events.length === 3, 'delivery', { timeout: 4000 });
        const names = (win.host!.events as Array<{ kpiEventName: string }>).map((e) => e.kpiEventName);
        expect(names.sort()).to.deep.equal(['CallAccepted', 'CallEnded', 'CallHold']);
        await waitUntil(() => logger.shadowRoot!.querySelector('[part~="inspector"]') !== null, 'the inspector', {
          timeout: 4000,
        });
        const inspector = logger.shadowRoot!.querySelector('[part~="inspector"]')!;
        expect(win.getComputedStyle(logger).display, 'shown').to.equal('block');
        expect(win.getComputedStyle(inspector).borderTopStyle, 'styled').to.equal('solid');
        expect(win.violations).to.deep.equal([]);
      } finally {
        frame.remove();
      }
    });
  });
}
