import { expect, waitUntil } from '@open-wc/testing';
import sinon from 'sinon';
import { QueuePersistence, SEGMENT_SIZE, type PersistedQueue } from '../../src/persist/queue-persistence.js';
import type { QueueKeeper, QueuedEvent } from '../../src/queue/queued-event.js';
import { parseEntry } from '../../src/persist/stored-segments.js';
import type { CifKpiProblem } from '../../src/vocabulary/problems.js';
import { nextTask } from '../support/tasks.js';
import { normaliseKpiEvent } from '../../src/normalise/kpi-event.js';

let nextOwner = 0;

/** A queue stand-in holding `items`: it tells persistence what a real queue would, when the test says so. */
function setUp(items: QueuedEvent[] = []) {
  const calls: string[] = [];
  let keeper: QueueKeeper | undefined;
  const queue: PersistedQueue = {
    snapshot: () => items.filter((item) => item.state !== 'done'),
    restore: (restored) => (calls.push(`restore ${restored.length}`), restored.length),
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    keep: (k) => (keeper = k),
  };
  const problems: CifKpiProblem[] = [];
  const owner = `test-${Date.now()}-${nextOwner++}`;
  const persistence = new QueuePersistence(
    queue,
    owner,
    (p) => problems.push(p),
    (count) => calls.push(`unreadable ${count}`),
  );
  const keys = () => Object.keys(sessionStorage).filter((key) => key.startsWith(`cif-kpi-logger:v2:${owner}:`));
  return {
    persistence,
    calls,
    problems,
    keeper: () => keeper!,
    /** The reasons of the events stored, in segment order. */
    stored: () =>
      keys()
        .sort((a, b) => Number(a.split(':').pop()) - Number(b.split(':').pop()))
        .flatMap((key) =>
          parseEntry(sessionStorage.getItem(key), normaliseKpiEvent).items.map((item) => item.event.kpiEventReason),
        ),
    segments: () => keys().length,
    add: (item: QueuedEvent) => {
      items.push(item);
      item.state = 'pending';
      keeper!.held(item);
    },
    settle: (item: QueuedEvent) => {
      item.state = 'done';
      keeper!.gone(item);
    },
  };
}

const event = (reason: string): QueuedEvent => ({
  id: `e.${reason}`,
  event: { kpiEventName: 'A', kpiEventReason: reason, eventTimestamp: '2026-12-01T10:00:00.000Z' },
  context: { conversationId: 'c', providerSessionId: 'p' },
  attempts: 0,
  heldSince: 0,
  problem: undefined,
});

