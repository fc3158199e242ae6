/**
 * Normalising: what a widget reported becomes one valid CIF KPI event, field by field against the column limits,
 * or a precise problem. The general normaliser reads a detail object; `<cif-kpi-rule>` fills the same fields from
 * its templates through the same writer (`writeKpiEvent`).
 */
import { KPI_EVENT_FIELDS, type CifCustomDataItem, type CifKpiEvent } from '../vocabulary/cif-contract.js';
import { nearest } from '../vocabulary/nearest.js';
import { problem, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import { customDataOf } from './custom-data.js';
import { boundedText, describe, freeText, kpiEventNameOf, toTimestamp } from './field-values.js';
import { isoTime, jsonLength, STORED_OVERHEAD, type NormaliseResult } from './usual-event.js';

export type { NormaliseResult };
// What markup and rules check their fields with, from this chunk.
export { columnNameLike, customAttributeProblem, customValue } from './custom-data.js';
export { kpiEventNameOf } from './field-values.js';

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
