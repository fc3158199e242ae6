import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import type { CifKpiDroppedDetail, CifKpiWarningDetail } from '../src/vocabulary/logger-events.js';
import type { CifKpiLogResult } from '../src/vocabulary/logger-events.js';
import {
  collect,
  documentLocks,
  fakeClock,
  readyHost,
  reportKpi,
  startHost,
  untilArrived,
  type Logger,
} from './support/harness.js';

/**
 * A logger removed from the page still delivers what it holds; once it holds nothing (at once if it held nothing
 * when removed) it lets go of everything it took from the page: its listeners on the window and the document, its
 * Web Lock, its timers and its stored keys. Added again, it takes back what it needs.
 */

/** The listeners added to `targets` and not removed since (each once, as the DOM keeps them). */
function trackListeners(targets: EventTarget[]): { live(): string[]; of(type: string): number; restore(): void } {
  const live: Array<{ target: EventTarget; type: string; listener: unknown; capture: boolean }> = [];
  const captureOf = (options?: boolean | EventListenerOptions) =>
    typeof options === 'boolean' ? options : Boolean(options?.capture);
  const find = (target: EventTarget, type: string, listener: unknown, capture: boolean) =>
    live.findIndex((l) => l.target === target && l.type === type && l.listener === listener && l.capture === capture);
  for (const target of targets) {
    target.addEventListener = (type, listener, options) => {
      const capture = captureOf(options);
      if (listener && find(target, type, listener, capture) < 0) live.push({ target, type, listener, capture });
      EventTarget.prototype.addEventListener.call(target, type, listener, options);
    };
    target.removeEventListener = (type, listener, options) => {
      const index = find(target, type, listener, captureOf(options));
      if (index >= 0) live.splice(index, 1);
      EventTarget.prototype.removeEventListener.call(target, type, listener, options);
    };
  }
  return {
    live: () =>
      live.map((l) => `${l.target === window ? 'window' : 'document'} ${l.type}${l.capture ? ' (capture)' : ''}`),
    of: (type) => live.filter((l) => l.type === type).length,
    restore: () => {
      for (const target of targets) {
        delete (target as Partial<EventTarget>).addEventListener;
        delete (target as Partial<EventTarget>).removeEventListener;
      }
    },
  };
}

/** The loggers' Web Locks held or asked for now by this document. */
const loggerLocks = () => documentLocks();

const lockOf = (logger: Logger) => `cif-kpi-logger:owner:${ownerOf(logger)}`;

/** A logger's owner id, from its Web Lock: the one lock that was not held before. */
function ownerOf(logger: Logger): string {
  return owners.get(logger)!;
}
const owners = new Map<Logger, string>();

/** Waits, with lock queries only (no timers: it works under a fake clock), until `done` says so of the locks. */
async function untilLocks(
  done: (locks: { held: string[]; pending: string[] }) => boolean,
  what: string,
): Promise<{ held: string[]; pending: string[] }> {
  for (let i = 0; i < 1000; i++) {
    const locks = await loggerLocks();
    if (done(locks)) return locks;
  }
  const { held, pending } = await loggerLocks();
  throw new Error(`timed out waiting for ${what}: ${held.length} logger locks held, ${pending.length} asked for`);
}

/** The sessionStorage keys of loggers. */
const storedKeys = () => Object.keys(sessionStorage).filter((key) => key.startsWith('cif-kpi-logger:'));

/** A logger with these attributes (besides the ids, unless `ids` is false), not yet in the page. */
function makeLogger(attributes: Record<string, string> = {}, ids = true): Logger {
  const logger = document.createElement('cif-kpi-logger');
  const all = {
    ...(ids ? { 'conversation-id': 'c', 'provider-session-id': 'p' } : {}),
    'flush-delay': '0',
    ...attributes,
  };
  for (const [name, value] of Object.entries(all)) logger.setAttribute(name, value);
  return logger;
}

