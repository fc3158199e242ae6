/**
 * The outbox's queued events, kept so that taking a batch costs the batch whatever is queued: one
 * first-in-first-out list per batch key, with one list of them all in capture order that says which key goes next.
 * It only stores them: the outbox decides where each event is and writes its `state`; this reads it to pass over
 * the events the outbox has moved elsewhere since (their `state` is no longer `pending`) when they reach the front
 * of the capture order. Also how two lists in capture order become one (events taken over from an earlier page).
 */
import { Fifo } from './fifo.js';
import type { QueuedEvent } from './queued-event.js';

export class QueuedByKey {
  /** Queued events by batch key, each list in capture order. */
  #byKey = new Map<string, Fifo<QueuedEvent>>();
  /** Every queued event in capture order; events taken since are skipped when they reach the front. */
  #order = new Fifo<QueuedEvent>();
  /** How many events are queued. */
  length = 0;

  /** Queues an event that has its `key`, last. */
  push(item: QueuedEvent): void {
    let list = this.#byKey.get(item.key!);
    if (list === undefined) this.#byKey.set(item.key!, (list = new Fifo()));
    list.push(item);
    this.#order.push(item);
    this.length += 1;
  }

  /** Whether the oldest queued event's batch has `maxBatch` events. */
  headBatchIsFull(maxBatch: number): boolean {
    const head = this.#head();
    return head !== undefined && this.#byKey.get(head.key!)!.length >= maxBatch;
  }

  /** Takes the oldest event and every later one with the same key, up to `maxBatch` (at least one), in order. */
  takeBatch(maxBatch: number): QueuedEvent[] {
    const key = this.#head()!.key!;
    const list = this.#byKey.get(key)!;
    const batch: QueuedEvent[] = [];
    for (let n = Math.min(list.length, Math.max(1, maxBatch)); n > 0; n--) batch.push(list.shift()!);
    if (list.length === 0) this.#byKey.delete(key);
    this.length -= batch.length;
    return batch;
  }

  /**
   * Takes out queued events (a rare operation: O(n)). They stay in the capture order until they reach its front:
   * the outbox moves them elsewhere, and they are passed over then.
   */
  remove(items: readonly QueuedEvent[]): void {
    const gone = new Set(items);
    const keep = (item: QueuedEvent) => !gone.has(item);
    for (const item of items) {
      this.#byKey.get(item.key!)?.retain(keep);
      this.length -= 1;
    }
  }

  /** The queued events in capture order. */
  toArray(): QueuedEvent[] {
    // An event queued again by `retryFailed()` is in the capture order twice: listed once.
    return [...new Set(this.#order.toArray().filter((item) => item.state === 'pending'))];
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
}

/** Two lists in capture order as one, in capture order; of equal times, `first`'s go first. */
export function inCaptureOrder(first: readonly QueuedEvent[], second: readonly QueuedEvent[]): QueuedEvent[] {
  const out: QueuedEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) {
    out.push(first[i]!.heldSince <= second[j]!.heldSince ? first[i++]! : second[j++]!);
  }
  return out.concat(first.slice(i), second.slice(j));
}
