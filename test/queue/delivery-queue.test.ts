import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { DeliveryQueue, type DeliveryOutcome, type DeliveryQueueOptions } from '../../src/queue/delivery-queue.js';
import { SimulatedCifHost } from '../../src/testing/simulated-cif-host.js';
import type { CifAnalyticsCall, DeliveryContext } from '../../src/normalise/delivery-context.js';
import type { CifKpiProblem } from '../../src/report/problems.js';
import { findCifFramework } from '../../src/deliver/cif-host.js';

const ctx: DeliveryContext = { conversationId: 'c', providerSessionId: 'p' };
const ev = (name: string, n = 0) => ({ kpiEventName: name, eventTimestamp: new Date(n).toISOString() });

describe('DeliveryQueue', () => {
  let clock: sinon.SinonFakeTimers;
  let host: SimulatedCifHost;
  let sent: CifAnalyticsCall[];
  let rejected: Array<[CifAnalyticsCall, CifKpiProblem]>;

  function queue(options: Partial<DeliveryQueueOptions> = {}): DeliveryQueue {
    return new DeliveryQueue({
      flushDelay: 50,
      maxBatch: 100,
      callTimeout: 1000,
      framework: () => findCifFramework(window),
      reporter: { sent: (call) => sent.push(call), rejected: (call, _items, p) => rejected.push([call, p]) },
      ...options,
    });
  }

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    host = new SimulatedCifHost({ initDelay: null, latency: 10 });
    sent = [];
    rejected = [];
  });
  afterEach(() => {
    host.uninstall();
    clock.restore();
  });

  it('waits flushDelay, then sends events with the same key in one call', async () => {
    host.appear();
    const q = queue();
    q.enqueue(ev('A', 1), ctx);
    q.enqueue(ev('A', 2), ctx);
    await clock.tickAsync(49);
    expect(host.calls).to.have.length(0);
    await clock.tickAsync(1);
    expect(host.calls).to.have.length(1);
    expect((host.calls[0]!.data as { events: unknown[] }).events).to.deep.equal([ev('A', 1), ev('A', 2)]);
    await clock.tickAsync(10);
    expect(sent).to.have.length(1);
  });

  it('keeps one call in flight and sends keys in the order of their oldest event', async () => {
    host.appear();
    const q = queue();
    q.enqueue(ev('A', 1), ctx);
    q.enqueue(ev('B', 2), ctx);
    q.enqueue(ev('A', 3), ctx);
    await clock.tickAsync(50);
    expect(host.calls.map((c) => c.eventName)).to.deep.equal(['A']);
    expect(q.inFlightSize).to.equal(2);
    await clock.tickAsync(10);
    expect(host.calls.map((c) => c.eventName)).to.deep.equal(['A', 'B']);
    expect(host.calls[1]!.at - host.calls[0]!.at).to.be.at.least(10);
    await clock.tickAsync(10);
    expect(sent.map((c) => c.data.events.map((e) => e.eventTimestamp))).to.deep.equal([
      [ev('A', 1).eventTimestamp, ev('A', 3).eventTimestamp],
      [ev('B', 2).eventTimestamp],
    ]);
  });

  it('splits at maxBatch and sends a full batch without waiting', async () => {
    host.appear();
    const q = queue({ maxBatch: 3 });
    for (let i = 0; i < 7; i++) q.enqueue(ev('A', i), ctx);
    await clock.tickAsync(0);
    expect(host.calls).to.have.length(1);
    await clock.tickAsync(100);
    expect(host.calls.map((c) => (c.data as { events: unknown[] }).events.length)).to.deep.equal([3, 3, 1]);
  });

  it('sends nothing while the host is absent, then everything in capture order once it is pumped', async () => {
    const q = queue();
    q.enqueue(ev('A', 1), ctx);
    q.enqueue(ev('A', 2), ctx);
    await clock.tickAsync(5000);
    expect(q.size).to.equal(2);
    host.appear();
    q.pump();
    await clock.tickAsync(10);
    expect(sent).to.have.length(1);
    expect(sent[0]!.data.events.map((e) => e.eventTimestamp)).to.deep.equal([ev('A', 1).eventTimestamp, ev('A', 2).eventTimestamp]);
  });

  it('settles each event with its outcome and reports rejections', async () => {
    host.appear();
    host.queueReplies({ kind: 'reject', shape: 'json', message: 'Bad conversation' });
    const q = queue();
    const outcomes: DeliveryOutcome[] = [];
    q.enqueue(ev('A'), ctx, (o) => outcomes.push(o));
    q.enqueue(ev('B'), ctx, (o) => outcomes.push(o));
    await clock.tickAsync(100);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'sent']);
    expect(rejected[0]![1]).to.deep.equal({ code: 'host-rejected', message: 'Bad conversation (logAnalyticsEvent)' });
  });

  it('flush() sends without waiting for flushDelay and resolves once all earlier events settled', async () => {
    host.appear();
    const q = queue({ flushDelay: 60_000 });
    q.enqueue(ev('A'), ctx);
    q.enqueue(ev('B'), ctx);
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
    void queue().flush().then(() => (flushed = true));
    await clock.tickAsync(0);
    expect(flushed).to.equal(true);
  });
});
