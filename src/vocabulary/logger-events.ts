/**
 * The events `<cif-kpi-logger>` fires, their detail types, and the outcomes and counts it reports: shared
 * vocabulary at the bottom of the module graph (it imports nothing of the project but other vocabulary).
 */
import type {
  CifAnalyticsCall,
  CifAnalyticsData,
  CifKpiEvent,
  CifKpiEventDetail,
  DeliveryContext,
} from './cif-contract.js';
import type { CifKpiErrorCode, CifKpiProblem, CifKpiWarningCode } from './problems.js';

/** The event type widgets dispatch to report a KPI event. */
export const CIF_KPI_EVENT = 'cif-kpi';

/** Detail of `cif-kpi-sent`: one `logAnalyticsEvent` call the host accepted. */
export interface CifKpiSentDetail {
  data: CifAnalyticsData;
  eventName: string;
  correlationId: string | undefined;
  /** What the host's promise resolved with (CIF answers `"Success"`). */
  result: unknown;
}

/** Detail of `cif-kpi-error`: something was not logged, a call failed, or the logger is misconfigured. */
export interface CifKpiErrorDetail {
  code: CifKpiErrorCode;
  message: string;
  /** The field the problem is about, when there is one. */
  field?: string;
  /** For a rejected event: the detail as the widget gave it. */
  event?: unknown;
  /** For a call the host rejected or did not answer: the call and the events it carried. */
  call?: CifAnalyticsCall;
  events?: CifKpiEvent[];
  /** For a failed call: how many calls of these events have failed so far. */
  attempt?: number;
  /** For a failed call that will be retried: in how many ms. Absent when it is not retried. */
  retryIn?: number;
}

/** Detail of `cif-kpi-warning`: the event was logged, but changed or suspicious. */
export interface CifKpiWarningDetail {
  code: CifKpiWarningCode;
  message: string;
  field?: string;
  /** The detail as the widget gave it; absent for a warning about the set-up (`ids-missing`, `host-not-found`). */
  event?: unknown;
}

/** Detail of `cif-kpi-failed`: events given up after their last retry (kept in `logger.failed`). */
export interface CifKpiFailedDetail {
  events: CifKpiEvent[];
  /** The last error. */
  error: CifKpiProblem;
  /** Calls made for these events. */
  attempts: number;
}

/** Why events were dropped instead of delivered. */
export type DropReason =
  | 'queue-full'
  | 'context-timeout'
  | 'disabled'
  | 'failed-overflow'
  | 'rules-unavailable'
  | 'markup-unavailable'
  | 'stored-unreadable'
  | 'before-load';

/** Detail of `cif-kpi-dropped`: events dropped without delivery. */
export interface CifKpiDroppedDetail {
  count: number;
  reason: DropReason;
  message: string;
  events: CifKpiEvent[];
}

/**
 * The event table: each event the logger fires on itself, with its detail type. All bubble and are composed. The
 * name constants, the DOM's event maps and the framework typings are checked against it.
 */
export interface CifKpiLoggerEventMap {
  'cif-kpi-sent': CifKpiSentDetail;
  'cif-kpi-error': CifKpiErrorDetail;
  'cif-kpi-warning': CifKpiWarningDetail;
  'cif-kpi-failed': CifKpiFailedDetail;
  'cif-kpi-dropped': CifKpiDroppedDetail;
}

/** Names of the events the logger fires on itself (each a key of `CifKpiLoggerEventMap`). */
export const CIF_KPI_SENT = 'cif-kpi-sent' satisfies keyof CifKpiLoggerEventMap;
export const CIF_KPI_ERROR = 'cif-kpi-error' satisfies keyof CifKpiLoggerEventMap;
export const CIF_KPI_WARNING = 'cif-kpi-warning' satisfies keyof CifKpiLoggerEventMap;
export const CIF_KPI_FAILED = 'cif-kpi-failed' satisfies keyof CifKpiLoggerEventMap;
export const CIF_KPI_DROPPED = 'cif-kpi-dropped' satisfies keyof CifKpiLoggerEventMap;

/** How delivery of one event ended. */
export type DeliveryOutcome =
  | { status: 'sent'; call: CifAnalyticsCall; result: unknown }
  | { status: 'failed'; problem: CifKpiProblem }
  | { status: 'dropped'; reason: DropReason };

/** How `logger.log()` ended for one event. */
export type CifKpiLogResult = DeliveryOutcome | { status: 'invalid'; problem: CifKpiProblem };

/** Counts of the delivery queue. */
export interface DeliveryStats {
  /** Events accepted by the host. */
  sent: number;
  /** Event sends repeated after a failed call. */
  retried: number;
  /** Events given up after their last retry and kept in `logger.failed` now. */
  failed: number;
  /** Events held now: waiting for ids, queued, in flight or awaiting retry. */
  held: number;
}

/**
 * Counts since the logger was created. Every captured event is exactly one of sent, failed, dropped, invalid or
 * held: `captured = sent + failed + dropped + invalid + held`.
 */
export interface CifKpiStats extends DeliveryStats {
  /** Events heard or logged, valid or not, and events taken over from an earlier page of the tab. */
  captured: number;
  /** Events rejected by validation. */
  invalid: number;
  /** Events dropped without delivery: the sum of every `cif-kpi-dropped` event's `count`. */
  dropped: number;
}

/** An event given up after its last retry. */
export interface CifKpiFailedEvent {
  event: CifKpiEvent;
  context: DeliveryContext | undefined;
  attempts: number;
  error: CifKpiProblem | undefined;
}

/**
 * The logger's events by name, as listeners anywhere above the logger receive them (they bubble and compose), with
 * `cif-kpi`, which widgets dispatch to report a KPI event (`bubbles` and `composed` must be true).
 */
type CifKpiEventMap = {
  [K in keyof CifKpiLoggerEventMap | typeof CIF_KPI_EVENT]: CustomEvent<
    K extends keyof CifKpiLoggerEventMap ? CifKpiLoggerEventMap[K] : CifKpiEventDetail
  >;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends CifKpiEventMap {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface WindowEventMap extends CifKpiEventMap {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ShadowRootEventMap extends CifKpiEventMap {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends CifKpiEventMap {}
}
