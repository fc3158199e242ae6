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

defineCifKpiLogger();

declare global {
  interface HTMLElementTagNameMap {
    'cif-kpi-logger': CifKpiLoggerElement;
    'cif-kpi-rule': CifKpiRuleElement;
  }
}
