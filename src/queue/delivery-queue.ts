import { batchKey, buildCall } from '../normalise/delivery-context.js';
import { callLogAnalyticsEvent, type CallOutcome, type CifHostAccess } from '../deliver/cif-host.js';
import type { CifAnalyticsCall, CifKpiEvent, DeliveryContext } from '../vocabulary/cif-contract.js';
import type { DeliveryOutcome, DeliveryStats, DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';
import { DEFAULTS, type DeliveryOptions } from './delivery-options.js';
import { retryDelay } from './retry-policy.js';

/** One valid KPI event held by the logger until the host accepts it or it is given up. */
export interface QueuedEvent {
  /** Unique within the tab; survives a reload, so a restored event is never taken twice. */
  id: string;
  event: CifKpiEvent;
  /** The ids in force when it was captured; absent while they were incomplete. */
  context?: DeliveryContext;
  /** Calls that carried it and failed. */
  attempts: number;
  /** Epoch ms when it was captured (or restored without a context). */
  heldSince: number;
  /** Why it was given up; set on failed events. */
  problem?: CifKpiProblem;
  /** Batch key, while it is queued with a context (not stored). */
  key?: string;
  /** Set once a call carrying it was accepted, on whichever attempt (not stored). */
  delivered?: true;
}

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
  /** What the queue holds changed (for persistence). */
  changed(): void;
  /** The CIF library became usable. */
  hostReady(): void;
}

export interface DeliveryQueueOptions extends Partial<DeliveryOptions> {
  /** The CIF library: nothing is sent before it is usable. */
  host: CifHostAccess;
  reporter: DeliveryReporter;
}

interface Retry {
  items: QueuedEvent[];
  notBefore: number;
}

interface FlushWaiter {
  remaining: number;
  resolve: () => void;
}

/**
 * Holds valid events and delivers them through `logAnalyticsEvent`: batched by context and event name, one
 * call in flight at a time so capture order is kept, nothing sent before the host is usable or before the
 * ids are complete, failed calls retried with backoff (the retry goes first: no retry storm, no reordering),
 * and everything bounded.
 */
export class DeliveryQueue {
  #options: DeliveryOptions;
  #host: CifHostAccess;
  #hostWait: (() => void) | undefined;
  #reporter: DeliveryReporter;
  /** Events whose ids were incomplete at capture, in capture order. */
  #waiting: QueuedEvent[] = [];
  /** Events ready to send, in capture order. */
  #pending: QueuedEvent[] = [];
  #inFlight: QueuedEvent[] | undefined;
  #retry: Retry | undefined;
  #failed: QueuedEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #contextTimer: ReturnType<typeof setTimeout> | undefined;
  #paused = false;
  #flushing = 0;
  #waiters = new Map<string, (outcome: DeliveryOutcome) => void>();
  #flushWaiters = new Map<string, FlushWaiter[]>();
  /** Pending events per batch key, so a full batch is seen without scanning. */
  #countByKey = new Map<string, number>();
  /** The ids in force, while they are complete: what events that arrive without them are stamped with. */
  #context: DeliveryContext | undefined;
  #stats = { sent: 0, retried: 0 };

