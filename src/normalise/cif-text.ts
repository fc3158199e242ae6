import { problem, type CifKpiProblem } from '../vocabulary/problems.js';

/**
 * Result of turning a value into the text CIF stores. `cut` is set when the value's JSON went on past the limit it
 * was written to: `text` then holds only its beginning (longer than the limit), and its full length is unknown.
 */
export type TextResult = { ok: true; text: string; cut?: true } | { ok: false; problem: CifKpiProblem };

/**
 * Turns any value into the string CIF stores. Strings pass unchanged; finite numbers and booleans become their
 * text; Dates become ISO 8601; objects and arrays become JSON, written only until it is longer than `limit` (so a
 * megabyte object costs what its first `limit` characters cost). Functions, symbols, BigInts, non-finite numbers
 * and cycles (in the part written) are refused with `unserialisable-value`: sending them would lose data silently.
 */
export function toCifText(value: unknown, field: string, limit = Infinity): TextResult {
  switch (typeof value) {
    case 'string':
      return { ok: true, text: value };
    case 'boolean':
      return { ok: true, text: String(value) };
    case 'number':
      return Number.isFinite(value)
        ? { ok: true, text: String(value) }
        : unserialisable(field, `${field} is ${String(value)}, which has no text form`);
    case 'bigint':
      return unserialisable(field, `${field} is a BigInt; convert it to a string or number first`);
    case 'function':
      return unserialisable(field, `${field} is a function, which cannot be serialised`);
    case 'symbol':
      return unserialisable(field, `${field} is a symbol, which cannot be serialised`);
    case 'undefined':
      return unserialisable(field, `${field} is undefined`);
  }
  if (value === null) return { ok: true, text: 'null' };
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? unserialisable(field, `${field} is an invalid Date`)
      : { ok: true, text: value.toISOString() };
  }
  return toJson(value as object, field, limit);
}

/** Thrown from the replacer to stop `JSON.stringify` once the text is long enough. */
const LONG_ENOUGH = new Error('long enough');

/**
 * JSON of `value`, refusing what JSON cannot represent, written only as far as `limit`: a count of the characters
 * written so far that never runs ahead of the real text (one per value, plus the keys of objects and the strings)
 * stops `JSON.stringify` once it passes `limit`; a second pass then leaves out everything from that point, so the
 * text's first `limit` characters are exactly those of the whole JSON. Strings longer than `limit` are cut before
 * they are quoted.
 */
function toJson(value: object, field: string, limit: number): TextResult {
  let refusal: string | undefined;
  let written = 0;
  let leaveOut = false;
  const replacer = function (this: unknown, key: string, v: unknown): unknown {
    if (refusal !== undefined) return undefined;
    if (written > limit) {
      if (leaveOut) return undefined;
      throw LONG_ENOUGH;
    }
    // An object leaves out a key whose value is undefined; an array writes it as null.
    if (Array.isArray(this)) written += 1;
    else if (v !== undefined) written += 1 + key.length;
    const path = key === '' ? field : `${field}.${key}`;
    switch (typeof v) {
      case 'string':
        written += v.length;
        return v.length > limit ? v.slice(0, limit + 1) : v;
      case 'bigint':
        refusal = `${path} holds a BigInt, which JSON cannot represent`;
        return undefined;
      case 'function':
        refusal = `${path} holds a function, which cannot be serialised`;
        return undefined;
      case 'symbol':
        refusal = `${path} holds a symbol, which cannot be serialised`;
        return undefined;
      case 'number':
        if (!Number.isFinite(v)) {
          refusal = `${path} holds ${String(v)}, which JSON cannot represent`;
          return undefined;
        }
    }
    return v;
  };
  let json: string | undefined;
  let cut = false;
  try {
    json = JSON.stringify(value, replacer);
  } catch (error) {
    if (error === LONG_ENOUGH) {
      // Written again, leaving out what comes after the same point: the beginning is the whole JSON's.
      written = 0;
      leaveOut = cut = true;
      json = JSON.stringify(value, replacer);
    } else {
      const reason =
        error instanceof TypeError && /circular|cyclic/i.test(error.message)
          ? 'holds a cycle'
          : 'could not be serialised';
      return unserialisable(field, `${field} ${reason}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (refusal !== undefined) return unserialisable(field, refusal);
  if (json === undefined) return unserialisable(field, `${field} has no JSON form`);
  return cut ? { ok: true, text: json, cut } : { ok: true, text: json };
}

function unserialisable(field: string, message: string): TextResult {
  return { ok: false, problem: problem('unserialisable-value', message, field) };
}

/**
 * Cuts `text` to at most `limit` UTF-16 code units (Dataverse measures column length that way) without
 * splitting a surrogate pair.
 */
export function truncateText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
