import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { failedOverflow, roomFor } from '../../src/queue/outbox-bounds.js';
import type { QueuedEvent } from '../../src/queue/queued-event.js';
import { propertyRuns } from '../support/harness.js';

const event = (size: number) => ({ size }) as QueuedEvent;
/** What the outbox holds: `held` events held, failed events of these sizes, and the stored size of both. */
const load = (held: number, heldBytes: number, failed: number[]) => ({
  size: held,
  bytes: heldBytes + failed.reduce((sum, size) => sum + size, 0),
  failed: failed.map(event),
});

/** The simple reading of the bounds, the oracle: the oldest failed event goes while either bound is passed. */
function overflowOneByOne(maxQueue: number, maxQueueBytes: number, l: ReturnType<typeof load>): number {
  let n = 0;
  let bytes = l.bytes;
  while (n < l.failed.length && (l.failed.length - n > maxQueue || bytes * 2 > maxQueueBytes))
    bytes -= l.failed[n++]!.size!;
  return n;
}

describe('the outbox bounds', () => {
  it('let go of no more failed events than the bounds need, counting those beyond max-queue as gone', () => {
    // Four failed events of 10 characters, max-queue 3, 70 bytes (35 characters): the oldest goes by count, and the
    // three left (30 characters) fit.
    expect(failedOverflow({ maxQueue: 3, maxQueueBytes: 70 }, load(0, 0, [10, 10, 10, 10]))).to.equal(1);
  });

  it('give way as the oldest-first reading of the bounds says, for any load', async () => {
    const runs = await propertyRuns(500, 20261203);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 80 }),
        (maxQueue, maxQueueBytes, held, heldBytes, failed, size) => {
          const bounds = { maxQueue, maxQueueBytes };
          const l = load(held, heldBytes, failed);
          expect(failedOverflow(bounds, l)).to.equal(overflowOneByOne(maxQueue, maxQueueBytes, l));
          // A new event: held if it fits once enough of the oldest failed events are gone, the fewest that do.
          const room = roomFor(bounds, l, size);
          let n = 0;
          let bytes = l.bytes + size;
          while (n < failed.length && bytes * 2 > maxQueueBytes) bytes -= failed[n++]!;
          const expected = held >= maxQueue || bytes * 2 > maxQueueBytes ? -1 : n;
          expect(room).to.equal(expected);
        },
      ),
      runs,
    );
  });
});
