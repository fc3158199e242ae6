/**
 * Where each held event is: waiting for ids, queued (by batch key), in the call in flight, awaiting its retry, or
 * given up (failed). Each held event is in exactly one of these, and its `state` says which: only the outbox moves
 * it. The outbox also keeps the bounds (count and stored size), tells persistence what changed, and settles the
 * event's waiters when it is done with; it knows nothing of timers, calls or retries.
 */
import { batchKey } from '../normalise/delivery-context.js';
import type { DeliveryContext } from '../vocabulary/cif-contract.js';
import type { DeliveryOutcome, DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';
import { Fifo } from './fifo.js';
import { NO_KEEPER, type QueueKeeper, type QueuedEvent } from './queued-event.js';

/** What the outbox asks of the queue around it. */
export interface OutboxHooks {
  /** The ids an event held without them is sent with, once they are complete. */
  contextFor(item: QueuedEvent): DeliveryContext | undefined;
  /** Events dropped without delivery. */
  dropped(items: readonly QueuedEvent[], reason: DropReason): void;
  /** The bounds in force. */
  bounds(): { maxQueue: number; maxQueueBytes: number };
}

/**
 * Every operation on an event costs O(1) whatever the outbox holds: queued events sit in one first-in-first-out list
 * per batch key, with one list of them all in capture order that says which key goes next (events taken since are
 * passed over when they reach its front); taking a batch takes from the front of its key's list, and an event that
 * nobody awaits is settled without any lookup.
 */
export class Outbox {
  keeper: QueueKeeper = NO_KEEPER;
  #hooks: OutboxHooks;
  /** Events whose ids were incomplete at capture, in capture order. */
  waiting: QueuedEvent[] = [];
  /** Queued events by batch key, each list in capture order. */
  #byKey = new Map<string, Fifo<QueuedEvent>>();
  /** Every queued event in capture order; events taken since are skipped when they reach the front. */
  #order = new Fifo<QueuedEvent>();
  /** How many events are queued. */
  queued = 0;
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

  /** Events held: waiting for ids, queued, in flight or awaiting retry. */
  get size(): number {
    return this.waiting.length + this.queued + (this.inFlight?.length ?? 0) + (this.retry?.length ?? 0);
  }

  /** Each place and what it holds, oldest first: what is held, then the failed events. */
  places(): Record<'retry' | 'in-flight' | 'pending' | 'waiting' | 'failed', readonly QueuedEvent[]> {
    return {
      retry: this.retry ?? [],
      'in-flight': this.inFlight ?? [],
      // An event queued again by `retryFailed()` is in the capture order twice: listed once.
      pending: [...new Set(this.#order.toArray().filter((item) => item.state === 'pending'))],
      waiting: this.waiting,
      failed: this.failed,
    };
  }

  /** A new event, of `size` (its ids not counted): held unless it does not fit, then dropped as `queue-full`. */
  hold(item: QueuedEvent, size: number): boolean {
    item.size = this.#withIds(size, item.context);
    if (!this.#fits(item.size) && !this.#makeRoom(item.size)) {
      this.drop([item], 'queue-full');
      return false;
    }
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
    for (const item of fresh) {
      item.size = this.#withIds(item.size!, item.context);
      item.key = undefined;
      item.waiters = undefined;
      if (item.problem) continue;
      if (this.#fits(item.size, held.length)) {
        held.push(item);
        this.bytes += item.size;
      } else overflow.push(item);
    }
    // Restored events are older than anything captured here, and may come from several earlier pages: everything
    // queued goes in the order it was captured (a merge of two lists in that order; of equal times, restored first).
    const queued = merge(
      held.sort((a, b) => a.heldSince - b.heldSince),
      this.places().pending,
    );
    const waiting = this.waiting;
    this.#byKey.clear();
    this.#order = new Fifo();
    this.queued = 0;
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
    const key = batchKey(item.context, item.event);
    item.key = key;
    item.state = 'pending';
    let list = this.#byKey.get(key);
    if (list === undefined) this.#byKey.set(key, (list = new Fifo()));
    list.push(item);
    this.#order.push(item);
    this.queued += 1;
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
    const head = this.#head();
    return head !== undefined && this.#byKey.get(head.key!)!.length >= maxBatch;
  }

  /** Puts in flight the oldest event and every later one with the same key, up to `maxBatch`, in capture order. */
  takeBatch(maxBatch: number): QueuedEvent[] {
    const key = this.#head()!.key!;
    const list = this.#byKey.get(key)!;
    const batch: QueuedEvent[] = [];
    for (let n = Math.min(list.length, Math.max(1, maxBatch)); n > 0; n--) {
      const item = list.shift()!;
      item.state = 'in-flight';
      batch.push(item);
    }
    if (list.length === 0) this.#byKey.delete(key);
    this.queued -= batch.length;
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
    for (const item of late) {
      if (item.state !== 'pending') continue;
      this.#byKey.get(item.key!)?.retain(keep);
      this.queued -= 1; // passed over when it reaches the front of the capture order, once settled
    }
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
    const { maxQueue, maxQueueBytes } = this.#hooks.bounds();
    let excess = Math.max(0, this.failed.length - maxQueue);
    let size = this.bytes;
    while (excess < this.failed.length && size * 2 > maxQueueBytes) size -= this.failed[excess++]!.size!;
    if (excess > 0) this.drop(this.failed.splice(0, excess), 'failed-overflow', false);
  }

  /**
   * Whether an event of `size` fits the bounds: count (`maxQueue` held) and size (`maxQueueBytes`, counting failed
   * events too). `extra` events are about to be added.
   */
  #fits(size: number, extra = 0): boolean {
    const { maxQueue, maxQueueBytes } = this.#hooks.bounds();
    return this.size + extra < maxQueue && (this.bytes + size) * 2 <= maxQueueBytes;
  }

  /**
   * Makes room for an event of `size` by dropping the oldest failed events (`failed-overflow`): events given up
   * on make way for new ones. False when even that is not enough.
   */
  #makeRoom(size: number): boolean {
    const { maxQueue, maxQueueBytes } = this.#hooks.bounds();
    if (this.size >= maxQueue) return false;
    let n = 0;
    let total = this.bytes + size;
    while (n < this.failed.length && total * 2 > maxQueueBytes) total -= this.failed[n++]!.size!;
    if (total * 2 > maxQueueBytes) return false;
    this.drop(this.failed.splice(0, n), 'failed-overflow', false);
    return true;
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

  /** The oldest queued event (events taken since their turn in the capture order are passed over). */
  #head(): QueuedEvent | undefined {
    let head = this.#order.peek();
    while (head !== undefined && head.state !== 'pending') {
      this.#order.shift();
      head = this.#order.peek();
    }
    return head;
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

/** Two lists in capture order as one, in capture order; of equal times, `first`'s go first. */
function merge(first: readonly QueuedEvent[], second: readonly QueuedEvent[]): QueuedEvent[] {
  const out: QueuedEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) {
    out.push(first[i]!.heldSince <= second[j]!.heldSince ? first[i++]! : second[j++]!);
  }
  return out.concat(first.slice(i), second.slice(j));
}
