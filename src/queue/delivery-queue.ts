import type { ContextBinding } from '../normalise/delivery-context.js';
import type { CifHostAccess } from '../deliver/cif-host.js';
import type { CifKpiEvent, DeliveryContext } from '../vocabulary/cif-contract.js';
import type { DeliveryOutcome, DeliveryStats } from '../vocabulary/logger-events.js';
import { alarm } from './alarm.js';
import { CallAttempts } from './call-attempts.js';
import { DEFAULTS, type DeliveryOptions } from './delivery-options.js';
import type { DeliveryReporter } from './delivery-reporter.js';
import { Outbox } from './outbox.js';
import { NO_KEEPER, NumberedEvent, type QueueKeeper, type QueuedEvent } from './queued-event.js';

export interface DeliveryQueueOptions extends Partial<DeliveryOptions> {
  /** The CIF library: nothing is sent before it is usable. */
  host: CifHostAccess;
  reporter: DeliveryReporter;
  /** What the id of an event numbered by the queue starts with (`<owner>.`); default: none. */
  idPrefix?: string;
  /** The ids an event held without them is sent with, once they are complete; default: none yet. */
  contextFor?: (item: QueuedEvent) => DeliveryContext | undefined;
  /** Told after what it holds changed, once the reporter was (a removed logger lets go when it holds nothing). */
  changed?: () => void;
}

/**
 * Delivers what the outbox holds through `logAnalyticsEvent`: batched by context and event name, one call in flight
 * at a time so capture order is kept, nothing sent before the host is usable or before the ids are complete, a
 * batch sent when it is full or `flushDelay` after its first event, failed calls retried with backoff (the retry
 * goes first: no retry storm, no reordering), and a call that timed out accepted late if the host says so (each
 * call and its answer: call-attempts.ts). Where each event is, and the bounds, are the outbox's.
 */
