/**
 * Where each held event is: waiting for ids, queued (by batch key), in the call in flight, awaiting its retry, or
 * given up (failed). Each held event is in exactly one of these, and its `state` says which: only the outbox moves
 * it. The outbox also keeps the bounds (count and stored size; outbox-bounds.ts decides what fits and what gives
 * way), tells persistence what changed, and settles the event's waiters when it is done with; it knows nothing of
 * timers, calls or retries.
 */
import { batchKey } from '../normalise/delivery-context.js';
import type { DeliveryContext } from '../vocabulary/cif-contract.js';
import type { DeliveryOutcome, DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';
import { type Bounds, failedOverflow, fits, roomFor } from './outbox-bounds.js';
import { QueuedByKey, inCaptureOrder } from './queued-by-key.js';
import { NO_KEEPER, type QueueKeeper, type QueuedEvent } from './queued-event.js';

/** What the outbox asks of the queue around it. */
export interface OutboxHooks {
  /** The ids an event held without them is sent with, once they are complete. */
  contextFor(item: QueuedEvent): DeliveryContext | undefined;
  /** Events dropped without delivery. */
  dropped(items: readonly QueuedEvent[], reason: DropReason): void;
  /** The bounds in force. */
  bounds(): Bounds;
}

/**
 * Every operation on an event costs O(1) whatever the outbox holds: queued events are kept by batch key
 * (queued-by-key.ts), so taking a batch takes from the front of its key's list, and an event that nobody awaits is
 * settled without any lookup.
 */
export class Outbox {
  keeper: QueueKeeper = NO_KEEPER;
  #hooks: OutboxHooks;
  /** Events whose ids were incomplete at capture, in capture order. */
  waiting: QueuedEvent[] = [];
  /** Queued events, by batch key and in capture order. */
  #queued = new QueuedByKey();
  /** The events of the call in flight. */
  inFlight: QueuedEvent[] | undefined;
  /** The events of a failed call, awaiting their retry. */
  retry: QueuedEvent[] | undefined;
  /** Events given up after their last retry, oldest first. */
  failed: QueuedEvent[] = [];
  /** The stored size of everything held and failed. */
  bytes = 0;
  /**
   * The ids whose stored size was counted last. Ids are stored once per segment of events in a row: an event
   * whose ids differ from the event before it pays for them.
   */
  #counted: DeliveryContext | undefined;

  constructor(hooks: OutboxHooks) {
    this.#hooks = hooks;
  }

  /** How many events are queued. */
  get queued(): number {
    return this.#queued.length;
  }

  /** Events held: waiting for ids, queued, in flight or awaiting retry. */
  get size(): number {
    return this.waiting.length + this.queued + (this.inFlight?.length ?? 0) + (this.retry?.length ?? 0);
  }

  /** Each place and what it holds, oldest first: what is held, then the failed events. */
  places(): Record<'retry' | 'in-flight' | 'pending' | 'waiting' | 'failed', readonly QueuedEvent[]> {
    return {
      retry: this.retry ?? [],
      'in-flight': this.inFlight ?? [],
      pending: this.#queued.toArray(),
      waiting: this.waiting,
      failed: this.failed,
    };
  }

  /**
   * A new event, of `size` (its ids not counted): held, the oldest failed events dropped to make room if need be
   * (`failed-overflow`); dropped as `queue-full` when even that is not enough.
   */
  hold(item: QueuedEvent, size: number): boolean {
    item.size = this.#withIds(size, item.context);
    const room = roomFor(this.#hooks.bounds(), this, item.size);
    if (room < 0) {
      this.drop([item], 'queue-full');
      return false;
    }
    if (room > 0) this.drop(this.failed.splice(0, room), 'failed-overflow', false);
    this.bytes += item.size;
    this.admit(item);
    this.keeper.held(item);
    return true;
  }

  /**
   * Events stored by an earlier page: held ones go before anything captured since (they are older), failed ones
   * back to `failed`; held ones beyond the bounds are dropped. Each comes with its `size` as normalising it again
   * counted it.
   */
  restore(fresh: readonly QueuedEvent[]): void {
    const held: QueuedEvent[] = [];
    const overflow: QueuedEvent[] = [];
    const bounds = this.#hooks.bounds();
    for (const item of fresh) {
      item.size = this.#withIds(item.size!, item.context);
      item.key = undefined;
      item.waiters = undefined;
      if (item.problem) continue;
      if (fits(bounds, this, item.size, held.length)) {
        held.push(item);
        this.bytes += item.size;
      } else overflow.push(item);
    }
    // Restored events are older than anything captured here, and may come from several earlier pages: everything
    // queued goes in the order it was captured (a merge of two lists in that order; of equal times, restored first).
    const queued = inCaptureOrder(
      held.sort((a, b) => a.heldSince - b.heldSince),
      this.#queued.toArray(),
    );
    const waiting = this.waiting;
    this.#queued = new QueuedByKey();
    this.waiting = [];
    for (const item of [...queued, ...waiting]) this.admit(item);
    for (const item of fresh) {
      if (!item.problem) continue;
      item.state = 'failed';
      this.bytes += item.size!;
      this.failed.push(item);
    }
    for (const item of fresh) if (item.state !== undefined) this.keeper.held(item);
    this.trimFailed();
    if (overflow.length > 0) this.drop(overflow, 'queue-full');
  }

  /** Places an event by whether its ids are complete; one without them takes its ids if they are known now. */
  admit(item: QueuedEvent): void {
    if (!item.context) {
      const context = this.#hooks.contextFor(item);
      if (context) this.#stamp(item, context);
    }
    if (!item.context) {
      item.state = 'waiting';
      this.waiting.push(item);
      return;
    }
    item.key = batchKey(item.context, item.event);
    item.state = 'pending';
    this.#queued.push(item);
  }

  /** The ids in force changed: events that waited and now have their ids are queued. Returns whether any was. */
  recheck(): boolean {
    const waiting = this.waiting;
    this.waiting = [];
    let queued = false;
    for (const item of waiting) {
      this.admit(item);
      if (item.context) {
        this.keeper.changed(item);
        queued = true;
      }
    }
    return queued;
  }

  /** Drops the events that waited for ids since `limit` or before (`context-timeout`). */
  expireWaiting(limit: number): void {
    const expired = this.waiting.filter((item) => item.heldSince <= limit);
    if (expired.length === 0) return;
    this.waiting = this.waiting.filter((item) => item.heldSince > limit);
    this.drop(expired, 'context-timeout');
  }

  /** Whether the oldest queued event's batch has `maxBatch` events. */
  headBatchIsFull(maxBatch: number): boolean {
    return this.#queued.headBatchIsFull(maxBatch);
  }

  /** Puts in flight the oldest event and every later one with the same key, up to `maxBatch`, in capture order. */
  takeBatch(maxBatch: number): QueuedEvent[] {
    const batch = this.#queued.takeBatch(maxBatch);
    for (const item of batch) item.state = 'in-flight';
    return (this.inFlight = batch);
  }

  /** Puts the events awaiting their retry in flight. */
  takeRetry(): QueuedEvent[] {
    const batch = this.retry!;
    this.retry = undefined;
    for (const item of batch) item.state = 'in-flight';
    return (this.inFlight = batch);
  }

  /** The call in flight was answered: those of its events still in flight (none was accepted late meanwhile). */
  answered(batch: readonly QueuedEvent[]): QueuedEvent[] {
    this.inFlight = undefined;
    return batch.filter((item) => item.state === 'in-flight');
  }

  /** Events of a failed call await their retry. */
  toRetry(batch: QueuedEvent[]): void {
    for (const item of batch) item.state = 'retry';
    this.retry = batch;
  }

  /** Events given up after their last retry: kept in `failed`, within the bounds. */
  giveUp(batch: QueuedEvent[], reason: CifKpiProblem): void {
    for (const item of batch) {
      item.problem = reason;
      item.state = 'failed';
      this.keeper.changed(item);
    }
    this.failed.push(...batch);
    settleWaiters(batch, { status: 'failed', problem: reason });
  }

  /**
   * Events of a call accepted late: those not done with yet are taken from wherever they are now (an event in
   * flight again is done now: that call's answer is then ignored), for the caller to settle as sent.
   */
  takeLate(batch: readonly QueuedEvent[]): QueuedEvent[] {
    const late = batch.filter((item) => item.state !== 'done');
    if (late.length === 0) return late;
    const lateSet = new Set(late);
    const keep = (item: QueuedEvent) => !lateSet.has(item);
    if (this.retry) {
      this.retry = this.retry.filter(keep);
      if (this.retry.length === 0) this.retry = undefined;
    }
    if (this.inFlight) this.inFlight = this.inFlight.filter(keep);
    this.failed = this.failed.filter(keep);
    this.#queued.remove(late.filter((item) => item.state === 'pending')); // passed over in capture order once settled
    return late;
  }

  /** Puts the failed events back in the queue with fresh retries. */
  requeueFailed(): void {
    const failed = this.failed;
    this.failed = [];
    for (const item of failed) {
      item.attempts = 0;
      item.problem = undefined;
      this.admit(item);
      this.keeper.changed(item);
    }
  }

  /** Drops events; `settle` is false for failed events, whose waiters heard already. */
  drop(items: QueuedEvent[], reason: DropReason, settle = true): void {
    if (settle) this.settle(items, { status: 'dropped', reason });
    else this.#release(items);
    this.#hooks.dropped(items, reason);
  }

  /** Events done with: their waiters hear how it ended, and they leave the bounds and storage. */
  settle(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
    settleWaiters(items, outcome);
    this.#release(items);
  }

  /** Failed events are kept for `retryFailed()` within the bounds: the oldest go first. */
  trimFailed(): void {
    const excess = failedOverflow(this.#hooks.bounds(), this);
    if (excess > 0) this.drop(this.failed.splice(0, excess), 'failed-overflow', false);
  }

  /** `size` and, when they differ from the last ones counted, the stored size of `context`. */
  #withIds(size: number, context: DeliveryContext | undefined): number {
    if (context === undefined || context === this.#counted) return size;
    this.#counted = context;
    return size + JSON.stringify(context).length + 1;
  }

  /** Gives an event that waited the ids it is sent with, counting their size. */
  #stamp(item: QueuedEvent, context: DeliveryContext): void {
    item.context = context;
    const size = this.#withIds(item.size!, context);
    if (item.state !== undefined) this.bytes += size - item.size!;
    item.size = size;
  }

  #release(items: readonly QueuedEvent[]): void {
    for (const item of items) {
      if (item.state === undefined || item.state === 'done') continue; // never admitted, or released already
      item.state = 'done';
      this.bytes -= item.size!;
      this.keeper.gone(item);
    }
  }
}

function settleWaiters(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
  for (const item of items) {
    const waiters = item.waiters;
    if (waiters === undefined) continue; // the common case: nobody awaits it
    item.waiters = undefined;
    for (const waiter of waiters) waiter(outcome);
  }
}
