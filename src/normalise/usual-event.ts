/**
 * The usual KPI event, normalised without the general normaliser: a name and perhaps a reason, both strings that fit
 * their columns, nothing else. Anything else (another field, a value to convert, cut or refuse) is the general
 * normaliser's (`kpi-event.ts`, a chunk loaded when first needed), which gives the same result for these (a property
 * test holds them to it). Also the two helpers every event needs: its timestamp's text and its stored size.
 */
import { CIF_FIRST_PARTY_EVENT_NAMES, CIF_LIMITS, type CifKpiEvent } from '../vocabulary/cif-contract.js';
import type { CifKpiProblem, CifKpiWarning } from '../vocabulary/problems.js';

/** A normalised event, or why there is none; with the warnings said of it either way. */
export type NormaliseResult =
  | {
      ok: true;
      event: CifKpiEvent;
      warnings: CifKpiWarning[];
      /** Its size as stored (characters), counted as its fields were written. */
      size: number;
      /** When it was captured (epoch ms): its timestamp unless the report gave one. */
      capturedAt: number;
    }
  | { ok: false; problem: CifKpiProblem; warnings: CifKpiWarning[] };

/**
 * The usual event `detail` makes when captured at `capturedAt`, as the general normaliser would make it; undefined
 * when it is not one. May throw when reading `detail` throws.
 */
export function usualEvent(detail: unknown, capturedAt: number): NormaliseResult | undefined {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return undefined;
  const input = detail as Record<string, unknown>;
  for (const key in input) {
    if (key !== 'kpiEventName' && key !== 'kpiEventReason' && Object.prototype.hasOwnProperty.call(input, key)) return;
  }
  const name = Object.prototype.hasOwnProperty.call(input, 'kpiEventName') ? input.kpiEventName : undefined;
  const reason = Object.prototype.hasOwnProperty.call(input, 'kpiEventReason') ? input.kpiEventReason : undefined;
  if (
    typeof name !== 'string' ||
    name.length > CIF_LIMITS.kpiEventName ||
    !name.trim() ||
    CIF_FIRST_PARTY_EVENT_NAMES.has(name) ||
    !(reason === undefined || (typeof reason === 'string' && reason.length <= CIF_LIMITS.kpiEventReason))
  )
    return undefined;
  const eventTimestamp = isoTime(capturedAt);
  const event: CifKpiEvent =
    reason === undefined
      ? { kpiEventName: name, eventTimestamp }
      : { kpiEventName: name, kpiEventReason: reason, eventTimestamp };
  let size = STORED_OVERHEAD + 18 + jsonLength(name);
  if (reason !== undefined) size += 20 + jsonLength(reason);
  return { ok: true, event, warnings: [], size, capturedAt };
}

/** The last capture time written, and its text: events of one burst share a millisecond. */
let lastTime = NaN;
let lastText = '';
const DAY = 86_400_000;
/** The day of the last time written (its first millisecond) and its text, `YYYY-MM-DDT`. */
let lastDay = NaN;
let dayText = '';

/**
 * `eventTimestamp` of an event captured at `time` (epoch ms), as `Date#toISOString` writes it: the date part is
 * made once a day, the time of day by arithmetic (a tenth of what `toISOString` costs).
 */
export function isoTime(time: number): string {
  if (time === lastTime) return lastText;
  const whole = Math.trunc(time); // as a Date takes it
  const inDay = ((whole % DAY) + DAY) % DAY;
  if (whole - inDay !== lastDay) {
    lastDay = whole - inDay;
    // `YYYY-MM-DDT`, or `±YYYYYY-MM-DDT` for a year before 0 or after 9999.
    dayText = new Date(lastDay).toISOString().replace(/\d\d:.*/, '');
  }
  const seconds = Math.floor(inDay / 1000);
  lastText = `${dayText}${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}.${pad(inDay % 1000, 3)}Z`;
  lastTime = time;
  return lastText;
}

function pad(n: number, width: number): string {
  const text = String(n);
  return text.length >= width ? text : '00'.slice(0, width - text.length) + text;
}

/**
 * What an event's stored form holds besides its text fields: its id (a number and a share of its owner's), its
 * capture time, its timestamp, counters, the reference to its ids, the JSON around them, and a share of its
 * segment's key and header.
 */
export const STORED_OVERHEAD = 120;

/** Characters JSON writes as more than one: quotes, backslashes, control characters, lone surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * How many characters JSON writes for `text`, without its quotes: its length, unless it holds a character JSON may
 * escape (then `JSON.stringify`, its test oracle, counts them).
 */
export function jsonLength(text: string): number {
  return ESCAPED.test(text) ? JSON.stringify(text).length - 2 : text.length;
}
