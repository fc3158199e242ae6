import { batchKey, buildCall, type CifAnalyticsCall, type DeliveryContext } from '../normalise/delivery-context.js';
import type { CifKpiEvent } from '../normalise/kpi-event.js';
import { callLogAnalyticsEvent, type CifFramework } from '../deliver/cif-host.js';
import type { CifKpiProblem } from '../report/problems.js';

/** One valid KPI event waiting for delivery, stamped with the context in force when it was captured. */
export interface QueuedEvent {
  /** Capture order within this queue. */
  seq: number;
  event: CifKpiEvent;
  context: DeliveryContext;
  /** Events with equal keys can share a call. */
  key: string;
}

/** How a logged event ended. */
export type DeliveryOutcome =
  | { status: 'sent'; call: CifAnalyticsCall; result: unknown }
  | { status: 'rejected'; call: CifAnalyticsCall; problem: CifKpiProblem };

export interface DeliveryReporter {
  /** The host accepted `call`, which carried `items`. */
  sent(call: CifAnalyticsCall, items: readonly QueuedEvent[], result: unknown): void;
  /** The host rejected `call`, or did not answer in time. */
  rejected(call: CifAnalyticsCall, items: readonly QueuedEvent[], problem: CifKpiProblem): void;
}

export interface DeliveryQueueOptions {
  /** How long the first queued event waits for others to share its call, in ms. */
  flushDelay: number;
  /** Most events in one call. */
  maxBatch: number;
  /** Deadline of one call, in ms. */
  callTimeout: number;
  /** The CIF framework if it is usable now. */
  framework: () => CifFramework | undefined;
  reporter: DeliveryReporter;
}

interface FlushWaiter {
  upTo: number;
  resolve: () => void;
}

/**
 * Holds valid events and delivers them through `logAnalyticsEvent`: batched by context and event name,
 * one call in flight at a time so capture order is kept, nothing sent before the host is usable.
 */
export class DeliveryQueue {
  readonly options: DeliveryQueueOptions;
  #pending: QueuedEvent[] = [];
  #inFlight: QueuedEvent[] | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #nextSeq = 1;
  #waiters = new Map<number, (outcome: DeliveryOutcome) => void>();
  #flushWaiters: FlushWaiter[] = [];
  /** How many pending events share each key, so a full batch is seen without scanning. */
  #countByKey = new Map<string, number>();

  constructor(options: DeliveryQueueOptions) {
    this.options = options;
  }

  /** Events waiting to be sent (not counting the call in flight). */
  get size(): number {
    return this.#pending.length;
  }

  /** Events in the call in flight. */
  get inFlightSize(): number {
    return this.#inFlight?.length ?? 0;
  }

  /**
   * Queues a valid event. `onSettled`, when given, is called once with how its delivery ended.
   */
  enqueue(event: CifKpiEvent, context: DeliveryContext, onSettled?: (outcome: DeliveryOutcome) => void): void {
    const seq = this.#nextSeq++;
    const key = batchKey(context, event);
    this.#pending.push({ seq, event, context, key });
    this.#countByKey.set(key, (this.#countByKey.get(key) ?? 0) + 1);
    if (onSettled) this.#waiters.set(seq, onSettled);
    this.#schedule();
  }

  /**
   * Sends everything queued now without waiting for `flushDelay`. Resolves once every event queued before the
   * call has been delivered or rejected (it waits for the host to become usable).
   */
  flush(): Promise<void> {
    const upTo = this.#nextSeq - 1;
    if (this.#oldestOutstanding() > upTo) return Promise.resolve();
    return new Promise((resolve) => {
      this.#flushWaiters.push({ upTo, resolve });
      this.#clearTimer();
      this.pump();
    });
  }

  /** Tries to send now: call when the host becomes usable. */
  pump(): void {
    if (this.#inFlight || this.#pending.length === 0) return;
    const framework = this.options.framework();
    if (!framework) return;
    this.#clearTimer();
    const batch = this.#takeBatch();
    this.#inFlight = batch;
    const call = buildCall(
      batch[0]!.context,
      batch.map((item) => item.event),
    );
    void callLogAnalyticsEvent(framework, call, this.options.callTimeout).then((outcome) => {
      this.#inFlight = undefined;
      if (outcome.ok) {
        this.#settle(batch, { status: 'sent', call, result: outcome.result });
        this.options.reporter.sent(call, batch, outcome.result);
      } else {
        this.#settle(batch, { status: 'rejected', call, problem: outcome.problem });
        this.options.reporter.rejected(call, batch, outcome.problem);
      }
      this.#resolveFlushWaiters();
      // Events that arrived during the call have waited long enough: send them now.
      this.pump();
    });
  }

  /** Stops timers. Queued events stay queued. */
  pause(): void {
    this.#clearTimer();
  }

  #schedule(): void {
    if (this.#inFlight) return;
    // Without a host nothing can be sent; the host watcher calls pump() when it appears.
    if (!this.options.framework()) return;
    if (this.#flushWaiters.length > 0 || this.#headBatchIsFull()) {
      this.pump();
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.pump();
    }, Math.max(0, this.options.flushDelay));
  }

  #headBatchIsFull(): boolean {
    const head = this.#pending[0];
    return head !== undefined && (this.#countByKey.get(head.key) ?? 0) >= this.options.maxBatch;
  }

  /** The oldest event and every later one with the same key, up to `maxBatch`, in capture order. */
  #takeBatch(): QueuedEvent[] {
    const key = this.#pending[0]!.key;
    const max = Math.max(1, this.options.maxBatch);
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
      const waiter = this.#waiters.get(item.seq);
      if (!waiter) continue;
      this.#waiters.delete(item.seq);
      waiter(outcome);
    }
  }

  #oldestOutstanding(): number {
    return Math.min(this.#pending[0]?.seq ?? Infinity, this.#inFlight?.[0]?.seq ?? Infinity);
  }

  #resolveFlushWaiters(): void {
    if (this.#flushWaiters.length === 0) return;
    const oldest = this.#oldestOutstanding();
    const still: FlushWaiter[] = [];
    for (const waiter of this.#flushWaiters) {
      if (waiter.upTo < oldest) waiter.resolve();
      else still.push(waiter);
    }
    this.#flushWaiters = still;
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
