import { CifKpiLoggerElement } from './cif-kpi-logger.js';

/** Registers `<cif-kpi-logger>` unless a logger is registered already (a second copy of the script). */
export function defineCifKpiLogger(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('cif-kpi-logger')) registry.define('cif-kpi-logger', CifKpiLoggerElement);
}

defineCifKpiLogger();

declare global {
  interface HTMLElementTagNameMap {
    'cif-kpi-logger': CifKpiLoggerElement;
  }
}
