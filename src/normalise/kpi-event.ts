/**
 * Normalising: what a widget reported becomes one valid CIF KPI event, field by field against the column limits,
 * or a precise problem. The general normaliser reads a detail object; `<cif-kpi-rule>` fills the same fields from
 * its templates through the same writer (`writeKpiEvent`).
 */
import {
  CIF_FIRST_PARTY_EVENT_NAMES,
  CIF_LIMITS,
  CUSTOM_ATTRIBUTE_PATTERN,
  KPI_EVENT_FIELDS,
  type CifCustomDataItem,
  type CifKpiEvent,
} from '../vocabulary/cif-contract.js';
import { nearest } from '../vocabulary/nearest.js';
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import { toCifText, truncateText } from './cif-text.js';
import { isoTime, jsonLength, STORED_OVERHEAD, type NormaliseResult } from './usual-event.js';

export type { NormaliseResult };

const ISO_DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
/** Dataverse DateTime columns hold years 1753–9999. */
const MIN_TIME = Date.UTC(1753, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Turns what a widget reported into one valid CIF KPI event, or says precisely why it cannot.
 * Never throws, whatever `detail` is (getters that throw included).
 *
 * @param detail what the widget reported
 * @param capturedAt epoch ms of capture; the timestamp when the detail has none
 */
export function normaliseKpiEvent(detail: unknown, capturedAt: number): NormaliseResult {
  const warnings: CifKpiWarning[] = [];
  try {
    return build(detail, capturedAt, warnings);
  } catch (error) {
    // A getter on the detail threw, or a Proxy misbehaved: the event cannot be read.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: problem('invalid-detail', `The event detail could not be read: ${reason}`), warnings };
  }
}

function build(detail: unknown, capturedAt: number, warnings: CifKpiWarning[]): NormaliseResult {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return failure(
      problem('invalid-detail', `A KPI event must be an object with at least kpiEventName; got ${describe(detail)}`),
      warnings,
    );
  }
  const input = detail as Record<string, unknown>;
  // One pass over its keys, as JSON sees them (own and enumerable): every key that is not a field (a typo of one,
  // most likely) is said, also when the event is then refused, and the fields it has are noted, so that only those
  // are read (an absent field costs no lookup).
  let present = 0;
  for (const key in input) {
    if (!Object.prototype.hasOwnProperty.call(input, key)) continue; // inherited: a polluted prototype's
    const index = KPI_EVENT_FIELDS.indexOf(key as KpiEventField);
    if (index >= 0) {
      present |= 1 << index;
      continue;
    }
    const like = nearest(key, KPI_EVENT_FIELDS);
    const hint = like ? `: did you mean "${like}"?` : '';
    warnings.push(problem('unknown-field', `"${key}" is not a CIF KPI event field and was not sent${hint}`, key));
  }
  return writeKpiEvent((field, bit) => ((present & bit) === 0 ? undefined : input[field]), capturedAt, warnings);
}

/** A field of a KPI event. */
export type KpiEventField = (typeof KPI_EVENT_FIELDS)[number];

/**
 * Writes one KPI event from the values `read` gives for its fields, as reported (a `cif-kpi` detail's, or what a
 * `<cif-kpi-rule>` rendered): field by field in the documented order (KPI_EVENT_FIELDS), so payloads read the
 * same every time, stopping at the first field that is refused; `read` is also given the field's bit, `1 << its
 * index` in KPI_EVENT_FIELDS. `eventTimestamp` defaults to `capturedAt`.
 * `customItems`, when given, makes the `customData` items instead of `read` (a rule's column names are checked
 * when it is compiled). May throw when reading a value throws.
 */
