import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { DeliveryQueue, type DeliveryQueueOptions } from '../../src/queue/delivery-queue.js';
import type { QueuedEvent } from '../../src/queue/queued-event.js';
import { outboxProblems } from '../support/outbox-invariant.js';
import type { DeliveryOutcome, DropReason } from '../../src/vocabulary/logger-events.js';
import { SimulatedCifHost } from '../../src/testing/simulated-cif-host.js';
import type { CifAnalyticsCall, DeliveryContext } from '../../src/vocabulary/cif-contract.js';
import type { CifKpiProblem } from '../../src/vocabulary/problems.js';
import { CifHostWatcher, loadHostErrors } from '../../src/deliver/cif-host.js';
import { normaliseKpiEvent } from '../../src/normalise/kpi-event.js';

const ctx: DeliveryContext = { conversationId: 'c', providerSessionId: 'p' };
let nextId = 0;
const ev = (name: string, n = 0) => ({ kpiEventName: name, eventTimestamp: new Date(n).toISOString() });
/** An event's stored size, as normalising counts it (what the logger passes the queue). */
const sizeOf = (event: object) => {
  const result = normaliseKpiEvent(event, 0);
  if (!result.ok) throw new Error(result.problem.message);
  return result.size;
};
const item = (name: string, n = 0) => ({
  id: `t.${nextId++}`,
  event: ev(name, n),
  context: ctx,
  size: sizeOf(ev(name, n)),
});
type Item = { id: string; event: ReturnType<typeof ev>; context: DeliveryContext | undefined; size: number };
/** Queues `it` under its id (`t.<n>`: the queues here number their events after `t.`). */
const add = (q: DeliveryQueue, it: Item, onSettled?: (outcome: DeliveryOutcome) => void) =>
  q.enqueue(Number(it.id.slice(2)), it.event, it.context, onSettled, it.size);
/** An event captured before the ids were complete. */
const waiting = (name: string, n = 0) => ({
  id: `t.${nextId++}`,
  event: ev(name, n),
  context: undefined,
  size: sizeOf(ev(name, n)),
});
const stamps = (call: { data: unknown }) =>
  (call.data as { events: Array<{ eventTimestamp: string }> }).events.map((e) => new Date(e.eventTimestamp).getTime());