/** Connects `logger` in `root` and waits until it holds its Web Lock; notes its owner id. */
async function connect(root: HTMLElement, logger: Logger): Promise<void> {
  const before = new Set((await loggerLocks()).held);
  root.append(logger);
  await logger.updateComplete;
  const { held } = await untilLocks((locks) => locks.held.some((name) => !before.has(name)), 'the logger’s lock');
  owners.set(logger, held.find((name) => !before.has(name))!.slice('cif-kpi-logger:owner:'.length));
}

describe('<cif-kpi-logger> removed from the page', () => {
  let listeners: ReturnType<typeof trackListeners> | undefined;
  afterEach(() => {
    listeners?.restore();
    listeners = undefined;
  });

  it('200 loggers added and removed one after another let go of every listener, Web Lock, timer and stored key', async function () {
    this.timeout(30_000);
    listeners = trackListeners([window, document]);
    const clock = fakeClock();
    // (Here and below: the simulated library's own 10 s wait for each call's answer is the host's timer, not the
    // logger's; it is left out so that the timers counted are the logger's.)
    readyHost({ libraryTimeout: null });
    const locksBefore = await loggerLocks();
    const keysBefore = storedKeys();
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const removed: Array<WeakRef<Logger>> = [];
    const results: Array<Promise<CifKpiLogResult>> = [];
    for (let i = 0; i < 200; i++) {
      const logger = makeLogger();
      root.append(logger);
      await logger.updateComplete;
      // Some are removed with their lock granted, some before; some after delivering an event.
      if (i % 2 === 0) await untilLocks((locks) => locks.pending.length === locksBefore.pending.length, 'the lock');
      if (i % 4 === 0) {
        const result = logger.log({ kpiEventName: 'Sent' });
        results.push(result);
        await clock.tickAsync(10);
        await result;
      }
      logger.remove();
      removed.push(new WeakRef(logger));
    }
    expect((await Promise.all(results)).map((r) => r.status)).to.deep.equal(Array(50).fill('sent'));
    // Lock requests made before a removal are given back as soon as they are granted.
    await untilLocks(
      (locks) => locks.held.length === locksBefore.held.length && locks.pending.length === locksBefore.pending.length,
      'every lock given back',
    );
    expect(listeners.live()).to.deep.equal([]);
    expect(clock.countTimers()).to.equal(0);
    expect(storedKeys()).to.deep.equal(keysBefore);
    const gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc === 'function') {
      clock.restore();
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      expect(removed.filter((ref) => ref.deref() !== undefined)).to.have.length(0);
    }
  });

  it('keeps its listeners, Web Lock and stored queue while it holds events, delivers them, then lets go', async () => {
    listeners = trackListeners([window, document]);
    const clock = fakeClock();
    const host = startHost({ initDelay: null, libraryTimeout: null }); // the CIF library is not there yet
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const logger = makeLogger();
    await connect(root, logger);
    const results = [logger.log({ kpiEventName: 'A' }), logger.log({ kpiEventName: 'B' })];
    logger.remove();
    // Written at once on removal, and kept up to date: a reload now would still deliver them.
    expect(storedKeys().filter((key) => key.includes(ownerOf(logger)))).to.have.length(2);
    await clock.tickAsync(10_000);
    expect((await loggerLocks()).held).to.include(lockOf(logger));
    expect(logger.pendingCount).to.equal(2);
    host.appear();
    await clock.tickAsync(500);
    expect((await Promise.all(results)).map((r) => r.status)).to.deep.equal(['sent', 'sent']);
    expect(host.events).to.have.length(2);
    await untilLocks((locks) => !locks.held.includes(lockOf(logger)), 'the lock given back');
    expect(storedKeys().filter((key) => key.includes(ownerOf(logger)))).to.deep.equal([]);
    expect(listeners.live()).to.deep.equal([]);
    expect(clock.countTimers()).to.equal(0);
  });

  it('lets go once events waiting for ids are dropped at context-timeout', async () => {
    listeners = trackListeners([window, document]);
    const clock = fakeClock();
    readyHost({ libraryTimeout: null });
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const logger = makeLogger({ 'conversation-id': 'c', 'context-timeout': '60000' }, false);
    await connect(root, logger);
    const dropped = collect<CifKpiDroppedDetail>(logger, 'cif-kpi-dropped');
    void logger.log({ kpiEventName: 'Waiting' });
    logger.remove();
    await clock.tickAsync(59_000);
    expect(logger.pendingCount).to.equal(1);
    expect((await loggerLocks()).held).to.include(lockOf(logger));
    await clock.tickAsync(1_000);
    expect(dropped.map((d) => [d.reason, d.count])).to.deep.equal([['context-timeout', 1]]);
    await untilLocks((locks) => !locks.held.includes(lockOf(logger)), 'the lock given back');
    expect(storedKeys().filter((key) => key.includes(ownerOf(logger)))).to.deep.equal([]);
    expect(listeners.live()).to.deep.equal([]);
    expect(clock.countTimers()).to.equal(0);
  });

  it('delivers a call in flight when it was removed, then lets go', async () => {
    listeners = trackListeners([window, document]);
    const clock = fakeClock();
    const host = readyHost({ latency: 3000, libraryTimeout: null });
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const logger = makeLogger();
    await connect(root, logger);
    const result = logger.log({ kpiEventName: 'InFlight' });
    await clock.tickAsync(1);
    expect(host.calls).to.have.length(1);
    logger.remove();
    await clock.tickAsync(2000);
    expect((await loggerLocks()).held).to.include(lockOf(logger));
    await clock.tickAsync(1000);
    expect((await result).status).to.equal('sent');
    await untilLocks((locks) => !locks.held.includes(lockOf(logger)), 'the lock given back');
    expect(listeners.live()).to.deep.equal([]);
    expect(clock.countTimers()).to.equal(0);
  });

  it('with check-kpi-names and auto-context, stops waiting for the CIF library when removed, and checks once added again', async () => {
    listeners = trackListeners([window, document]);
    const clock = fakeClock();
    const host = startHost({ initDelay: null, libraryTimeout: null, kpiDefinitions: ['Defined'] });
    const root = await fixture<HTMLElement>(html`<div><span></span></div>`);
    const logger = makeLogger({ 'check-kpi-names': '', 'auto-context': '', 'no-persist': '' });
    root.append(logger);
    await logger.updateComplete;
    // Their code arrives in real time: the queue, the check and the session context each wait for the library.
    await untilArrived(clock, () => listeners!.of('CIFInitDone') >= 3);
    expect(listeners.of('CIFInitDone')).to.equal(3);
    // (Heard around the tracker: these listeners are the test's.)
    const pageErrors: unknown[] = [];
    const onError = (event: Event) => pageErrors.push((event as PromiseRejectionEvent).reason ?? event);
    for (const type of ['error', 'unhandledrejection'])
      EventTarget.prototype.addEventListener.call(window, type, onError);
    try {
      logger.remove();
      expect(listeners.live()).to.deep.equal([]);
      expect(clock.countTimers()).to.equal(0);
      for (let i = 0; i < 10; i++) await clock.tickAsync(0);
    } finally {
      for (const type of ['error', 'unhandledrejection'])
        EventTarget.prototype.removeEventListener.call(window, type, onError);
    }
    expect(pageErrors.map(String), 'nothing reaches the page').to.deep.equal([]);
    root.append(logger);
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    host.appear();
    reportKpi(root.querySelector('span')!, { kpiEventName: 'Undefined' });
    for (let i = 0; i < 1000 && warnings.length === 0; i++) await clock.tickAsync(10);
    expect(warnings.map((w) => w.code)).to.deep.equal(['unknown-kpi-event-name']);
    expect(host.searches).to.have.length(1);
  });

  it('takes nothing when it is added and removed before its first update', async () => {
    listeners = trackListeners([window, document]);
    const clock = fakeClock();
    readyHost({ libraryTimeout: null });
    const locksBefore = await loggerLocks();
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const logger = makeLogger();
    root.append(logger);
    logger.remove();
    await logger.updateComplete;
    await clock.tickAsync(0);
    const locks = await loggerLocks();
    expect(locks.held.length + locks.pending.length).to.equal(locksBefore.held.length + locksBefore.pending.length);
    expect(listeners.live()).to.deep.equal([]);
    expect(clock.countTimers()).to.equal(0);
  });
});