export function writeKpiEvent(
  read: (field: KpiEventField, bit: number) => unknown,
  capturedAt: number,
  warnings: CifKpiWarning[],
  customItems?: () => CifCustomDataItem[] | CifKpiProblem | undefined,
): NormaliseResult {
  const name = kpiEventNameOf(read('kpiEventName', 1), warnings);
  if (typeof name !== 'string') return failure(name, warnings);
  const reason = freeText(read('kpiEventReason', 2), 'kpiEventReason', warnings);
  if (typeof reason === 'object') return failure(reason, warnings);
  const timestamp = toTimestamp(read('eventTimestamp', 4), capturedAt);
  if (typeof timestamp !== 'string') return failure(timestamp, warnings);
  // Made whole with the fields most events have (one allocation, its shape known); the rare ones are added after,
  // except custom columns after those fields alone (see below).
  const event: CifKpiEvent =
    reason === undefined
      ? { kpiEventName: name, eventTimestamp: timestamp }
      : { kpiEventName: name, kpiEventReason: reason, eventTimestamp: timestamp };
  // Its size as stored (sessionStorage counts characters; each is 2 bytes in memory): its fields as JSON and a fixed
  // part (STORED_OVERHEAD), counted from what is written, never read back from the event. Never less than what is
  // stored (a property test checks it against storage).
  let size = STORED_OVERHEAD + 18 + jsonLength(name);
  if (reason !== undefined) size += 20 + jsonLength(reason);

  const additional = freeText(read('additionalData', 8), 'additionalData', warnings);
  if (typeof additional === 'object') return failure(additional, warnings);
  let common = true;
  if (additional !== undefined) {
    common = false;
    event.additionalData = additional;
    size += 20 + jsonLength(additional);
  }

  for (let i = 0; i < IDENTIFIER_FIELDS.length; i++) {
    const field = IDENTIFIER_FIELDS[i]!;
    const text = boundedText(read(field, 16 << i), field);
    if (typeof text === 'object') return failure(text, warnings);
    if (text === undefined) continue;
    common = false;
    event[field] = text;
    size += field.length + 6 + jsonLength(text);
  }

  const custom = customItems ? customItems() : customDataOf(read('customData', 64));
  if (custom !== undefined && !Array.isArray(custom)) return failure(custom, warnings);
  if (custom !== undefined && custom.length > 0) {
    for (const item of custom) size += 28 + jsonLength(item.attribute) + jsonLength(item.value);
    // The usual case (a rule's column, say) is made whole as well: added to the event, it would need a property
    // store of its own.
    if (common) {
      const whole: CifKpiEvent =
        reason === undefined
          ? { kpiEventName: name, eventTimestamp: timestamp, customData: custom }
          : { kpiEventName: name, kpiEventReason: reason, eventTimestamp: timestamp, customData: custom };
      return { ok: true, event: whole, warnings, size, capturedAt };
    }
    event.customData = custom;
  }
  return { ok: true, event, warnings, size, capturedAt };
}

const IDENTIFIER_FIELDS = ['notificationResponseAction', 'externalCorrelationId'] as const;

/** A refused event, with the warnings gathered before the refusal. */
export function failure(p: CifKpiProblem, warnings: CifKpiWarning[]): NormaliseResult {
  return { ok: false, problem: p, warnings };
}

/*
 * Field by field: each takes the value as reported and gives its text, undefined when absent, or a problem.
 */

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
function boundedText(
  value: unknown,
  field: 'notificationResponseAction' | 'externalCorrelationId',
): string | undefined | CifKpiProblem {
  if (value === undefined || value === null) return undefined;
  return withinColumn(textOf(value, field, CIF_LIMITS[field]), field, CIF_LIMITS[field]);
}