// A refusal is read by the host-errors chunk: loaded ahead of the fake clock, which its fetch does not follow.
before(() => loadHostErrors());
describe('DeliveryQueue', () => {
  let clock: sinon.SinonFakeTimers;
  let host: SimulatedCifHost;
  let sent: CifAnalyticsCall[];
  let attempts: Array<{ problem: CifKpiProblem; retryIn: number | undefined; count: number }>;
  let failed: Array<{ items: readonly QueuedEvent[]; problem: CifKpiProblem }>;
  let dropped: Array<{ items: readonly QueuedEvent[]; reason: DropReason }>;
  let changes: number;

  /** Where each event is, checked after every change of every queue of a test (test/support/outbox-invariant.ts). */
  let misplaced: string[];

  function queue(options: Partial<DeliveryQueueOptions> = {}): DeliveryQueue {
    const made: DeliveryQueue = new DeliveryQueue({
      flushDelay: 50,
      maxBatch: 100,
      callTimeout: 1000,
      maxRetries: 3,
      retryDelay: 100,
      maxQueue: 1000,
      contextTimeout: 60_000,
      host: new CifHostWatcher(window, 60_000),
      idPrefix: 't.',
      reporter: {
        queued: () => {},
        restored: () => {},
        sent: (call) => sent.push(call),
        attemptFailed: (_call, items, problem, retryIn) => attempts.push({ problem, retryIn, count: items.length }),
        failed: (items, problem) => failed.push({ items, problem }),
        dropped: (items, reason) => dropped.push({ items, reason }),
        changed: () => {
          changes++;
          misplaced.push(...outboxProblems(made));
        },
        hostReady: () => {},
      },
      ...options,
    });
    return made;
  }

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    host = new SimulatedCifHost({ initDelay: null, latency: 10 });
    sent = [];
    attempts = [];
    failed = [];
    dropped = [];
    changes = 0;
    misplaced = [];
  });
  afterEach(() => {
    host.uninstall();
    clock.restore();
    expect(misplaced).to.deep.equal([]);
  });

  describe('batching and order', () => {
    it('waits flushDelay, then sends events with the same key in one call', async () => {
      host.appear();
      const q = queue();
      add(q, item('A', 1));
      add(q, item('A', 2));
      await clock.tickAsync(49);
      expect(host.calls).to.have.length(0);
      await clock.tickAsync(1);
      expect(host.calls).to.have.length(1);
      expect(stamps(host.calls[0]!)).to.deep.equal([1, 2]);
      await clock.tickAsync(10);
      expect(sent).to.have.length(1);
      expect(q.stats).to.deep.include({ sent: 2, held: 0 });
    });

    it('keeps one call in flight and sends keys in the order of their oldest event', async () => {
      host.appear();
      const q = queue();
      add(q, item('A', 1));
      add(q, item('B', 2));
      add(q, item('A', 3));
      await clock.tickAsync(50);
      expect(host.calls.map((c) => c.eventName)).to.deep.equal(['A']);
      await clock.tickAsync(9);
      expect(host.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(host.calls.map((c) => c.eventName)).to.deep.equal(['A', 'B']);
      await clock.tickAsync(10);
      expect(sent.map(stamps)).to.deep.equal([[1, 3], [2]]);
    });

    it('splits at maxBatch and sends a full batch without waiting', async () => {
      host.appear();
      const q = queue({ maxBatch: 3 });
      for (let i = 0; i < 7; i++) add(q, item('A', i));
      await clock.tickAsync(0);
      expect(host.calls).to.have.length(1);
      await clock.tickAsync(100);
      expect(host.calls.map((c) => stamps(c).length)).to.deep.equal([3, 3, 1]);
    });

    it('sends nothing while the host is absent, then everything in capture order once pumped', async () => {
      const q = queue();
      add(q, item('A', 1));
      add(q, item('A', 2));
      await clock.tickAsync(5000);
      expect(q.size).to.equal(2);
      host.appear();
      q.pump();
      await clock.tickAsync(10);
      expect(sent.map(stamps)).to.deep.equal([[1, 2]]);
    });

    it('flush() sends without waiting for flushDelay and resolves once all earlier events settled', async () => {
      host.appear();
      const q = queue({ flushDelay: 60_000 });
      add(q, item('A'));
      add(q, item('B'));
      let flushed = false;
      void q.flush().then(() => (flushed = true));
      await clock.tickAsync(10);
      expect(flushed).to.equal(false);
      await clock.tickAsync(10);
      expect(flushed).to.equal(true);
      expect(host.calls).to.have.length(2);
    });

    it('flush() with nothing queued resolves at once', async () => {
      let flushed = false;
      void queue()
        .flush()
        .then(() => (flushed = true));
      await clock.tickAsync(0);
      expect(flushed).to.equal(true);
    });
  });

  describe('retries', () => {
    it('retries a rejected call with growing, jittered backoff, before anything newer', async () => {
      host.appear();
      host.queueReplies(
        { kind: 'reject', shape: 'map', message: 'busy' },
        { kind: 'reject', shape: 'map', message: 'busy' },
      );
      const q = queue({ flushDelay: 0 });
      const outcomes: DeliveryOutcome[] = [];
      add(q, item('A', 1), (o) => outcomes.push(o));
      await clock.tickAsync(10);
      add(q, item('B', 2));
      expect(attempts).to.have.length(1);
      const first = attempts[0]!.retryIn!;
      expect(first).to.be.within(50, 100);
      await clock.tickAsync(first + 10);
      expect(host.calls.map((c) => c.eventName)).to.deep.equal(['A', 'A']);
      const second = attempts[1]!.retryIn!;
      expect(second).to.be.within(100, 200);
      await clock.tickAsync(second + 20);
      expect(host.calls.map((c) => c.eventName)).to.deep.equal(['A', 'A', 'A', 'B']);
      expect(outcomes.map((o) => o.status)).to.deep.equal(['sent']);
      expect(q.stats).to.deep.include({ sent: 2, retried: 2, failed: 0, held: 0 });
    });

    it('gives up after maxRetries, keeps the events in failed, and retryFailed() sends them again', async () => {
      host.appear();
      host.setReply(() => ({ kind: 'reject', shape: 'object', message: 'Conversation closed' }));
      const q = queue({ flushDelay: 0, maxRetries: 2 });
      const outcomes: DeliveryOutcome[] = [];
      add(q, item('A', 1), (o) => outcomes.push(o));
      await clock.tickAsync(10_000);
      expect(host.calls).to.have.length(3);
      expect(attempts.map((a) => a.retryIn === undefined)).to.deep.equal([false, false, true]);
      expect(failed).to.have.length(1);
      expect(failed[0]!.problem.message).to.contain('Conversation closed');
      expect(outcomes).to.deep.equal([{ status: 'failed', problem: failed[0]!.problem }]);
      expect(q.failed.map((i) => i.attempts)).to.deep.equal([3]);
      expect(q.stats).to.deep.include({ failed: 1, held: 0 });

      host.setReply(undefined);
      const retried = q.retryFailed();
      await clock.tickAsync(20);
      await retried;
      expect(host.calls).to.have.length(4);
      expect(q.failed).to.have.length(0);
      expect(q.stats.sent).to.equal(1);
    });

    it('does not send again a timed-out call the host accepts late', async () => {
      host.appear();
      host.queueReplies({ kind: 'resolve', delay: 1500 });
      const q = queue({ flushDelay: 0, callTimeout: 1000, retryDelay: 2000 });
      const outcomes: DeliveryOutcome[] = [];
      add(q, item('A', 1), (o) => outcomes.push(o));
      await clock.tickAsync(1000);
      expect(attempts.map((a) => a.problem.code)).to.deep.equal(['host-timeout']);
      await clock.tickAsync(600);
      expect(outcomes.map((o) => o.status)).to.deep.equal(['sent']);
      await clock.tickAsync(10_000);
      expect(host.calls).to.have.length(1);
      expect(q.stats).to.deep.include({ sent: 1, retried: 0 });
    });

    it('retries a call that never answers', async () => {
      host.appear();
      host.queueReplies({ kind: 'stall' });
      const q = queue({ flushDelay: 0, callTimeout: 1000, retryDelay: 100 });
      add(q, item('A', 1));
      await clock.tickAsync(1200);
      expect(host.calls).to.have.length(2);
      expect(sent).to.have.length(1);
    });

    it('flush() skips the backoff of a pending retry', async () => {
      host.appear();
      host.queueReplies({ kind: 'reject', shape: 'map', message: 'busy' });
      const q = queue({ flushDelay: 0, retryDelay: 60_000 });
      add(q, item('A', 1));
      await clock.tickAsync(10);
      expect(attempts).to.have.length(1);
      const flushed = q.flush();
      await clock.tickAsync(10);
      await flushed;
      expect(sent).to.have.length(1);
    });
  });

  describe('bounds', () => {
    it('drops events beyond maxQueue and says so', async () => {
      const q = queue({ maxQueue: 3 });
      const outcomes: DeliveryOutcome[] = [];
      for (let i = 0; i < 5; i++) add(q, item('A', i), (o) => outcomes.push(o));
      expect(q.size).to.equal(3);
      expect(dropped.map((d) => [d.reason, d.items.length])).to.deep.equal([
        ['queue-full', 1],
        ['queue-full', 1],
      ]);
      expect(outcomes).to.deep.equal([
        { status: 'dropped', reason: 'queue-full' },
        { status: 'dropped', reason: 'queue-full' },
      ]);
      expect(q.stats).to.deep.include({ held: 3 });
    });

    it('holds at most maxQueue failed events, dropping the oldest', async () => {
      host.appear();
      host.setReply(() => ({ kind: 'reject', shape: 'map', message: 'no' }));
      const q = queue({ flushDelay: 0, maxRetries: 0, maxQueue: 2, maxBatch: 1 });
      for (let i = 0; i < 3; i++) {
        add(q, item('A', i));
        await clock.tickAsync(20);
      }
      expect(q.failed.map((i) => new Date(i.event.eventTimestamp).getTime())).to.deep.equal([1, 2]);
      expect(dropped.map((d) => d.reason)).to.deep.equal(['failed-overflow']);
    });
  });

  describe('ids not ready', () => {
    it('holds events without ids until recheck() finds theirs, then sends them first', async () => {
      host.appear();
      let ids: DeliveryContext | undefined = undefined;
      const q = queue({ flushDelay: 0, contextFor: () => ids });
      add(q, waiting('A', 1));
      add(q, waiting('A', 2));
      await clock.tickAsync(100);
      q.recheck();
      await clock.tickAsync(100);
      expect(host.calls).to.have.length(0);
      ids = { conversationId: 'late', providerSessionId: 'p' };
      q.recheck();
      await clock.tickAsync(20);
      expect(host.calls.map((c) => (c.data as { conversationId: string }).conversationId)).to.deep.equal(['late']);
      expect(stamps(host.calls[0]!)).to.deep.equal([1, 2]);
    });

    it('drops events whose ids never come within contextTimeout', async () => {
      const q = queue({ contextTimeout: 1000 });
      const outcomes: DeliveryOutcome[] = [];
      add(q, waiting('A', 1), (o) => outcomes.push(o));
      await clock.tickAsync(500);
      add(q, waiting('A', 2), (o) => outcomes.push(o));
      await clock.tickAsync(500);
      expect(dropped.map((d) => [d.reason, d.items.length])).to.deep.equal([['context-timeout', 1]]);
      await clock.tickAsync(500);
      expect(dropped.map((d) => [d.reason, d.items.length])).to.deep.equal([
        ['context-timeout', 1],
        ['context-timeout', 1],
      ]);
      expect(outcomes.map((o) => o.status)).to.deep.equal(['dropped', 'dropped']);
      expect(q.size).to.equal(0);
    });
  });

  describe('restore', () => {
    it('puts restored events before newer ones, skips ids it holds, and keeps failed ones failed', async () => {
      host.appear();
      const q = queue({ flushDelay: 0 });
      q.pause();
      await clock.tickAsync(10); // captured on this page: later than anything an earlier page left
      const newer = item('A', 5);
      add(q, newer);
      const old = { ...item('A', 1), attempts: 1, heldSince: 1 };
      const gaveUp = {
        ...item('A', 0),
        attempts: 4,
        heldSince: 0,
        problem: { code: 'host-rejected' as const, message: 'x' },
      };
      expect(q.restore([old, { ...newer, attempts: 0, heldSince: 5 }, gaveUp])).to.equal(2);
      q.resume();
      await clock.tickAsync(20);
      expect(host.calls.map(stamps)).to.deep.equal([[1, 5]]);
      expect(q.failed.map((i) => i.id)).to.deep.equal([gaveUp.id]);
      expect(changes).to.be.greaterThan(0);
    });
  });

  describe('resting', () => {
    it('tells `changed` after each change, and rests without timers or a wait for the library; what it holds next takes them again', async () => {
      // (The simulated library's own wait for each answer is the host's timer, not the queue's: left out here.)
      host = new SimulatedCifHost({ initDelay: null, latency: 10, libraryTimeout: null });
      let told = 0;
      let ids: typeof ctx | undefined = undefined;
      const q = queue({ changed: () => told++, contextFor: () => ids });
      q.watchHost(); // as a logger in the page does, the library not there yet
      add(q, waiting('W', 1));
      expect(told).to.equal(1);
      expect(clock.countTimers(), 'the context timeout and the poll for the library').to.equal(2);
      ids = ctx;
      q.recheck();
      host.appear();
      await clock.tickAsync(100);
      expect(host.calls).to.have.length(1);
      expect(q.size).to.equal(0);
      expect(told).to.equal(3);
      q.rest();
      expect(clock.countTimers(), 'not even the spent context timeout').to.equal(0);
      host.uninstall();
      add(q, item('Later', 2));
      expect(clock.countTimers(), 'the poll for the library, again').to.equal(1);
      host.appear();
      await clock.tickAsync(300);
      expect(host.calls).to.have.length(2);
    });
  });
});

