/**
 * One logger's pipeline, whatever element carries it: capture → normalise → queue/persist → deliver → report. The
 * element declares the settings and hands this its lifecycle (as a controller) and its updates.
 */
import { CaptureController, type HeardAt } from '../capture/capture-controller.js';
import type { NormaliseResult } from '../normalise/usual-event.js';
import { ContextBinding, ContextTracker, isCallField, type ContextInput } from '../normalise/delivery-context.js';
import type { DeliveryOptions } from '../queue/delivery-options.js';
import { DeliveryQueue } from '../queue/delivery-queue.js';
import { newOwnerId } from '../persist/queue-store.js';
import { QueuePersistence } from '../persist/queue-persistence.js';
import { CifHostWatcher } from '../deliver/cif-host.js';
import { Reporter } from '../report/reporter.js';
import type { InspectorView } from '../report/debug-inspector.js';
import type { LogLevel } from '../vocabulary/log-level.js';
import { internalError } from '../vocabulary/problems.js';
import type { CifKpiFailedEvent, CifKpiLogResult, CifKpiStats } from '../vocabulary/logger-events.js';
import { CifAwareFeatures } from './cif-aware-features.js';
import { idsFor, stampNow, waitingFor, type Stamp } from './stamping.js';
import { Intake } from './intake.js';
import { settingsOf } from './settings.js';

/** The element a logger runs in: its settings, as its properties hold them, and what Lit gives a controller. */
export interface LoggerElement extends HTMLElement, ContextInput, Record<keyof DeliveryOptions, number> {
  scope: string | null;
  noPersist: boolean;
  checkKpiNames: boolean;
  autoContext: boolean;
  logLevel: LogLevel;
  disabled: boolean;
  debug: boolean;
  readonly hasUpdated: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly hostReady: boolean;
  readonly pendingCount: number;
  readonly stats: CifKpiStats;
  addController(controller: { hostConnected(): void; hostDisconnected(): void }): void;
}

/**
 * A logger's pipeline: hears events through its capture, normalises them, stamps them with the ids in force, queues
 * and persists them, delivers them, and reports what happened on its element. A controller of that element: it
 * starts and stops with it.
 */
export class KpiLogger {
  #host: LoggerElement;
  #ownerId = newOwnerId();
  #nextId = 0;
  #reporter: Reporter;
  #queue: DeliveryQueue;
  #persistence: QueuePersistence;
  /** Resolved again as soon as an id changes (not at Lit's next update), so each event gets the ids in force. */
  #context: ContextTracker;
  #capture: CaptureController;
  #intake: Intake;
  /** Removed while events wait for code: looking again once none does. */
  #settling = false;
  #features: CifAwareFeatures;