/** A free-text field (`kpiEventReason`, `additionalData`): cut to its column, and the cut reported. */
function freeText(
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
function textOf(value: unknown, field: string, limit: number): string | Cut | CifKpiProblem {
  if (typeof value === 'string') return value;
  const converted = toCifText(value, field, limit);
  if (!converted.ok) return converted.problem;
  return converted.cut ? { beginning: converted.text } : converted.text;
}

function isProblem(value: object): value is CifKpiProblem {
  return 'code' in value;
}

/** A text refused when it does not fit its column (`value-too-long`). */
function withinColumn(text: string | Cut | CifKpiProblem, field: string, limit: number): string | CifKpiProblem {
  if (typeof text === 'string') return text.length > limit ? tooLong(field, text.length, limit) : text;
  return isProblem(text) ? text : tooLong(field, `more than ${limit}`, limit);
}

/**
 * A copy of an event (its `customData` items too) with `eventTimestamp` set to `capturedAt`, fields in the same
 * order: for an event read once and captured many times. Its own fields only: a page may have added some to
 * `Object.prototype`.
 */
export function restamped(event: CifKpiEvent, capturedAt: number): CifKpiEvent {
  const copy = {} as Record<string, unknown>;
  for (const field of Object.keys(event)) {
    const value = event[field as keyof CifKpiEvent];
    copy[field] =
      field === 'eventTimestamp'
        ? isoTime(capturedAt)
        : field === 'customData'
          ? (value as CifCustomDataItem[]).map(({ attribute, value }) => ({ attribute, value }))
          : value;
  }
  return copy as unknown as CifKpiEvent;
}

function toTimestamp(value: unknown, capturedAt: number): string | CifKpiProblem {
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

function customDataOf(value: unknown): CifCustomDataItem[] | CifKpiProblem | undefined {
  return value === undefined || value === null ? undefined : toCustomData(value);
}

/**
 * Most `customData` items one event may carry. Each item is written to a column of the event's row: a standard org
 * has five (`msdyn_customattribute1`…`5`) and orgs may add some, so ten times that is room for any org while a
 * runaway list (a thousand items) is refused before any work is done for it.
 */
export const MAX_CUSTOM_DATA_ITEMS = 50;

function tooManyItems(count: string): CifKpiProblem {
  return problem(
    'invalid-custom-data',
    `customData has ${count} items; an event takes at most ${MAX_CUSTOM_DATA_ITEMS}, one column each`,
    'customData',
  );
}

function toCustomData(value: unknown): CifCustomDataItem[] | CifKpiProblem {
  const items: CifCustomDataItem[] = [];
  const seen: unknown[] = [];
  const add = (attribute: unknown, raw: unknown): CifKpiProblem | undefined => {
    const refused = customAttributeProblem(attribute);
    if (refused) return refused;
    if (seen.includes(attribute)) {
      return problem('invalid-custom-data', `customData names "${attribute}" twice`, `customData.${attribute}`);
    }
    seen.push(attribute);
    const text = customValue(attribute as string, raw);
    if (typeof text === 'object') return text;
    if (text !== undefined) items.push({ attribute: attribute as string, value: text });
    return undefined;
  };

  if (Array.isArray(value)) {
    if (value.length > MAX_CUSTOM_DATA_ITEMS) return tooManyItems(String(value.length));
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item !== 'object' || item === null || !Object.prototype.hasOwnProperty.call(item, 'attribute')) {
        return problem(
          'invalid-custom-data',
          `customData[${index}] must be { attribute, value }; got ${describe(item)}`,
          'customData',
        );
      }
      const failed = add(own(item, 'attribute'), own(item, 'value'));
      if (failed) return failed;
    }
  } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    let count = 0;
    for (const attribute in value) {
      if (!Object.prototype.hasOwnProperty.call(value, attribute)) continue;
      if (++count > MAX_CUSTOM_DATA_ITEMS) return tooManyItems(`more than ${MAX_CUSTOM_DATA_ITEMS}`);
      const failed = add(attribute, (value as Record<string, unknown>)[attribute]);
      if (failed) return failed;
    }
  } else {
    return problem(
      'invalid-custom-data',
      `customData must be an object map or an array of { attribute, value }; got ${describe(value)}`,
      'customData',
    );
  }
  // An exact copy: an array grown by `push` keeps room for 16 items, and this one is held until it is sent.
  return items.slice();
}

/** Why a `customData` attribute name cannot be a column, or undefined when it can. */
export function customAttributeProblem(attribute: unknown): CifKpiProblem | undefined {
  if (typeof attribute !== 'string' || !isColumnName(attribute)) {
    const like = typeof attribute === 'string' ? columnNameLike(attribute) : undefined;
    return problem(
      'invalid-custom-data',
      `customData attribute ${describe(attribute)} is not a column name (letters, digits and underscores)${like ? `: did you mean "${like}"?` : ''}`,
      'customData',
    );
  }
  if (attribute.length > CIF_LIMITS.customDataAttribute) {
    return tooLong(`customData.${attribute}`, attribute.length, CIF_LIMITS.customDataAttribute, 'attribute name');
  }
  return undefined;
}

/** The column name a name that is not one was likely meant to be (`queue-name` → `queue_name`), if any. */
export function columnNameLike(name: string): string | undefined {
  const like = name.trim().replace(/[^A-Za-z0-9_]+/g, '_');
  return like !== name && CUSTOM_ATTRIBUTE_PATTERN.test(like) ? like : undefined;
}

/** A `customData` value as text, refused when over its column; undefined (left out) when absent. */
export function customValue(attribute: string, value: unknown): string | undefined | CifKpiProblem {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length <= CIF_LIMITS.customDataValue) return value; // the usual case
  const field = `customData.${attribute}`;
  return withinColumn(textOf(value, field, CIF_LIMITS.customDataValue), field, CIF_LIMITS.customDataValue);
}

/** Column names seen valid before: an org has a handful, and they repeat on every event. */
const knownColumns = new Set<string>();

function isColumnName(name: string): boolean {
  if (knownColumns.has(name)) return true;
  if (!CUSTOM_ATTRIBUTE_PATTERN.test(name)) return false;
  if (knownColumns.size < 256) knownColumns.add(name);
  return true;
}

function tooLong(field: string, length: number | string, limit: number, what = 'value'): CifKpiProblem {
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
