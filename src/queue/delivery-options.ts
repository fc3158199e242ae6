/**
 * The delivery settings of a logger (`flush-delay`, `max-batch`, …): their defaults and how a value given as an
 * attribute or property is brought into range. The one place that knows them.
 */

/** The delivery settings, in the units the queue uses (ms, events). */
export interface DeliveryOptions {
  /** How long the first queued event waits for others to share its call, in ms. */
  flushDelay: number;
  /** Most events in one call. */
  maxBatch: number;
  /** Deadline of one call, in ms. */
  callTimeout: number;
  /** Retries of a failed call before its events are given up. */
  maxRetries: number;
  /** Delay before the first retry, in ms; it doubles with each retry (with jitter). */
  retryDelay: number;
  /** Most events held at once (waiting for ids, queued, in flight or awaiting retry); more are dropped. */
  maxQueue: number;
  /**
   * Most bytes the held and failed events may take, counted as their stored size (characters) × 2
   * (UTF-16); events beyond it are dropped. The same events are what sessionStorage keeps.
   */
  maxQueueBytes: number;
  /** How long an event may wait for complete ids before it is dropped, in ms. */
  contextTimeout: number;
}

/** Defaults of the delivery attributes; the README explains each choice. */
export const DEFAULTS: Readonly<DeliveryOptions> = {
  flushDelay: 500,
  maxBatch: 100,
  callTimeout: 12_000,
  maxRetries: 5,
  retryDelay: 1000,
  maxQueue: 20_000,
  maxQueueBytes: 4_000_000,
  contextTimeout: 300_000,
};

/** The least each setting may be. */
export const MIN: Readonly<DeliveryOptions> = {
  flushDelay: 0,
  maxBatch: 1,
  callTimeout: 1,
  maxRetries: 0,
  retryDelay: 0,
  maxQueue: 1,
  maxQueueBytes: 1,
  contextTimeout: 0,
};

/** The settings that count whole things (events, retries) rather than time. */
export const COUNTS: ReadonlySet<keyof DeliveryOptions> = new Set([
  'maxBatch',
  'maxRetries',
  'maxQueue',
  'maxQueueBytes',
]);

/** The longest delay browsers' timers hold (2³¹ − 1 ms, about 24.8 days); a longer one would fire at once. */
export const MAX_DELAY = 2_147_483_647;

/** The delivery setting names, in their documented order. */
export const DELIVERY_OPTION_NAMES = Object.keys(DEFAULTS) as ReadonlyArray<keyof DeliveryOptions>;

/**
 * The settings to use for values as given: a value that is not a finite number takes its default, one below its
 * least is raised to it, a time above `MAX_DELAY` is lowered to it, and counts are rounded down.
 */
export function deliveryOptions(given: Readonly<Partial<Record<keyof DeliveryOptions, unknown>>>): DeliveryOptions {
  const options = { ...DEFAULTS };
  for (const name of DELIVERY_OPTION_NAMES) {
    const value = given[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const clamped = Math.max(MIN[name], value);
    options[name] = COUNTS.has(name) ? Math.floor(clamped) : Math.min(clamped, MAX_DELAY);
  }
  return options;
}
