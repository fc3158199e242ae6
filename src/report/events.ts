import type { CifAnalyticsCall, CifAnalyticsData } from '../normalise/delivery-context.js';
import type { CifKpiEvent, CifKpiEventDetail } from '../normalise/kpi-event.js';
import type { DropReason } from '../queue/delivery-queue.js';
import type { CifKpiErrorCode, CifKpiProblem, CifKpiWarningCode } from './problems.js';

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
  /** The detail as the widget gave it. */
  event: unknown;
}

/** Detail of `cif-kpi-failed`: events given up after their last retry (kept in `logger.failed`). */
export interface CifKpiFailedDetail {
  events: CifKpiEvent[];
  /** The last error. */
  error: CifKpiProblem;
  /** Calls made for these events. */
  attempts: number;
}

/** Detail of `cif-kpi-dropped`: events dropped without delivery. */
export interface CifKpiDroppedDetail {
  count: number;
  reason: DropReason;
  message: string;
  events: CifKpiEvent[];
}

/** Names of the events the logger fires on itself. All bubble and are composed. */
export const CIF_KPI_SENT = 'cif-kpi-sent';
export const CIF_KPI_ERROR = 'cif-kpi-error';
export const CIF_KPI_WARNING = 'cif-kpi-warning';
export const CIF_KPI_FAILED = 'cif-kpi-failed';
export const CIF_KPI_DROPPED = 'cif-kpi-dropped';

/** Fires one of the logger's events: bubbling and composed, so the page can listen anywhere above it. */
export function fire<T>(target: EventTarget, type: string, detail: T): void {
  target.dispatchEvent(new CustomEvent<T>(type, { bubbles: true, composed: true, detail }));
}

const DROP_REASONS: Record<DropReason, string> = {
  'queue-full': 'more events were held than max-queue allows',
  'context-timeout': 'conversation-id and provider-session-id were not both set within context-timeout',
  disabled: 'the logger is disabled',
  'failed-overflow': 'more failed events were kept than max-queue allows (the oldest go first)',
  'rules-unavailable': 'the <cif-kpi-rule> code could not be loaded to map them',
};

/** The message of a `cif-kpi-dropped` event. */
export function dropMessage(reason: DropReason, count: number): string {
  return `${count === 1 ? '1 event was' : `${count} events were`} dropped: ${DROP_REASONS[reason]}`;
}

declare global {
  interface HTMLElementEventMap {
    /** Dispatched by widgets to report a KPI event; `bubbles` and `composed` must be true. */
    'cif-kpi': CustomEvent<CifKpiEventDetail>;
    'cif-kpi-sent': CustomEvent<CifKpiSentDetail>;
    'cif-kpi-error': CustomEvent<CifKpiErrorDetail>;
    'cif-kpi-warning': CustomEvent<CifKpiWarningDetail>;
    'cif-kpi-failed': CustomEvent<CifKpiFailedDetail>;
    'cif-kpi-dropped': CustomEvent<CifKpiDroppedDetail>;
  }
}
