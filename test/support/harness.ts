import sinon from 'sinon';
import { SimulatedCifHost, type SimulatedCifHostOptions } from '../../src/testing/simulated-cif-host.js';
import type { CifKpiLoggerElement } from '../../src/cif-kpi-logger.js';
import { loadDiagnostics } from '../../src/report/reporter.js';
import { loadHostErrors } from '../../src/deliver/cif-host.js';
import { loadStorageWords } from '../../src/persist/queue-persistence.js';
import { loadNormaliser } from '../../src/normalise/general.js';

// Test files may run one after another in the same tab: start without queues left by an earlier file.
for (const key of Object.keys(sessionStorage)) if (key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);

const hosts: SimulatedCifHost[] = [];

// Loggers print (and count problems) synchronously once the diagnostics chunk is loaded, which they do the first
// time they have something to say; tests that read the console want it loaded. The first load itself is tested in
// test/cif-kpi-logger.test.ts, in a frame of its own. The words for a host's refusal and for a storage fault are
// chunks too, loaded at the first one: loaded here, so that a fake clock (which a chunk's fetch does not follow)
// sees them said at once. Their first loads are tested in test/deliver/cif-host.test.ts and
// test/persist/queue-persistence.test.ts. So is the general normaliser, loaded at the first event that is not a usual one
// (a name and perhaps a reason): tests that log other events see them taken at once. Its first load is tested in
// test/intake.test.ts.
before(() => Promise.all([loadDiagnostics(), loadHostErrors(), loadStorageWords(), loadNormaliser()]));

/** A simulated CIF library on this window; removed after each test. */
export function startHost(options: SimulatedCifHostOptions = {}): SimulatedCifHost {
  const host = new SimulatedCifHost({ latency: 1, ...options });
  hosts.push(host);
  return host.install();
}

/** The same, already present (as if msdyn_ciLibrary.js ran before the logger). */
export function readyHost(options: SimulatedCifHostOptions = {}): SimulatedCifHost {
  const host = startHost({ ...options, initDelay: null });
  host.appear();
  return host;
}

const clocks: sinon.SinonFakeTimers[] = [];

/**
 * Calls `callback` in a timer task of its own, at once: fake timers yield to it between two timers they run
 * (below). Their own yield, a real `setTimeout(0)` from the last one's task, is nested and so stretched to 4 ms by
 * the browser, which made a test that runs a few hundred timers take seconds of real time; a `setTimeout(0)` made
 * from a message's task is not nested. Other tasks (a chunk's import, a Web Lock granted) still run in between.
 */
const timerYield = (() => {
  const waiting: Array<() => void> = [];
  const channel = new MessageChannel();
  const realSetTimeout = setTimeout; // the browser's own: this is called while timers are fake
  channel.port1.onmessage = () => realSetTimeout(waiting.shift()!, 0);
  return (callback: () => void) => {
    waiting.push(callback);
    channel.port2.postMessage(null);
  };
})();

/**
 * A controllable clock for timing tests: timers and `Date` are fake from now on (the simulated host's latency
 * too), and `clock.tickAsync(ms)` runs them, letting promises and real tasks (Web Locks) run in between.
 * Restored after the test.
 */
export function fakeClock(): sinon.SinonFakeTimers {
  // The fake timers take the task they yield to from the global they are made for: `setImmediate` when it has one
  // (which browsers do not), for as long as they are made.
  const scope = globalThis as { setImmediate?: (callback: () => void) => void };
  scope.setImmediate = timerYield;
  let clock: sinon.SinonFakeTimers;
  try {
    clock = sinon.useFakeTimers({
      global: globalThis,
      now: Date.now(),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      // A wait that began before the clock (the CIF library watcher's poll) may be ended under it.
      shouldClearNativeTimers: true,
    } as Parameters<typeof sinon.useFakeTimers>[0]);
  } finally {
    delete scope.setImmediate;
  }
  clocks.push(clock);
  return clock;
}

/**
 * Lets promises and real tasks run under a fake clock, without moving it, until `done()`: for what arrives in real
 * time (a chunk's code) while timers are fake. Gives up after `within` ms of real time (`performance.now()`, which
 * the clock leaves alone), leaving the test's own check to fail.
 */
export async function untilArrived(clock: sinon.SinonFakeTimers, done: () => boolean, within = 5000): Promise<void> {
  const end = performance.now() + within;
  while (!done() && performance.now() < end) await clock.tickAsync(0);
}

/*
 * A removed logger still delivers what it holds (as it must), so a logger of one test could make a call to the
 * host of a later test and take an answer queued there for another. Every logger connected during a test is
 * drained after it: its held events are sent to a host that answers at once (within a second at most).
 */
const seenLoggers = new Set<CifKpiLoggerElement>();
void customElements.whenDefined('cif-kpi-logger').then((element) => {
  // Lifecycle callbacks are taken when an element is defined; its first update is looked up on each call.
  const prototype = element.prototype as unknown as { willUpdate(changed: unknown): void };
  const willUpdate = prototype.willUpdate;
  prototype.willUpdate = function (this: CifKpiLoggerElement, changed: unknown) {
    seenLoggers.add(this);
    willUpdate.call(this, changed);
  };
});

afterEach(async () => {
  for (const clock of clocks.splice(0)) clock.restore();
  for (const host of hosts.splice(0)) host.uninstall();
  delete window.Microsoft;
  const holding = [...seenLoggers].filter((logger) => logger.stats.held > 0);
  seenLoggers.clear();
  if (holding.length === 0) return;
  const drain = new SimulatedCifHost({ initDelay: null, latency: 0 }).install();
  drain.appear();
  await Promise.race([
    Promise.all(holding.map((logger) => logger.flush())),
    new Promise((resolve) => setTimeout(resolve, 1000)),
  ]);
  drain.uninstall();
  delete window.Microsoft;
});

