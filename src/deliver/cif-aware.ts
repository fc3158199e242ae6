/**
 * The CIF-aware features, one chunk loaded by the loggers that use one: `check-kpi-names` and `auto-context`.
 */
export { KpiNameCheck } from './kpi-names.js';
export { SessionContext } from './session-context.js';
