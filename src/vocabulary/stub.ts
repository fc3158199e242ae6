/**
 * The stub's buffer, shared by the stub (`src/stub.ts`, a classic script that runs before the bundle) and the
 * loggers that take its events (`src/capture/stub-take-over.ts`): on `window`, under `STUB_KEY`.
 */

/**
 * Where the stub keeps what it heard: a symbol, which no markup can name. (A string key can be: an element with it
 * as `id`, or an `<img>`, `<form>`, `<embed>`, `<object>` or `<iframe>` with it as `name`, is `window[key]`.)
 */
export const STUB_KEY: unique symbol = Symbol.for('cif-kpi-stub');

/**
 * Where the stub of 0.1.0 kept it (a page may have inlined that one). Still read, but only what has the buffer's
 * shape there is taken: markup can put an element, a collection or a window at this key.
 */
export const EARLIER_STUB_KEY = '__cifKpiStub';

/** Most events the stub keeps; more are counted in `lost`. */
export const STUB_LIMIT = 500;

/** The `data-kpi*` attributes of one element, by name, as they were at an event. */
export type CopiedAttributes = Record<string, string>;

/**
 * One event the stub heard: the event, its capture time (epoch ms), its composed path, and what the page was at
 * the event. For a `cif-kpi` event, a copy of its detail (its own enumerable fields, and `customData`'s items or
 * fields, one level deep); for another event, the `data-kpi*` attributes of each element on its path, by the
 * element's index there (none for a node without any). The copy is undefined when it could not be made (a getter
 * threw) or when an earlier stub kept the record: the logger then reads the event when it takes it.
 */
export type StubRecord = [
  event: Event,
  capturedAt: number,
  path: EventTarget[],
  copy: unknown | Array<CopiedAttributes | undefined>,
];

export interface StubBuffer {
  heard: StubRecord[];
  /** Events heard beyond `STUB_LIMIT`. */
  lost: number;
}