/*
 * In every test that drops events, each logger's `stats.dropped` must equal the sum of the counts of its
 * `cif-kpi-dropped` events. Heard on the document, and on each logger once seen (it may be removed later).
 */
const droppedByLogger = new Map<CifKpiLoggerElement, number>();
const counted = new WeakSet<Event>();
function countDropped(event: Event): void {
  if (counted.has(event)) return;
  counted.add(event);
  const logger = event.composedPath()[0] as CifKpiLoggerElement;
  if (!droppedByLogger.has(logger)) logger.addEventListener('cif-kpi-dropped', countDropped);
  droppedByLogger.set(
    logger,
    (droppedByLogger.get(logger) ?? 0) + (event as CustomEvent<{ count: number }>).detail.count,
  );
}
document.addEventListener('cif-kpi-dropped', countDropped, true);
afterEach(async () => {
  await Promise.resolve(); // drops of the last task are fired in a microtask
  const loggers = [...droppedByLogger];
  droppedByLogger.clear();
  for (const [logger, sum] of loggers) {
    if (logger.stats.dropped !== sum) {
      throw new Error(`stats.dropped is ${logger.stats.dropped}, but cif-kpi-dropped events counted ${sum}`);
    }
  }
});

/**
 * The loggers' Web Locks held or asked for by `win`'s document alone: Web Locks are shared by the origin, and other
 * test files run in other tabs meanwhile. Its own are told apart by their client id, which a probe lock shows.
 * Lock queries only, no timers: it works under a fake clock too.
 */
export async function documentLocks(win: Window = window): Promise<{ held: string[]; pending: string[] }> {
  const probe = `probe-${Math.random()}`;
  let client: string | undefined;
  await win.navigator.locks.request(probe, async () => {
    const { held = [] } = await win.navigator.locks.query();
    client = held.find((lock) => lock.name === probe)?.clientId;
  });
  const { held = [], pending = [] } = await win.navigator.locks.query();
  const names = (locks: LockInfo[]) =>
    locks
      .filter((lock) => lock.clientId === client && lock.name?.startsWith('cif-kpi-logger:'))
      .map((lock) => lock.name!);
  return { held: names(held), pending: names(pending) };
}

/** The Web Locks this document's loggers hold now (one per logger keeping its queue in sessionStorage). */
export async function loggerLocks(): Promise<Set<string>> {
  return new Set((await documentLocks()).held);
}

/**
 * Resolves once a logger lock not in `before` is held: a logger connected since then has opened its stored queue
 * (it sends nothing until it has, so that what an earlier page stored goes first). In Firefox that takes real time
 * (the lock goes through another process), which a fake clock does not advance. Waits with lock queries only, no
 * timers, so it works under a fake clock too.
 */
export async function untilStoreOpen(before: Set<string>): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    for (const name of await loggerLocks()) if (!before.has(name)) return;
  }
  throw new Error('no logger took its Web Lock');
}

/** Collects the details of every `type` event fired on `target`. */
export function collect<T = unknown>(target: EventTarget, type: string): T[] {
  const seen: T[] = [];
  target.addEventListener(type, (event) => seen.push((event as CustomEvent<T>).detail));
  return seen;
}

/** Dispatches a `cif-kpi` event the documented way: bubbling and composed. */
export function reportKpi(
  target: EventTarget,
  detail: unknown,
  init: EventInit = { bubbles: true, composed: true },
): void {
  target.dispatchEvent(new CustomEvent('cif-kpi', { ...init, detail }));
}

/** Errors and unhandled rejections that reach the page while `fn` runs. */
export async function pageErrorsDuring(fn: () => Promise<void> | void): Promise<string[]> {
  const errors: string[] = [];
  const onError = (event: ErrorEvent) => errors.push(String(event.message));
  const onRejection = (event: PromiseRejectionEvent) => errors.push(`unhandled rejection: ${String(event.reason)}`);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  }
  return errors;
}

export type Logger = CifKpiLoggerElement;
export { nextTask } from './tasks.js';

/**
 * How the property-based tests run: seeded and short in `npm test`; `FC_RUNS` (and `FC_SEED`, or
 * `FC_SEED=random`) in the environment of the test command make them longer (see web-test-runner.config.mjs).
 */
export async function propertyRuns(runs: number, seed: number): Promise<{ numRuns: number; seed: number }> {
  const settings = (await (await fetch('/__test-settings')).json()) as { runs?: number; seed?: number };
  const chosen = { numRuns: settings.runs ?? runs, seed: settings.seed ?? seed };
  if (settings.runs !== undefined || settings.seed !== undefined) console.log('property runs', JSON.stringify(chosen));
  return chosen;
}
export const GUID = '5f2c1d0e-8a3b-4c7d-9e1f-0a2b3c4d5e6f';

/** `[conversationId, kpiEventName, kpiEventReason]` of every event the host received, in order. */
export function eventRows(host: SimulatedCifHost): string[][] {
  return host.calls.flatMap((call) => {
    const data = call.data as {
      conversationId: string;
      events: Array<{ kpiEventName: string; kpiEventReason?: string }>;
    };
    return data.events.map((e) => [data.conversationId, e.kpiEventName, e.kpiEventReason ?? '']);
  });
}
