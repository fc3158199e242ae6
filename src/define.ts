import { CifKpiLoggerElement } from './cif-kpi-logger.js';
import { CifKpiRuleElement } from './capture/kpi-rule-element.js';

/**
 * Registers `<cif-kpi-logger>` and `<cif-kpi-rule>`, each unless it is registered already (a second copy of the
 * script on the page).
 */
export function defineCifKpiLogger(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('cif-kpi-logger')) registry.define('cif-kpi-logger', CifKpiLoggerElement);
  if (!registry.get('cif-kpi-rule')) registry.define('cif-kpi-rule', CifKpiRuleElement);
}

// Outside a browser (server-side rendering, plain Node) nothing is registered: not even in the stand-in registry
// Lit's server build puts on `globalThis`. A DOM environment such as jsdom has a window, and gets both elements.
if (typeof window !== 'undefined' && typeof customElements !== 'undefined') defineCifKpiLogger();

declare global {
  interface HTMLElementTagNameMap {
    'cif-kpi-logger': CifKpiLoggerElement;
    'cif-kpi-rule': CifKpiRuleElement;
  }
}
