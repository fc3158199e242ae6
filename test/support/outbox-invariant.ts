import type { DeliveryQueue } from '../../src/queue/delivery-queue.js';

/**
 * What is wrong with where `queue`'s outbox has its events, if anything: each held or failed event must be in exactly
 * one place, its `state` must name that place, and the counts and stored size the queue reports must be theirs.
 */
export function outboxProblems(queue: DeliveryQueue): string[] {
  const problems: string[] = [];
  const seen = new Map<object, string>();
  let size = 0;
  let held = 0;
  for (const [place, items] of Object.entries(queue.places())) {
    for (const item of items) {
      const other = seen.get(item);
      if (other) problems.push(`${item.id} is both ${other} and ${place}`);
      seen.set(item, place);
      if (item.state !== place) problems.push(`${item.id} is ${place} but its state says ${item.state}`);
      size += item.size ?? NaN;
      if (place !== 'failed') held += 1;
    }
  }
  if (held !== queue.size) problems.push(`${held} events held, the queue says ${queue.size}`);
  if (size !== queue.heldSize) problems.push(`held events take ${size}, the queue says ${queue.heldSize}`);
  if (queue.places().failed.length !== queue.failed.length) problems.push('failed events listed twice over');
  return problems;
}
