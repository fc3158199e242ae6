/**
 * The outbox's bounds, and what gives way at them: at most `maxQueue` events held, and at most `maxQueueBytes` for
 * the stored size (characters × 2, UTF-16) of everything held and failed. A new event that does not fit takes the
 * place of the oldest failed events (events given up on make way for new ones), or is not held at all; failed
 * events beyond the bounds go, oldest first. This module only decides: the outbox moves and drops the events.
 */
import type { QueuedEvent } from './queued-event.js';

/** The bounds in force. */
export interface Bounds {
  maxQueue: number;
  maxQueueBytes: number;
}

/** What the outbox holds, as the bounds count it. */
export interface Load {
  /** Events held: waiting for ids, queued, in flight or awaiting retry. */
  readonly size: number;
  /** The stored size of everything held and failed. */
  readonly bytes: number;
  /** Events given up after their last retry, oldest first: the first to give way. */
  readonly failed: readonly QueuedEvent[];
}

/** Whether an event of `size` fits as things are, with `extra` more events about to be held. */
export function fits({ maxQueue, maxQueueBytes }: Bounds, load: Load, size: number, extra = 0): boolean {
  return load.size + extra < maxQueue && (load.bytes + size) * 2 <= maxQueueBytes;
}

/**
 * How many of the oldest failed events must go for a new event of `size` to fit: 0 when it fits as things are, -1
 * when it cannot (`maxQueue` events held already, or too large even with every failed event gone).
 */
export function roomFor({ maxQueue, maxQueueBytes }: Bounds, load: Load, size: number): number {
  if (load.size >= maxQueue) return -1;
  let n = 0;
  let total = load.bytes + size;
  while (n < load.failed.length && total * 2 > maxQueueBytes) total -= load.failed[n++]!.size!;
  return total * 2 > maxQueueBytes ? -1 : n;
}

/**
 * How many of the oldest failed events are beyond the bounds: those beyond `maxQueue` of them, then more while
 * everything held and failed is beyond `maxQueueBytes`.
 */
export function failedOverflow({ maxQueue, maxQueueBytes }: Bounds, load: Load): number {
  const beyond = load.failed.length - maxQueue;
  let excess = 0;
  let size = load.bytes;
  while (excess < load.failed.length && (excess < beyond || size * 2 > maxQueueBytes))
    size -= load.failed[excess++]!.size!;
  return excess;
}
