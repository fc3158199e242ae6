import './define.js';

export {
  CifKpiLoggerElement,
  DEFAULTS,
  type CifKpiLogResult,
  type CifKpiStats,
  type CifKpiFailedEvent,
} from './cif-kpi-logger.js';
export { defineCifKpiLogger } from './define.js';
export { CifKpiRuleElement } from './capture/kpi-rule-element.js';
export { CIF_KPI_EVENT } from './capture/event-capture.js';
export {
  normaliseKpiEvent,
  type CifKpiEvent,
  type CifKpiEventDetail,
  type CifCustomDataItem,
} from './normalise/kpi-event.js';
export type { CifAnalyticsCall, CifAnalyticsData } from './normalise/delivery-context.js';
export { CIF_LIMITS, CIF_FIRST_PARTY_EVENT_NAMES } from './normalise/cif-limits.js';
export type { DeliveryOutcome, DropReason } from './queue/delivery-queue.js';
export { hostErrorMessage } from './deliver/cif-host.js';
export {
  CIF_KPI_ERROR,
  CIF_KPI_SENT,
  CIF_KPI_WARNING,
  CIF_KPI_FAILED,
  CIF_KPI_DROPPED,
  type CifKpiErrorDetail,
  type CifKpiFailedDetail,
  type CifKpiDroppedDetail,
  type CifKpiSentDetail,
  type CifKpiWarningDetail,
} from './report/events.js';
export type { CifKpiErrorCode, CifKpiWarningCode, CifKpiProblem } from './report/problems.js';