describe('QueuePersistence', () => {
  // Test files share the tab's sessionStorage: start without queues an earlier file left.
  beforeEach(() => {
    for (const key of Object.keys(sessionStorage))
      if (key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);
  });
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => {
    clock?.restore();
    clock = undefined;
    sinon.restore();
  });
  const fakeTimers = () => (clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));

  it('pauses the queue while it reads back what an earlier page left, then resumes it', async () => {
    const { persistence, calls } = setUp();
    persistence.enable();
    expect(calls).to.deep.equal(['pause']);
    await waitUntil(() => calls.length === 2, 'the queue resumed');
    expect(calls, 'nothing was left').to.deep.equal(['pause', 'resume']);
    persistence.disable();
  });

  it('writes new events within the save interval, once however many there are', async () => {
    const t = setUp();
    t.persistence.enable();
    const timers = fakeTimers();
    t.add(event('one'));
    t.add(event('two'));
    await timers.tickAsync(999);
    expect(t.stored()).to.deep.equal([]);
    await timers.tickAsync(1);
    expect(t.stored()).to.deep.equal(['one', 'two']);
    expect(t.segments()).to.equal(1);
    t.persistence.disable();
  });

  it('writes a burst at the save interval like any event: what was delivered by then is never written', async () => {
    const t = setUp();
    t.persistence.enable();
    const timers = fakeTimers();
    const items = Array.from({ length: 3 * SEGMENT_SIZE + 1 }, (_, i) => event(`e${i}`));
    items.forEach(t.add);
    await timers.tickAsync(0);
    expect(t.segments(), 'full segments wait for the interval too').to.equal(0);
    for (const item of items.slice(0, 150)) t.settle(item);
    await timers.tickAsync(999);
    expect(t.segments()).to.equal(0);
    await timers.tickAsync(1);
    expect(t.stored(), 'only what is still held').to.deep.equal(
      items.slice(150).map((item) => item.event.kpiEventReason),
    );
    expect(t.segments()).to.equal(2);
    for (const item of items.slice(150, 150 + SEGMENT_SIZE)) t.settle(item);
    expect(t.segments(), 'a segment whose events are all settled is removed').to.equal(1);
    for (const item of items.slice(150 + SEGMENT_SIZE)) t.settle(item);
    await timers.tickAsync(1000);
    expect(t.stored()).to.deep.equal([]);
    t.persistence.disable();
  });

  it('a write too large for one task goes on in the next ones until every event is written', async () => {
    const t = setUp();
    t.persistence.enable();
    const timers = fakeTimers();
    // 3,000 characters each: a task writes one segment of 100 (the budget is 250,000 characters).
    const items = Array.from({ length: 2 * SEGMENT_SIZE + 50 }, (_, i) => ({ ...event(`e${i}`), size: 3000 }));
    items.forEach(t.add);
    await timers.tickAsync(1000);
    expect(t.stored()).to.have.length(SEGMENT_SIZE);
    // (A timer of 0 ms set while fake timers tick is due 1 ms later.)
    await timers.tickAsync(1);
    expect(t.stored()).to.have.length(2 * SEGMENT_SIZE);
    await timers.tickAsync(1);
    expect(t.stored(), 'the last, partial segment too').to.have.length(2 * SEGMENT_SIZE + 50);
    t.persistence.disable();
  });

  it('an event settled while the rest of its segment is held leaves storage at the next write, and on pagehide', async () => {
    const t = setUp();
    t.persistence.enable();
    const timers = fakeTimers();
    const items = ['s0', 's1', 's2', 's3'].map(event);
    items.forEach(t.add);
    await timers.tickAsync(1000);
    expect(t.stored()).to.deep.equal(['s0', 's1', 's2', 's3']);
    t.settle(items[1]!);
    await timers.tickAsync(1000);
    expect(t.stored(), 'at the next write').to.deep.equal(['s0', 's2', 's3']);
    t.settle(items[0]!);
    window.dispatchEvent(new Event('pagehide'));
    expect(t.stored(), 'on pagehide').to.deep.equal(['s2', 's3']);
    t.persistence.disable();
  });

  it('writes a segment again when one of its events changes', async () => {
    const t = setUp();
    t.persistence.enable();
    const timers = fakeTimers();
    const item = event('before');
    t.add(item);
    await timers.tickAsync(1000);
    item.event = { ...item.event, kpiEventReason: 'after' };
    t.keeper().changed(item);
    await timers.tickAsync(1000);
    expect(t.stored()).to.deep.equal(['after']);
    t.persistence.disable();
  });

  it('writes at once on pagehide and when the page is hidden, and removes everything when turned off', () => {
    const t = setUp();
    t.persistence.enable();
    t.add(event('at-pagehide'));
    window.dispatchEvent(new Event('pagehide'));
    expect(t.stored()).to.deep.equal(['at-pagehide']);
    t.add(event('when-hidden'));
    sinon.stub(document, 'visibilityState').get(() => 'hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(t.stored()).to.deep.equal(['at-pagehide', 'when-hidden']);
    t.persistence.disable();
    expect(t.segments(), 'turning it off removes what it stored').to.equal(0);
    window.dispatchEvent(new Event('pagehide'));
    expect(t.segments()).to.equal(0);
  });

  it('when storage refuses a write: says once how many events will not survive, leaves nothing stale, writes later', async () => {
    const t = setUp();
    t.persistence.enable();
    const kept = event('kept');
    t.add(kept);
    t.persistence.saveNow();
    const setItem = sinon.stub(Storage.prototype, 'setItem').throws(new DOMException('quota', 'QuotaExceededError'));
    t.add(event('refused-1'));
    t.persistence.saveNow();
    t.add(event('refused-2'));
    kept.event = { ...kept.event, kpiEventReason: 'changed' };
    t.keeper().changed(kept);
    t.persistence.saveNow();
    // Said in the words of the storage-problems chunk, loaded now (the first storage fault of this page).
    await waitUntil(() => t.problems.length > 0, 'the refusal is said');
    await nextTask(); // the words have arrived: anything else to say has been said
    expect(t.problems.map((p) => p.code)).to.deep.equal(['storage-unavailable']);
    expect(t.problems[0]!.message).to.contain('QuotaExceededError').and.contain('2 events are kept in memory only'); // the one written before shared the segment refused
    expect(t.stored(), 'the stale segment was removed, not left behind').to.deep.equal([]);
    setItem.restore();
    t.persistence.saveNow();
    expect(t.stored().sort()).to.deep.equal(['changed', 'refused-1', 'refused-2']);
    t.persistence.disable();
  });

  it('writes everything again when another page removed its keys', () => {
    const t = setUp();
    t.persistence.enable();
    t.add(event('mine'));
    t.persistence.saveNow();
    for (const key of Object.keys(sessionStorage))
      if (key.startsWith('cif-kpi-logger:v2:')) sessionStorage.removeItem(key);
    t.add(event('newer'));
    t.persistence.saveNow();
    expect(t.stored()).to.deep.equal(['mine', 'newer']);
    t.persistence.disable();
  });
});