export class DeliveryQueue {
  #options: DeliveryOptions;
  #host: CifHostAccess;
  #hostWait: (() => void) | undefined;
  #reporter: DeliveryReporter;
  #outbox: Outbox;
  #attempts: CallAttempts;
  /** The next send: after `flushDelay`, or a retry's backoff. */
  #timer = alarm(() => this.pump());
  /** The end of the oldest event's wait for ids. */
  #contextTimer = alarm(() => {
    this.#outbox.expireWaiting(Date.now() - this.#options.contextTimeout);
    this.#armContextTimer();
  });
  #paused = false;
  #flushing = 0;
  #idPrefix: string;
  #onChange: (() => void) | undefined;

  constructor({
    host,
    reporter,
    idPrefix = '',
    contextFor = () => undefined,
    changed,
    ...options
  }: DeliveryQueueOptions) {
    this.#host = host;
    this.#reporter = reporter;
    this.#idPrefix = idPrefix;
    this.#onChange = changed;
    this.#options = { ...DEFAULTS, ...options };
    const outbox = (this.#outbox = new Outbox({
      contextFor,
      dropped: (items, reason) => {
        reporter.dropped(items, reason);
        this.#changed();
      },
      bounds: () => this.#options,
    }));
    this.#attempts = new CallAttempts(outbox, reporter, {
      options: () => this.#options,
      flushing: () => this.#flushing > 0,
      answered: () => {
        this.#changed();
        this.pump();
      },
    });
  }

  /** The settings in force. */
  get options(): Readonly<DeliveryOptions> {
    return this.#options;
  }

  /** Applies new settings; they take effect from the next event, batch, call or retry. */
  configure(options: DeliveryOptions): void {
    this.#options = { ...options };
  }

  /** Tells `keeper` (persistence) of every event held, changed and gone from now on. */
  keep(keeper: QueueKeeper | undefined): void {
    this.#outbox.keeper = keeper ?? NO_KEEPER;
  }

  /** Events held now: waiting for ids, queued, in flight or awaiting retry. */
  get size(): number {
    return this.#outbox.size;
  }

  /** The stored size (in characters) of everything held and failed. */
  get heldSize(): number {
    return this.#outbox.bytes;
  }

  get stats(): DeliveryStats {
    return { ...this.#attempts.stats, failed: this.#outbox.failed.length, held: this.size };
  }

  /** Events given up after their last retry, oldest first. */
  get failed(): readonly QueuedEvent[] {
    return this.#outbox.failed;
  }

  /** Where each event is: each held or failed event in exactly one place, and its `state` names it. */
  places(): ReturnType<Outbox['places']> {
    return this.#outbox.places();
  }

  /** Everything held, oldest first, then the failed events. */
  snapshot(): QueuedEvent[] {
    return Object.values(this.#outbox.places()).flat();
  }

  /**
   * Queues a valid event captured at `capturedAt`, stamped with `context` (or waiting for one when undefined, bound
   * to `binding` with `auto-context`); its id is `n` after the queue's `idPrefix`.
   * Returns false, and reports a drop, when the queue is full (by count or by size). `onSettled` is called once
   * with how delivery ended.
   */
  enqueue(
    n: number,
    event: CifKpiEvent,
    context: DeliveryContext | undefined,
    onSettled: ((outcome: DeliveryOutcome) => void) | undefined,
    size: number,
    capturedAt = Date.now(),
    binding?: ContextBinding,
  ): boolean {
    const item: QueuedEvent = new NumberedEvent(
      this.#idPrefix,
      n,
      event,
      context,
      capturedAt,
      onSettled && [onSettled],
    );
    if (binding) item.binding = binding;
    this.#reporter.queued(item);
    if (!this.#outbox.hold(item, size)) return false;
    this.#held();
    return true;
  }

  /**
   * Takes back events stored by an earlier page: held ones go before anything captured since (they are older),
   * failed ones back to `failed`. Events whose id is already held are skipped, and held ones beyond the queue's
   * bounds are dropped. Each comes with its `size` as normalising it again counted it. Returns how many were taken.
   */
  restore(items: readonly QueuedEvent[]): number {
    const known = new Set(this.snapshot().map((item) => item.id));
    const fresh = items.filter((item) => !known.has(item.id) && (known.add(item.id), true));
    if (fresh.length === 0) return 0;
    this.#reporter.restored(fresh);
    this.#outbox.restore(fresh);
    this.#held();
    return fresh.length;
  }

  /** The ids in force, or a session's, changed: the events that waited and now have their ids are queued. */
  recheck(): void {
    if (this.#outbox.recheck()) this.#held();
  }

  /**
   * Sends everything queued now without waiting for `flushDelay` (or a retry's backoff). Resolves once every
   * event queued before the call (not those waiting for ids) has been sent, given up or dropped; it waits for
   * the host to become usable.
   */
  flush(): Promise<void> {
    const places = this.#outbox.places();
    const items = [...places.retry, ...places['in-flight'], ...places.pending];
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let remaining = items.length;
      const settled = () => {
        if (--remaining > 0) return;
        this.#flushing -= 1;
        resolve();
      };
      for (const item of items) (item.waiters ??= []).push(settled);
      this.#flushing += 1;
      this.#attempts.retryAt = 0;
      this.pump();
    });
  }

  /** Puts the failed events back in the queue with fresh retries. Resolves when they have been tried. */
  retryFailed(): Promise<void> {
    if (this.#outbox.failed.length === 0) return Promise.resolve();
    this.#outbox.requeueFailed();
    this.#changed();
    return this.flush();
  }

  /** Stops sending (and its timers) until `resume()`; events are still accepted. */
  pause(): void {
    this.#paused = true;
    this.#timer.clear();
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  /** Whether the CIF library is usable now. */
  get hostReady(): boolean {
    return this.#host.framework !== undefined;
  }

  /**
   * Waits for the CIF library if it is not usable (once at a time): when it is, the reporter hears of it and
   * what is queued is sent. Called whenever there is something to send and no library, so a library that goes away
   * is waited for again.
   */
  watchHost(): void {
    if (this.#hostWait || this.#host.framework) return;
    this.#hostWait = this.#host.whenReady(() => {
      this.#hostWait = undefined;
      this.#reporter.hostReady();
      this.pump();
    });
  }

  /**
   * Lets go of its timers and of its wait for the CIF library; for a queue that holds nothing (its logger left the
   * page): anything held from now on takes them again.
   */
  rest(): void {
    this.#timer.clear();
    this.#contextTimer.clear();
    this.#hostWait?.();
    this.#hostWait = undefined;
  }

  /** Tries to send now. */
  pump(): void {
    const outbox = this.#outbox;
    if (this.#paused || outbox.inFlight || !(outbox.retry || outbox.queued)) return;
    const framework = this.#host.framework;
    if (!framework) return this.watchHost();
    const retry = outbox.retry !== undefined;
    if (retry) {
      const wait = this.#attempts.retryAt - Date.now();
      if (wait > 0) return this.#timer.set(wait);
    }
    const batch = retry ? outbox.takeRetry() : outbox.takeBatch(this.#options.maxBatch);
    this.#timer.clear();
    this.#attempts.send(framework, batch, retry);
  }

  /** Events were held (new, restored, or with their ids now): watched for ids, and sent in time. */
  #held(): void {
    this.#armContextTimer();
    this.#changed();
    this.#schedule();
  }

  #armContextTimer(): void {
    const waiting = this.#outbox.waiting;
    if (this.#contextTimer.isSet() || waiting.length === 0) return;
    this.#contextTimer.set(waiting[0]!.heldSince + this.#options.contextTimeout - Date.now());
  }

  #schedule(): void {
    const outbox = this.#outbox;
    if (this.#paused || outbox.inFlight) return;
    const urgent = outbox.retry !== undefined || this.#flushing > 0 || outbox.headBatchIsFull(this.#options.maxBatch);
    // A send is already due (the hot path of a burst), or nothing can be sent without a host: the host watcher
    // (watching while there is something to send) calls pump() when it appears.
    if (!urgent && this.#timer.isSet()) return;
    if (!this.#host.framework) return this.pump();
    if (urgent) this.pump();
    else if (outbox.queued > 0) this.#timer.set(this.#options.flushDelay);
  }

  /** What it holds changed: the reporter hears it, then `changed`. */
  #changed(): void {
    this.#reporter.changed();
    this.#onChange?.();
  }
}
