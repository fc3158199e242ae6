/**
 * The problems the logger reports, by code: shared vocabulary at the bottom of the module graph (it imports
 * nothing of the project).
 *
 * Every problem the logger reports has one stable `code`. Codes are part of the public API: match on them,
 * not on messages.
 */
export type CifKpiErrorCode =
  /** The `cif-kpi` detail (or `log()` argument) is not an object. */
  | 'invalid-detail'
  /** `kpiEventName` is missing, empty or not a string. */
  | 'missing-kpi-event-name'
  /** An identifier or name is longer than its column (`field` says which). */
  | 'value-too-long'
  /** A value cannot be turned into text: a function, symbol, BigInt, non-finite number or a cycle. */
  | 'unserialisable-value'
  /** `eventTimestamp` is not a valid Date, epoch milliseconds or ISO 8601 date-time with a zone. */
  | 'invalid-timestamp'
  /** `customData` is not an object map or an array of `{ attribute, value }` with column-name attributes. */
  | 'invalid-custom-data'
  /** A context id (`conversation-id`, `provider-session-id`, …) is not usable, e.g. longer than its column. */
  | 'invalid-context'
  /** `correlation-id` is not a GUID; it is omitted from calls. */
  | 'invalid-correlation-id'
  /** A `<cif-kpi-rule>` is malformed (the message names the rule and the problem); other rules keep working. */
  | 'invalid-rule'
  /** `data-kpi-on` names an event that fires by itself (`load`, `error`, an animation, …): markup may not map it. */
  | 'invalid-markup'
  /** A delivery attribute is not a number, or out of range: what is used instead is said (`field` names it). */
  | 'invalid-attribute'
  /** `scope` names an element id that is not in the logger's document or shadow root (yet). */
  | 'scope-not-found'
  /** sessionStorage is missing, full or throws: the queue lives in memory only (reported once). */
  | 'storage-unavailable'
  /** Something unexpected went wrong inside the logger; it was caught so the page is not affected. */
  | 'internal-error'
  /** The CIF host rejected the call (or threw). `message` is the host's message. */
  | 'host-rejected'
  /** The CIF host did not answer within `call-timeout`. */
  | 'host-timeout'
  /** `check-kpi-names`: the KPI event definitions could not be read; the check is off (said once). */
  | 'kpi-names-unavailable'
  /** `auto-context`: a CIF session API refused (outside Omnichannel they do); said once per problem. */
  | 'session-unavailable';

export type CifKpiWarningCode =
  /** A free-text value (`kpiEventReason`, `additionalData`) was cut to its column limit. */
  | 'value-truncated'
  /** `kpiEventName` is one CIF logs itself; analytics may count it twice. */
  | 'reserved-kpi-event-name'
  /** The detail has a field CIF does not know; it is not sent. */
  | 'unknown-field'
  /** Events held over 5 s because a required id is not set (`field` names its attribute). */
  | 'ids-missing'
  /** Events held over 5 s because the CIF library has not appeared. */
  | 'host-not-found'
  /**
   * A `cif-kpi` event, or an event of a `data-kpi` element, happened where no logger's scope hears it: the logger
   * is not inside the widgets' container (said once).
   */
  | 'outside-scope'
  /** A `<cif-kpi-rule>` is not a direct child of a logger, so nothing reads it (fired on the rule). */
  | 'rule-outside-logger'
  /**
   * A rule's placeholder read nothing, so its part of the field is empty (`field` names the rule attribute). It
   * may be meant: printed at `info`, not `warn`.
   */
  | 'placeholder-empty'
  /**
   * `check-kpi-names`: no active KPI event definition has this name, so Dynamics analytics will drop the event (it is
   * still sent); said once per name.
   */
  | 'unknown-kpi-event-name';

export interface CifKpiProblem<Code extends string = CifKpiErrorCode> {
  code: Code;
  message: string;
  /** The field the problem is about, e.g. `kpiEventReason` or `customData.msdyn_customattribute1`. */
  field?: string;
}

export type CifKpiWarning = CifKpiProblem<CifKpiWarningCode>;

export function problem<Code extends string>(code: Code, message: string, field?: string): CifKpiProblem<Code> {
  return field === undefined ? { code, message } : { code, message, field };
}

/** An unexpected fault inside the logger, caught so that it cannot reach the page. */
export function internalError(error: unknown): CifKpiProblem {
  return problem('internal-error', `The logger failed to handle an event: ${String(error)}`);
}
