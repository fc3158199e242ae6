import './define.js';

export { CifKpiLoggerElement } from './cif-kpi-logger.js';
export { defineCifKpiLogger } from './define.js';
export { version } from './version.js';
export { CifKpiRuleElement } from './capture/kpi-rule-element.js';
export { normaliseKpiEvent } from './normalise/kpi-event.js';
export { DEFAULTS } from './queue/delivery-options.js';
export { hostErrorMessage } from './deliver/host-errors.js';
export {
  CIF_LIMITS,
  CIF_FIRST_PARTY_EVENT_NAMES,
  type CifKpiEvent,
  type CifKpiEventDetail,
  type CifCustomDataItem,
  type CifAnalyticsCall,
  type CifAnalyticsData,
} from './vocabulary/cif-contract.js';
export {
  CIF_KPI_EVENT,
  CIF_KPI_ERROR,
  CIF_KPI_SENT,
  CIF_KPI_WARNING,
  CIF_KPI_FAILED,
  CIF_KPI_DROPPED,
  type CifKpiLogResult,
  type CifKpiStats,
  type CifKpiFailedEvent,
  type DeliveryOutcome,
  type DropReason,
  type CifKpiErrorDetail,
  type CifKpiFailedDetail,
  type CifKpiDroppedDetail,
  type CifKpiSentDetail,
  type CifKpiWarningDetail,
} from './vocabulary/logger-events.js';
export type { CifKpiErrorCode, CifKpiWarningCode, CifKpiProblem } from './vocabulary/problems.js';