  constructor({ host, reporter, ...options }: DeliveryQueueOptions) {
    this.#host = host;
    this.#reporter = reporter;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** The settings in force. */
  get options(): Readonly<DeliveryOptions> {
    return this.#options;
  }

  /** Applies new settings; they take effect from the next event, batch, call or retry. */
  configure(options: DeliveryOptions): void {
    this.#options = { ...options };
  }

  /** Events held now: waiting for ids, queued, in flight or awaiting retry. */
  get size(): number {
    return (
      this.#waiting.length + this.#pending.length + (this.#inFlight?.length ?? 0) + (this.#retry?.items.length ?? 0)
    );
  }

  get stats(): DeliveryStats {
    return { ...this.#stats, failed: this.#failed.length, held: this.size };
  }

  /** Events given up after their last retry, oldest first. */
  get failed(): readonly QueuedEvent[] {
    return this.#failed;
  }

  /** Everything held, oldest first, then the failed events: what persistence stores. */
  snapshot(): QueuedEvent[] {
    const active = [...(this.#retry?.items ?? []), ...(this.#inFlight ?? []), ...this.#pending, ...this.#waiting];
    return [...active, ...this.#failed];
  }

  /**
   * Queues a valid event, stamped with `context` (or waiting for one when undefined). Returns false, and
   * reports a drop, when the queue is full. `onSettled` is called once with how delivery ended.
   */
  enqueue(
    id: string,
    event: CifKpiEvent,
    context: DeliveryContext | undefined,
    onSettled?: (outcome: DeliveryOutcome) => void,
  ): boolean {
    // Every field it will get, from the start: an object that grows later costs an extra allocation per event.
    const queued: QueuedEvent = { id, event, context, attempts: 0, heldSince: Date.now(), key: undefined };
    this.#reporter.queued(queued);
    if (this.size >= this.#options.maxQueue) {
      onSettled?.({ status: 'dropped', reason: 'queue-full' });
      this.#reporter.dropped([queued], 'queue-full');
      return false;
    }
    if (onSettled) this.#waiters.set(queued.id, onSettled);
    this.#admit(queued);
    this.#reporter.changed();
    this.#schedule();
    return true;
  }

  /**
   * Takes back events stored by an earlier page: held ones go before anything captured since (they are older),
   * failed ones back to `failed`. Events whose id is already held are skipped. Returns how many were taken.
   */
  restore(items: readonly QueuedEvent[]): number {
    const known = new Set(this.snapshot().map((item) => item.id));
    const fresh = items.filter((item) => !known.has(item.id) && (known.add(item.id), true));
    const failed = fresh.filter((item) => item.problem);
    const held = fresh.filter((item) => !item.problem).slice(0, Math.max(0, this.#options.maxQueue - this.size));
    const overflow = fresh.length - failed.length - held.length;
    this.#reporter.restored(fresh);
    const previousPending = this.#pending;
    const previousWaiting = this.#waiting;
    this.#pending = [];
    this.#waiting = [];
    this.#countByKey.clear();
    for (const item of [...held, ...previousPending, ...previousWaiting]) this.#admit(item);
    this.#failed.push(...failed);
    this.#trimFailed();
    if (overflow > 0) {
      this.#reporter.dropped(fresh.filter((i) => !i.problem).slice(held.length), 'queue-full');
    }
    if (fresh.length > 0) this.#reporter.changed();
    this.#schedule();
    return fresh.length;
  }

  /**
   * The ids in force changed: complete ones (`context`) stamp the events that waited for them, and any that arrive
   * without ids from now on (taken over from an earlier page); undefined while they are missing or unusable.
   */
  provideContext(context: DeliveryContext | undefined): void {
    this.#context = context;
    if (!context || this.#waiting.length === 0) return;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const item of waiting) {
      item.context = context;
      this.#admit(item);
    }
    this.#reporter.changed();
    this.#schedule();
  }

  /**
   * Sends everything queued now without waiting for `flushDelay` (or a retry's backoff). Resolves once every
   * event queued before the call (not those waiting for ids) has been sent, given up or dropped; it waits for
   * the host to become usable.
   */
  flush(): Promise<void> {
    const items = [...(this.#retry?.items ?? []), ...(this.#inFlight ?? []), ...this.#pending];
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: FlushWaiter = {
        remaining: items.length,
        resolve: () => {
          this.#flushing -= 1;
          resolve();
        },
      };
      for (const item of items) {
        const list = this.#flushWaiters.get(item.id);
        if (list) list.push(waiter);
        else this.#flushWaiters.set(item.id, [waiter]);
      }
      this.#flushing += 1;
      if (this.#retry) this.#retry.notBefore = 0;
      this.pump();
    });
  }

  /** Puts the failed events back in the queue with fresh retries. Resolves when they have been tried. */
  retryFailed(): Promise<void> {
    if (this.#failed.length === 0) return Promise.resolve();
    const failed = this.#failed;
    this.#failed = [];
    for (const item of failed) {
      item.attempts = 0;
      delete item.problem;
      this.#admit(item);
    }
    this.#reporter.changed();
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
   * what is queued is sent. Called whenever sending finds no library, so a library that goes away is waited for
   * again.
   */
  watchHost(): void {
    if (this.#hostWait || this.#host.framework) return;
    this.#hostWait = this.#host.whenReady(() => {
      this.#hostWait = undefined;
      this.#reporter.hostReady();
      this.pump();
    });
  }

  /** Tries to send now. */
  pump(): void {
    if (this.#paused || this.#inFlight) return;
    const framework = this.#host.framework;
    if (!framework) return this.watchHost();
    let batch: QueuedEvent[];
    if (this.#retry) {
      const wait = this.#retry.notBefore - Date.now();
      if (wait > 0) {
        this.#setTimer(wait);
        return;
      }
      batch = this.#retry.items;
      this.#retry = undefined;
      this.#stats.retried += batch.length;
    } else {
      if (this.#pending.length === 0) return;
      batch = this.#takeBatch();
    }
    this.#clearTimer();
    this.#inFlight = batch;
    const call = buildCall(
      batch[0]!.context!,
      batch.map((item) => item.event),
    );
    void callLogAnalyticsEvent(framework, call, this.#options.callTimeout).then((outcome) =>
      this.#onAnswer(batch, call, outcome),
    );
  }

  #onAnswer(sentBatch: QueuedEvent[], call: CifAnalyticsCall, outcome: CallOutcome): void {
    this.#inFlight = undefined;
    // Events an earlier attempt's late answer delivered meanwhile are done, whatever this answer is.
    const batch = sentBatch.filter((item) => !item.delivered);
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
        this.#giveUp(batch, outcome.problem);
      } else {
        const delay = this.#flushing > 0 ? 0 : retryDelay(attempts, this.#options.retryDelay);
        this.#retry = { items: batch, notBefore: Date.now() + delay };
        this.#reporter.attemptFailed(call, batch, outcome.problem, delay);
      }
    }
    this.#reporter.changed();
    // Events that arrived during the call have waited long enough: send them now.
    this.pump();
  }

  /** A call that timed out was accepted after all: its events count as sent, wherever they are now, once. */
  #acceptedLate(batch: readonly QueuedEvent[], call: CifAnalyticsCall, result: unknown): void {
    const late = new Set(batch.filter((item) => !item.delivered));
    if (late.size === 0) return;
    const keep = (item: QueuedEvent) => !late.has(item);
    if (this.#retry) {
      this.#retry.items = this.#retry.items.filter(keep);
      if (this.#retry.items.length === 0) this.#retry = undefined;
    }
    // One in flight again is marked delivered: its answer is then ignored.
    if (this.#inFlight) this.#inFlight = this.#inFlight.filter(keep);
    this.#failed = this.#failed.filter(keep);
    if (this.#pending.some((item) => late.has(item))) {
      this.#pending = this.#pending.filter(keep);
      this.#countByKey.clear();
      for (const item of this.#pending) this.#countByKey.set(item.key!, (this.#countByKey.get(item.key!) ?? 0) + 1);
    }
    this.#sent([...late], call, result);
    this.#reporter.changed();
    this.pump();
  }

  #sent(batch: QueuedEvent[], call: CifAnalyticsCall, result: unknown): void {
    for (const item of batch) item.delivered = true;
    this.#stats.sent += batch.length;
    this.#settle(batch, { status: 'sent', call, result });
    this.#reporter.sent(call, batch, result);
  }

  #giveUp(batch: QueuedEvent[], reason: CifKpiProblem): void {
    for (const item of batch) item.problem = reason;
    this.#failed.push(...batch);
    this.#settle(batch, { status: 'failed', problem: reason });
    this.#reporter.failed(batch, reason);
    this.#trimFailed();
  }

  /** Failed events are kept for `retryFailed()`, but no more than `maxQueue` of them: the oldest go first. */
  #trimFailed(): void {
    const excess = this.#failed.length - this.#options.maxQueue;
    if (excess > 0) this.#drop(this.#failed.splice(0, excess), 'failed-overflow', false);
  }

  #drop(items: QueuedEvent[], reason: DropReason, settle = true): void {
    if (settle) this.#settle(items, { status: 'dropped', reason });
    this.#reporter.dropped(items, reason);
    this.#reporter.changed();
  }

  /** Places an event by whether its ids are complete; one without them takes the ids in force, if complete. */
  #admit(item: QueuedEvent): void {
    if (!item.context && this.#context) item.context = this.#context;
    if (!item.context) {
      this.#waiting.push(item);
      this.#armContextTimer();
      return;
    }
    const key = batchKey(item.context, item.event);
    item.key = key;
    this.#pending.push(item);
    this.#countByKey.set(key, (this.#countByKey.get(key) ?? 0) + 1);
  }

  #armContextTimer(): void {
    if (this.#contextTimer !== undefined || this.#waiting.length === 0) return;
    const oldest = this.#waiting[0]!.heldSince;
    const wait = Math.max(0, oldest + this.#options.contextTimeout - Date.now());
    this.#contextTimer = setTimeout(() => {
      this.#contextTimer = undefined;
      const limit = Date.now() - this.#options.contextTimeout;
      const expired = this.#waiting.filter((item) => item.heldSince <= limit);
      if (expired.length > 0) {
        this.#waiting = this.#waiting.filter((item) => item.heldSince > limit);
        this.#drop(expired, 'context-timeout');
      }
      this.#armContextTimer();
    }, wait);
  }

  #schedule(): void {
    if (this.#paused || this.#inFlight) return;
    const urgent = this.#retry !== undefined || this.#flushing > 0 || this.#headBatchIsFull();
    // A send is already due (the hot path of a burst), or nothing can be sent without a host: the host watcher
    // calls pump() when it appears.
    if (!urgent && this.#timer !== undefined) return;
    if (!this.#host.framework) return this.watchHost();
    if (urgent) this.pump();
    else if (this.#pending.length > 0) this.#setTimer(this.#options.flushDelay);
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

  #headBatchIsFull(): boolean {
    const head = this.#pending[0];
    return head !== undefined && (this.#countByKey.get(head.key!) ?? 0) >= this.#options.maxBatch;
  }

  /** The oldest event and every later one with the same key, up to `maxBatch`, in capture order. */
  #takeBatch(): QueuedEvent[] {
    const key = this.#pending[0]!.key!;
    const max = Math.max(1, this.#options.maxBatch);
    const batch: QueuedEvent[] = [];
    const rest: QueuedEvent[] = [];
    for (const item of this.#pending) {
      if (batch.length < max && item.key === key) batch.push(item);
      else rest.push(item);
    }
    this.#pending = rest;
    const left = (this.#countByKey.get(key) ?? 0) - batch.length;
    if (left > 0) this.#countByKey.set(key, left);
    else this.#countByKey.delete(key);
    return batch;
  }

  #settle(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
    for (const item of items) {
      const waiter = this.#waiters.get(item.id);
      if (waiter) {
        this.#waiters.delete(item.id);
        waiter(outcome);
      }
      const flushWaiters = this.#flushWaiters.get(item.id);
      if (flushWaiters) {
        this.#flushWaiters.delete(item.id);
        for (const flushWaiter of flushWaiters) if (--flushWaiter.remaining === 0) flushWaiter.resolve();
      }
    }
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
