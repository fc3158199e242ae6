/**
 * A KPI event field's value as reported → the text CIF stores, against its column: names, free text (cut to fit,
 * the cut said), identifiers (refused when over), timestamps; and the words the problems use to describe values.
 */
import { CIF_FIRST_PARTY_EVENT_NAMES, CIF_LIMITS, MAX_TIME, MIN_TIME } from '../vocabulary/cif-contract.js';
import { problem, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import { toCifText, truncateText } from './cif-text.js';
import { isoTime } from './usual-event.js';

const ISO_DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
/** `kpiEventName`: a non-empty string that fits its column; a name CIF logs itself is warned about. */
export function kpiEventNameOf(value: unknown, warnings: CifKpiWarning[]): string | CifKpiProblem {
  if (typeof value !== 'string' || value.trim() === '') {
    return problem(
      'missing-kpi-event-name',
      `kpiEventName must be a non-empty string; got ${describe(value)}`,
      'kpiEventName',
    );
  }
  if (value.length > CIF_LIMITS.kpiEventName) return tooLong('kpiEventName', value.length, CIF_LIMITS.kpiEventName);
  if (CIF_FIRST_PARTY_EVENT_NAMES.has(value)) {
    warnings.push(
      problem(
        'reserved-kpi-event-name',
        `"${value}" is an event CIF logs itself; a custom KPI with this name may be counted twice`,
        'kpiEventName',
      ),
    );
  }
  return value;
}

/** An identifier field (`notificationResponseAction`, `externalCorrelationId`): refused when over its column. */
export function boundedText(
  value: unknown,
  field: 'notificationResponseAction' | 'externalCorrelationId',
): string | undefined | CifKpiProblem {
  if (value === undefined || value === null) return undefined;
  return withinColumn(textOf(value, field, CIF_LIMITS[field]), field, CIF_LIMITS[field]);
}

/** A free-text field (`kpiEventReason`, `additionalData`): cut to its column, and the cut reported. */
export function freeText(
  value: unknown,
  field: 'kpiEventReason' | 'additionalData',
  warnings: CifKpiWarning[],
): string | undefined | CifKpiProblem {
  if (value === undefined || value === null) return undefined;
  const limit = CIF_LIMITS[field];
  const text = textOf(value, field, limit);
  if (typeof text === 'string' && text.length <= limit) return text;
  if (typeof text === 'object' && isProblem(text)) return text;
  const [full, length] = typeof text === 'string' ? [text, text.length] : [text.beginning, `more than ${limit}`];
  warnings.push(
    problem('value-truncated', `${field} was ${length} characters and was cut to its column limit of ${limit}`, field),
  );
  return truncateText(full, limit);
}

/** The beginning of a value's JSON that went on past the column: how long it is in full is not known. */
interface Cut {
  readonly beginning: string;
}

/**
 * A value as the text CIF stores (strings as they are), or why it has none. JSON is written only until it is
 * longer than `limit`, the column it goes to.
 */
export function textOf(value: unknown, field: string, limit: number): string | Cut | CifKpiProblem {
  if (typeof value === 'string') return value;
  const converted = toCifText(value, field, limit);
  if (!converted.ok) return converted.problem;
  return converted.cut ? { beginning: converted.text } : converted.text;
}

function isProblem(value: object): value is CifKpiProblem {
  return 'code' in value;
}

/** A text refused when it does not fit its column (`value-too-long`). */
export function withinColumn(text: string | Cut | CifKpiProblem, field: string, limit: number): string | CifKpiProblem {
  if (typeof text === 'string') return text.length > limit ? tooLong(field, text.length, limit) : text;
  return isProblem(text) ? text : tooLong(field, `more than ${limit}`, limit);
}

/** `eventTimestamp`: a Date, epoch ms or an ISO date-time with a zone, within Dataverse's years; `capturedAt` when absent. */
export function toTimestamp(value: unknown, capturedAt: number): string | CifKpiProblem {
  if (value === undefined || value === null) return isoTime(capturedAt);
  let time: number;
  if (value instanceof Date) {
    time = value.getTime();
  } else if (typeof value === 'number') {
    time = value;
  } else if (typeof value === 'string') {
    if (!ISO_DATE_TIME_WITH_ZONE.test(value)) {
      return problem(
        'invalid-timestamp',
        `eventTimestamp "${value}" is not an ISO 8601 date-time with a zone (e.g. 2026-11-28T10:15:30.123Z)`,
        'eventTimestamp',
      );
    }
    time = Date.parse(value);
  } else {
    return problem(
      'invalid-timestamp',
      `eventTimestamp must be a Date, epoch milliseconds or an ISO 8601 string; got ${describe(value)}`,
      'eventTimestamp',
    );
  }
  if (!Number.isFinite(time) || time < MIN_TIME || time > MAX_TIME) {
    return problem('invalid-timestamp', `eventTimestamp ${describe(value)} is not a valid date`, 'eventTimestamp');
  }
  return isoTime(time);
}

export function tooLong(field: string, length: number | string, limit: number, what = 'value'): CifKpiProblem {
  return problem('value-too-long', `${field} ${what} is ${length} characters; its column holds ${limit}`, field);
}

/** A short, safe description of a value for messages (never the whole value). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`;
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `"${value.slice(0, 40)}…"` : `"${value}"`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
