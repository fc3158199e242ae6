import { buildCall, type ContextBinding } from '../normalise/delivery-context.js';
import { callLogAnalyticsEvent, type CallOutcome, type CifHostAccess } from '../deliver/cif-host.js';
import type { CifAnalyticsCall, CifKpiEvent, DeliveryContext } from '../vocabulary/cif-contract.js';
import type { DeliveryOutcome, DeliveryStats, DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';
import { DEFAULTS, type DeliveryOptions } from './delivery-options.js';
import { Outbox } from './outbox.js';
import { NO_KEEPER, NumberedEvent, type QueueKeeper, type QueuedEvent } from './queued-event.js';
import { retryDelay } from './retry-policy.js';

export interface DeliveryReporter {
  /** An event was taken in (it may still be dropped at once when the queue is full). */
  queued(item: QueuedEvent): void;
  /** The host accepted `call`, which carried `items`. */
  sent(call: CifAnalyticsCall, items: readonly QueuedEvent[], result: unknown): void;
  /** A call failed; it is retried after `retryIn` ms, or not at all when `retryIn` is undefined. */
  attemptFailed(
    call: CifAnalyticsCall,
    items: readonly QueuedEvent[],
    problem: CifKpiProblem,
    retryIn: number | undefined,
  ): void;
  /** Events given up after their last retry; they stay in `failed`. */
  failed(items: readonly QueuedEvent[], problem: CifKpiProblem): void;
  /** Events dropped without delivery. */
  dropped(items: readonly QueuedEvent[], reason: DropReason): void;
  /** Events taken over from an earlier page of the tab (held or failed). */
  restored(items: readonly QueuedEvent[]): void;
  /** What the queue holds changed (the inspector shows it). */
  changed(): void;
  /** The CIF library became usable. */
  hostReady(): void;
}

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
 * goes first: no retry storm, no reordering), and a call that timed out accepted late if the host says so. Where
 * each event is, and the bounds, are the outbox's.
 */
export class DeliveryQueue {
  #options: DeliveryOptions;
  #host: CifHostAccess;
  #hostWait: (() => void) | undefined;
  #reporter: DeliveryReporter;
  #outbox: Outbox;
  /** When the events awaiting their retry may go. */
  #retryAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #contextTimer: ReturnType<typeof setTimeout> | undefined;
  #paused = false;
  #flushing = 0;
  #stats = { sent: 0, retried: 0 };
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
    this.#outbox = new Outbox({
      contextFor,
      dropped: (items, reason) => {
        reporter.dropped(items, reason);
        this.#changed();
      },
      bounds: () => this.#options,
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
    return { ...this.#stats, failed: this.#outbox.failed.length, held: this.size };
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
      this.#retryAt = 0;
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
    this.#clearTimer();
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
    this.#clearTimer();
    clearTimeout(this.#contextTimer);
    this.#contextTimer = undefined;
    this.#hostWait?.();
    this.#hostWait = undefined;
  }

  /** Tries to send now. */
  pump(): void {
    const outbox = this.#outbox;
    if (this.#paused || outbox.inFlight || !(outbox.retry || outbox.queued)) return;
    const framework = this.#host.framework;
    if (!framework) return this.watchHost();
    let batch: QueuedEvent[];
    if (outbox.retry) {
      const wait = this.#retryAt - Date.now();
      if (wait > 0) return this.#setTimer(wait);
      batch = outbox.takeRetry();
      this.#stats.retried += batch.length;
    } else {
      batch = outbox.takeBatch(this.#options.maxBatch);
    }
    this.#clearTimer();
    const call = buildCall(
      batch[0]!.context!,
      batch.map((item) => item.event),
    );
    void callLogAnalyticsEvent(framework, call, this.#options.callTimeout).then((outcome) =>
      this.#onAnswer(batch, call, outcome),
    );
  }

  #onAnswer(sentBatch: QueuedEvent[], call: CifAnalyticsCall, outcome: CallOutcome): void {
    // Events an earlier attempt's late answer delivered meanwhile are done, whatever this answer is.
    const batch = this.#outbox.answered(sentBatch);
    if (batch.length === 0) {
      // Nothing of it left to settle.
    } else if (outcome.ok) {
      this.#sent(batch, call, outcome.result);
    } else {
      // A call that timed out may still be accepted late, after its retry or even after its last attempt: its
      // events then count as sent, once, and are not sent again.
      void outcome.late?.then((late) => late.ok && this.#acceptedLate(batch, call, late.result));
      const attempts = batch[0]!.attempts + 1;
      for (const item of batch) item.attempts = attempts;
      if (attempts > this.#options.maxRetries) {
        this.#reporter.attemptFailed(call, batch, outcome.problem, undefined);
        this.#outbox.giveUp(batch, outcome.problem);
        this.#reporter.failed(batch, outcome.problem);
        this.#outbox.trimFailed();
      } else {
        const delay = this.#flushing > 0 ? 0 : retryDelay(attempts, this.#options.retryDelay);
        this.#outbox.toRetry(batch);
        this.#retryAt = Date.now() + delay;
        this.#reporter.attemptFailed(call, batch, outcome.problem, delay);
      }
    }
    this.#changed();
    // Events that arrived during the call have waited long enough: send them now.
    this.pump();
  }

  /** A call that timed out was accepted after all: its events count as sent, wherever they are now, once. */
  #acceptedLate(batch: readonly QueuedEvent[], call: CifAnalyticsCall, result: unknown): void {
    const late = this.#outbox.takeLate(batch);
    if (late.length === 0) return;
    this.#sent(late, call, result);
    this.#changed();
    this.pump();
  }

  #sent(batch: QueuedEvent[], call: CifAnalyticsCall, result: unknown): void {
    this.#stats.sent += batch.length;
    this.#outbox.settle(batch, { status: 'sent', call, result });
    this.#reporter.sent(call, batch, result);
  }

  /** Events were held (new, restored, or with their ids now): watched for ids, and sent in time. */
  #held(): void {
    this.#armContextTimer();
    this.#changed();
    this.#schedule();
  }

  #armContextTimer(): void {
    const waiting = this.#outbox.waiting;
    if (this.#contextTimer !== undefined || waiting.length === 0) return;
    const wait = Math.max(0, waiting[0]!.heldSince + this.#options.contextTimeout - Date.now());
    this.#contextTimer = setTimeout(() => {
      this.#contextTimer = undefined;
      this.#outbox.expireWaiting(Date.now() - this.#options.contextTimeout);
      this.#armContextTimer();
    }, wait);
  }

  #schedule(): void {
    const outbox = this.#outbox;
    if (this.#paused || outbox.inFlight) return;
    const urgent = outbox.retry !== undefined || this.#flushing > 0 || outbox.headBatchIsFull(this.#options.maxBatch);
    // A send is already due (the hot path of a burst), or nothing can be sent without a host: the host watcher
    // (watching while there is something to send) calls pump() when it appears.
    if (!urgent && this.#timer !== undefined) return;
    if (!this.#host.framework) return this.pump();
    if (urgent) this.pump();
    else if (outbox.queued > 0) this.#setTimer(this.#options.flushDelay);
  }

  #setTimer(delay: number): void {
    const at = Date.now() + Math.max(0, delay);
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Infinity;
        this.pump();
      },
      Math.max(0, delay),
    );
  }

  /** What it holds changed: the reporter hears it, then `changed`. */
  #changed(): void {
    this.#reporter.changed();
    this.#onChange?.();
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
