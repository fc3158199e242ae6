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
  return new JsonWriter(field, limit).write(value as object);
}

/** Thrown inside the writer to stop it: the text is long enough, or a value is refused. */
class Stop {
  constructor(readonly refusal?: string) {}
}

/**
 * Writes JSON as `JSON.stringify` would (own enumerable keys, `toJSON`, boxed primitives, `undefined` left out of
 * objects and `null` in arrays), refusing what JSON cannot represent, and stopping once the text is longer than
 * `limit`.
 */
class JsonWriter {
  #field: string;
  #limit: number;
  #text = '';
  #open: object[] = [];

  constructor(field: string, limit: number) {
    this.#field = field;
    this.#limit = limit;
  }

  write(value: object): TextResult {
    try {
      this.#value(value, '', this.#field);
    } catch (error) {
      if (!(error instanceof Stop)) {
        const reason = error instanceof Error ? error.message : String(error);
        return unserialisable(this.#field, `${this.#field} could not be serialised: ${reason}`);
      }
      if (error.refusal !== undefined) return unserialisable(this.#field, error.refusal);
      return { ok: true, text: this.#text, cut: true };
    }
    return { ok: true, text: this.#text };
  }

  /** Writes one value; returns false when it has no JSON form there (undefined), so an object leaves it out. */
  #value(value: unknown, key: string, path: string): boolean {
    if (this.#text.length > this.#limit) throw new Stop();
    let v = value;
    if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON(key: string): unknown }).toJSON(key);
    }
    if (v instanceof Number || v instanceof String || v instanceof Boolean) v = v.valueOf();
    switch (typeof v) {
      case 'undefined':
        return false;
      case 'string':
        // Past the limit the rest does not matter: a long string costs only what is kept of it.
        this.#text += JSON.stringify(v.length > this.#limit ? v.slice(0, this.#limit + 1) : v);
        return true;
      case 'boolean':
        this.#text += String(v);
        return true;
      case 'number':
        if (!Number.isFinite(v)) throw new Stop(`${path} holds ${String(v)}, which JSON cannot represent`);
        this.#text += String(v);
        return true;
      case 'bigint':
        throw new Stop(`${path} holds a BigInt, which JSON cannot represent`);
      case 'function':
        throw new Stop(`${path} holds a function, which cannot be serialised`);
      case 'symbol':
        throw new Stop(`${path} holds a symbol, which cannot be serialised`);
    }
    if (v === null) {
      this.#text += 'null';
      return true;
    }
    const object = v as object;
    if (this.#open.includes(object)) throw new Stop(`${path} holds a cycle (a value that contains itself)`);
    this.#open.push(object);
    if (Array.isArray(object)) {
      this.#text += '[';
      for (let index = 0; index < object.length; index++) {
        if (index > 0) this.#text += ',';
        if (!this.#value(object[index], String(index), `${path}.${index}`)) this.#text += 'null';
      }
      this.#text += ']';
    } else {
      this.#text += '{';
      let first = true;
      for (const name of Object.keys(object)) {
        const mark = this.#text.length;
        this.#text += `${first ? '' : ','}${JSON.stringify(name)}:`;
        if (this.#value((object as Record<string, unknown>)[name], name, `${path}.${name}`)) first = false;
        else this.#text = this.#text.slice(0, mark);
      }
      this.#text += '}';
    }
    this.#open.pop();
    return true;
  }
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
