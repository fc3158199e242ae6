/**
 * The stub's buffer, shared by the stub (`src/stub.ts`, a classic script that runs before the bundle) and the
 * loggers that take its events: on `window`, under `STUB_GLOBAL`.
 */

/** Where the stub keeps what it heard. */
export const STUB_GLOBAL = '__cifKpiStub';

/** Most events the stub keeps; more are counted in `lost`. */
export const STUB_LIMIT = 500;

/** One event the stub heard: the event, its capture time (epoch ms) and its composed path then. */
export type StubRecord = [event: Event, capturedAt: number, path: EventTarget[]];

export interface StubBuffer {
  heard: StubRecord[];
  /** Events heard beyond `STUB_LIMIT`. */
  lost: number;
}