describe('DeliveryQueue bounds', () => {
  const reporter = {
    queued: () => {},
    restored: () => {},
    sent: () => {},
    attemptFailed: () => {},
    failed: () => {},
    dropped: (items: readonly QueuedEvent[], reason: DropReason) => drops.push([reason, items.length]),
    changed: () => {},
    hostReady: () => {},
  };
  let drops: Array<[DropReason, number]>;
  beforeEach(() => (drops = []));
  const host = { framework: undefined, whenReady: () => () => {} };
  const ctx2: DeliveryContext = { conversationId: 'c', providerSessionId: 'p' };
  const event = (n: number) => ({
    kpiEventName: 'A',
    kpiEventReason: `r${n}`,
    eventTimestamp: new Date(n).toISOString(),
  });

  it('holds events within max-queue-bytes, counting their stored size', () => {
    const q = new DeliveryQueue({ host, reporter, maxQueueBytes: 2 * 1000 });
    let taken = 0;
    for (let n = 0; n < 20; n++) if (q.enqueue(n, event(n), ctx2, undefined, sizeOf(event(n)))) taken += 1;
    expect(taken).to.be.within(1, 19);
    expect(q.heldSize * 2).to.be.at.most(2000);
    expect(drops.every(([reason]) => reason === 'queue-full')).to.equal(true);
  });

  it('makes room for new events by dropping the oldest failed ones', () => {
    const q = new DeliveryQueue({ host, reporter, maxQueueBytes: 2 * 1000 });
    const failed = Array.from({ length: 4 }, (_, n) => ({
      id: `f.${n}`,
      event: event(n),
      context: ctx2,
      attempts: 6,
      heldSince: n,
      problem: { code: 'host-rejected' as const, message: 'x' },
      size: sizeOf(event(n)),
    }));
    q.restore(failed);
    expect(q.failed).to.have.length(4);
    for (let n = 0; n < 4; n++)
      expect(q.enqueue(n, event(10 + n), ctx2, undefined, sizeOf(event(10 + n))), `new event ${n}`).to.equal(true);
    expect(drops.map(([reason]) => reason)).to.include('failed-overflow');
    expect(q.failed.length).to.be.below(4);
    expect(q.heldSize * 2).to.be.at.most(2000);
  });
});
