import { problem, type CifKpiProblem } from '../vocabulary/problems.js';

/** Result of turning a value into the text CIF stores. */
export type TextResult = { ok: true; text: string } | { ok: false; problem: CifKpiProblem };

/**
 * Turns any value into the string CIF stores. Strings pass unchanged; finite numbers and booleans become their
 * text; Dates become ISO 8601; objects and arrays become JSON. Functions, symbols, BigInts, non-finite numbers
 * and cycles (anywhere inside) are refused with `unserialisable-value`: sending them would lose data silently.
 */
export function toCifText(value: unknown, field: string): TextResult {
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
  return toJson(value as object, field);
}

function toJson(value: object, field: string): TextResult {
  let refusal: string | undefined;
  const replacer = function (this: unknown, key: string, v: unknown): unknown {
    const path = key === '' ? field : `${field}.${key}`;
    if (refusal !== undefined) return undefined;
    switch (typeof v) {
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
  try {
    json = JSON.stringify(value, replacer);
  } catch (error) {
    const reason =
      error instanceof TypeError && /circular|cyclic/i.test(error.message)
        ? 'holds a cycle'
        : 'could not be serialised';
    return unserialisable(field, `${field} ${reason}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (refusal !== undefined) return unserialisable(field, refusal);
  if (json === undefined) return unserialisable(field, `${field} has no JSON form`);
  return { ok: true, text: json };
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
