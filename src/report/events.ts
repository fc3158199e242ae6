import type { CifAnalyticsCall, CifAnalyticsData } from '../normalise/delivery-context.js';
import type { CifKpiEvent, CifKpiEventDetail } from '../normalise/kpi-event.js';
import type { CifKpiErrorCode, CifKpiWarningCode } from './problems.js';

/** Detail of `cif-kpi-sent`: one `logAnalyticsEvent` call the host accepted. */
export interface CifKpiSentDetail {
  data: CifAnalyticsData;
  eventName: string;
  correlationId: string | undefined;
  /** What the host's promise resolved with (CIF answers `"Success"`). */
  result: unknown;
}

/** Detail of `cif-kpi-error`: something was not logged, or not as configured. */
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
}

/** Detail of `cif-kpi-warning`: the event was logged, but changed or suspicious. */
export interface CifKpiWarningDetail {
  code: CifKpiWarningCode;
  message: string;
  field?: string;
  /** The detail as the widget gave it. */
  event: unknown;
}

/** Names of the events the logger fires on itself. All bubble and are composed. */
export const CIF_KPI_SENT = 'cif-kpi-sent';
export const CIF_KPI_ERROR = 'cif-kpi-error';
export const CIF_KPI_WARNING = 'cif-kpi-warning';

/** Fires one of the logger's events: bubbling and composed, so the page can listen anywhere above it. */
export function fire<T>(target: EventTarget, type: string, detail: T): void {
  target.dispatchEvent(new CustomEvent<T>(type, { bubbles: true, composed: true, detail }));
}

declare global {
  interface HTMLElementEventMap {
    /** Dispatched by widgets to report a KPI event; `bubbles` and `composed` must be true. */
    'cif-kpi': CustomEvent<CifKpiEventDetail>;
    'cif-kpi-sent': CustomEvent<CifKpiSentDetail>;
    'cif-kpi-error': CustomEvent<CifKpiErrorDetail>;
    'cif-kpi-warning': CustomEvent<CifKpiWarningDetail>;
  }
}