describe('<cif-kpi-logger> added again', () => {
  let listeners: ReturnType<typeof trackListeners> | undefined;
  afterEach(() => {
    listeners?.restore();
    listeners = undefined;
  });

  it('works as before, also when moved in one task: it hears, keeps its queue in storage and holds its lock', async () => {
    listeners = trackListeners([window, document]);
    const clock = fakeClock();
    const host = startHost({ initDelay: null, libraryTimeout: null });
    const root = await fixture<HTMLElement>(
      html`<div>
        <button>widget</button>
        <section></section>
      </div>`,
    );
    const widget = root.querySelector('button')!;
    const logger = makeLogger();
    await connect(root, logger);
    // Moved within the page: removed and added in the same task, holding nothing.
    root.append(logger);
    await clock.tickAsync(0);
    await untilLocks((locks) => locks.held.includes(lockOf(logger)), 'the lock taken back');
    expect(listeners.of('pagehide')).to.equal(1);
    expect(listeners.of('visibilitychange')).to.equal(1);
    reportKpi(widget, { kpiEventName: 'AfterMove' });
    await clock.tickAsync(1000); // the save interval: the library is not there, so it is stored
    expect(storedKeys().filter((key) => key.includes(ownerOf(logger)))).to.have.length(2);

    // Removed while it holds an event, then added back: it kept everything, and takes nothing twice.
    logger.remove();
    await clock.tickAsync(5000);
    root.append(logger);
    await clock.tickAsync(0);
    expect(listeners.of('pagehide')).to.equal(1);
    expect(listeners.of('visibilitychange')).to.equal(1);
    expect((await loggerLocks()).held.filter((name) => name === lockOf(logger))).to.have.length(1);

    // Removed while it holds nothing (it let go), then added back after a while: it takes everything back.
    host.appear();
    await clock.tickAsync(500);
    expect(host.events).to.have.length(1);
    logger.remove();
    await untilLocks((locks) => !locks.held.includes(lockOf(logger)), 'the lock given back');
    expect(listeners.live()).to.deep.equal([]);
    expect(clock.countTimers()).to.equal(0);
    root.querySelector('section')!.append(logger);
    await clock.tickAsync(0);
    await untilLocks((locks) => locks.held.includes(lockOf(logger)), 'the lock taken back');
    expect(listeners.of('pagehide')).to.equal(1);
    expect(listeners.of('visibilitychange')).to.equal(1);
    // It hears in its new place, and keeps in storage what the host has not taken.
    host.uninstall();
    delete window.Microsoft;
    reportKpi(root.querySelector('section')!, { kpiEventName: 'AfterReAdd' });
    reportKpi(widget, { kpiEventName: 'OutsideItsScope' });
    await clock.tickAsync(1000);
    expect(logger.pendingCount).to.equal(1);
    expect(storedKeys().filter((key) => key.includes(ownerOf(logger)))).to.have.length(2);
    const again = startHost({ initDelay: null, libraryTimeout: null });
    again.appear();
    await clock.tickAsync(500);
    expect(again.events.map((e) => (e as { kpiEventName: string }).kpiEventName)).to.deep.equal(['AfterReAdd']);
    expect(storedKeys().filter((key) => key.includes(ownerOf(logger)))).to.deep.equal([]);
  });

  it('connected, removed and connected again in one task many times, ends up holding one lock and one set of listeners', async () => {
    listeners = trackListeners([window, document]);
    readyHost({ libraryTimeout: null });
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const logger = makeLogger();
    await connect(root, logger);
    for (let i = 0; i < 20; i++) {
      logger.remove();
      root.append(logger);
      if (i % 5 === 0) await logger.updateComplete;
    }
    await untilLocks(
      (locks) =>
        locks.held.filter((name) => name === lockOf(logger)).length === 1 && !locks.pending.includes(lockOf(logger)),
      'one lock held, none asked for',
    );
    expect(listeners.of('pagehide')).to.equal(1);
    expect(listeners.of('visibilitychange')).to.equal(1);
    expect((await logger.log({ kpiEventName: 'StillWorks' })).status).to.equal('sent');
  });
});