  constructor(host: LoggerElement) {
    this.#host = host;
    const reporter = (this.#reporter = new Reporter(host));
    /** Numbers events; their ids are `<owner>.<n>`, made only when one is needed. */
    const queue = (this.#queue = new DeliveryQueue({
      host: new CifHostWatcher(window),
      reporter,
      idPrefix: `${this.#ownerId}.`,
      contextFor: (item) => idsFor(item, host, this.#context, this.#features.sessions),
      // Removed, it keeps what it holds and lets go once that is delivered (or dropped, or given up).
      changed: () => host.isConnected || this.#holdWhatIsNeeded(),
    }));
    this.#persistence = new QueuePersistence(
      queue,
      this.#ownerId,
      (p) => reporter.error(p),
      (count) => reporter.droppedOnArrival('stored-unreadable', count),
      // The page goes: what waits for code is stored with the rest, as far as it can be made without it.
      () => {
        this.#capture.release(true);
        this.#intake.release();
      },
    );
    this.#context = new ContextTracker(host, (state, problems) => {
      for (const p of problems) reporter.error(p);
      if (state.status === 'complete') {
        this.#capture.stampHeld(state.context);
        this.#intake.stampWaiting(state.context);
      }
      queue.recheck();
    });
    const intake = (this.#intake = new Intake({
      take: (result, detail, resolve, at) => this.#take(result, detail, resolve, at?.stamp as Stamp),
      stamp: this.#stamp,
      unavailable: (detail, resolve) => {
        reporter.droppedOnArrival('code-unavailable', 1, detail);
        resolve?.({ status: 'dropped', reason: 'code-unavailable' });
      },
      problem: (p) => reporter.error(p),
    }));
    this.#capture = new CaptureController(host, {
      detail: (detail, at) => this.#accept(detail, undefined, at),
      mapped: (result, detail, at) => intake.mapped(result, detail, at),
      stamp: this.#stamp,
      problem: (p) => reporter.error(p),
      warning: (w) => reporter.warn(w),
      dropped: (reason, count) => reporter.droppedOnArrival(reason, count),
      maxHeld: () => queue.options.maxQueue,
    });
    this.#features = new CifAwareFeatures(host, reporter, {
      fallBackTo: (ids) => this.#context.fallBackTo(ids),
      recheck: () => queue.recheck(),
      error: (p) => reporter.error(p),
    });
    reporter.explainStalls(host, () => waitingFor(queue.snapshot(), host, this.#context));
    host.addController(this);
  }

  get hostReady(): boolean {
    return this.#queue.hostReady;
  }

  get pendingCount(): number {
    return this.#queue.size;
  }

  get stats(): CifKpiStats {
    return this.#reporter.stats(this.#queue.stats);
  }

  get failed(): CifKpiFailedEvent[] {
    return this.#queue.failed.map(({ event, context, attempts, problem: error }) => ({
      event,
      context,
      attempts,
      error,
    }));
  }

  log(detail: unknown): Promise<CifKpiLogResult> {
    return new Promise((resolve) => this.#accept(detail, resolve));
  }

  flush(): Promise<void> {
    return this.#capture.whenReady().then(() => this.#queue.flush());
  }

  retryFailed(): Promise<void> {
    return this.#queue.retryFailed();
  }

  hostConnected(): void {
    const host = this.#host;
    this.#queue.watchHost();
    // Added again: it takes back what it let go of (its first update takes it the first time).
    if (host.hasUpdated) this.#holdWhatIsNeeded();
    this.#features.connected(true);
    if (!host.debug && new URLSearchParams(location.search).has('cif-kpi-debug')) host.debug = true;
  }

  hostDisconnected(): void {
    this.#features.connected(false);
    this.#holdWhatIsNeeded();
    this.#persistence.saveNow();
    // What was captured is still delivered: start sending it now.
    void this.#queue.flush();
  }

  /** A property changed: an id or call argument is resolved again at once. */
  propertyChanged(name: PropertyKey): void {
    if (isCallField(name)) this.#context.invalidate();
  }

  /** The element is about to update: the settings that `changed` take effect. */
  update(changed: ReadonlyMap<PropertyKey, unknown>): void {
    const host = this.#host;
    try {
      this.#queue.configure(settingsOf(host, this.#reporter));
      this.#context.current();
      this.#capture.configure(host.scope, host.disabled);
      if (changed.has('noPersist')) this.#holdWhatIsNeeded();
      if (changed.has('checkKpiNames')) this.#features.set('names', host.checkKpiNames);
      if (changed.has('autoContext')) this.#features.set('sessions', host.autoContext && host.isConnected);
      if (changed.has('debug')) {
        if (!host.debug) this.#reporter.hideInspector();
        else
          this.#reporter.showInspector(host.renderRoot as ShadowRoot, this.#inspectorView, {
            flush: () => void this.flush(),
            retryFailed: () => void this.retryFailed(),
          });
      }
      this.#reporter.refresh();
    } catch (error) {
      // Whatever a page sets, nothing the logger does in its update may throw into the page.
      this.#reporter.error(internalError(error));
    }
  }

  /**
   * Takes what the logger needs of the page, and lets go of the rest: in the page, or while it holds events, it keeps
   * its queue in storage (unless `no-persist`); removed and holding nothing, it lets go of everything it took: its
   * stored keys, then its Web Lock, its listeners and its timers.
   */
  #holdWhatIsNeeded(): void {
    // Events heard that wait for code (the rule compiler, the markup reader, the general normaliser) are held too:
    // removed, the logger keeps the page's pagehide for them, and looks again once they are queued or given up.
    const waiting = this.#capture.holding || this.#intake.holding;
    const needed = this.#host.isConnected || this.#queue.size > 0 || waiting;
    if (needed && !this.#host.noPersist) this.#persistence.enable();
    else this.#persistence.disable();
    if (!needed) {
      this.#queue.rest();
      this.#reporter.rest();
    }
    if (waiting && !this.#host.isConnected && !this.#settling) {
      this.#settling = true;
      void this.#capture
        .whenReady()
        .then(() => this.#intake.settled())
        .then(() => {
          this.#settling = false;
          this.#holdWhatIsNeeded();
        });
    }
  }

  #inspectorView = (): InspectorView => ({
    logger: this.#host,
    context: this.#context.current(),
    root: this.#capture.scopeRoot,
    kpiNames: this.#features.names?.view,
  });

  /** What an event heard now is stamped with (see stamping.ts). */
  #stamp = (): Stamp => stampNow(this.#host, this.#context, this.#features.sessions);

  /**
   * Takes in one reported event, or reports it dropped while the logger is disabled; `at` when it was heard earlier
   * (its capture time and what it was stamped with then).
   */
  #accept(detail: unknown, resolve?: (result: CifKpiLogResult) => void, at?: HeardAt): void {
    if (this.#host.disabled) {
      this.#reporter.droppedOnArrival('disabled', 1, detail);
      resolve?.({ status: 'dropped', reason: 'disabled' });
      return;
    }
    this.#intake.detail(detail, resolve, at);
  }

  /**
   * Reports and queues one normalised event; `detail` is what was reported, shown in reports; `heardWith` what it
   * was stamped with when it was heard, if that was earlier. Never throws.
   */
  #take(
    normalised: NormaliseResult,
    detail: unknown,
    resolve?: (result: CifKpiLogResult) => void,
    heardWith?: Stamp,
  ): void {
    try {
      this.#reporter.captured(normalised.warnings, detail);
      if (!normalised.ok) {
        this.#reporter.invalid(normalised.problem, detail);
        resolve?.({ status: 'invalid', problem: normalised.problem });
        return;
      }
      // Stamped with the ids in force when it was heard; while they are missing or unusable, it waits for usable ones.
      this.#features.names?.seen(normalised.event.kpiEventName);
      const stamp = heardWith ?? this.#stamp();
      const bound = stamp instanceof ContextBinding;
      this.#queue.enqueue(
        this.#nextId++,
        normalised.event,
        bound ? undefined : stamp,
        resolve,
        normalised.size,
        normalised.capturedAt,
        bound ? stamp : undefined,
      );
    } catch (error) {
      // Counted as invalid, so that every captured event is still accounted for.
      const p = internalError(error);
      this.#reporter.invalid(p, detail);
      resolve?.({ status: 'invalid', problem: p });
    }
  }
}
