import { expect, waitUntil } from '@open-wc/testing';
import sinon from 'sinon';
import { QueuePersistence, type PersistedQueue } from '../../src/persist/queue-persistence.js';
import type { QueuedEvent } from '../../src/queue/delivery-queue.js';
import type { CifKpiProblem } from '../../src/vocabulary/problems.js';

const KEY_PREFIX = 'cif-kpi-logger:v1:';
let nextOwner = 0;

/** A queue stand-in that holds `items` and records what persistence asks of it. */
function setUp(items: QueuedEvent[] = []) {
  const calls: string[] = [];
  const queue: PersistedQueue = {
    snapshot: () => items,
    restore: (restored) => (calls.push(`restore ${restored.length}`), restored.length),
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
  };
  const problems: CifKpiProblem[] = [];
  const owner = `test-${Date.now()}-${nextOwner++}`;
  const persistence = new QueuePersistence(
    queue,
    owner,
    (p) => problems.push(p),
    (count) => calls.push(`unreadable ${count}`),
  );
  return { persistence, calls, problems, stored: () => sessionStorage.getItem(KEY_PREFIX + owner) };
}

const event = (reason: string): QueuedEvent => ({
  id: `e.${reason}`,
  event: { kpiEventName: 'A', kpiEventReason: reason, eventTimestamp: '2026-12-01T10:00:00.000Z' },
  attempts: 0,
  heldSince: 0,
});

describe('QueuePersistence', () => {
  let clock: sinon.SinonFakeTimers;
  afterEach(() => {
    clock?.restore();
    sinon.restore();
  });

  it('pauses the queue while it reads back what an earlier page left, then resumes it', async () => {
    const { persistence, calls } = setUp();
    persistence.enable();
    expect(calls).to.deep.equal(['pause']);
    await waitUntil(() => calls.length === 3, 'the queue resumed');
    expect(calls).to.deep.equal(['pause', 'restore 0', 'resume']);
    persistence.disable();
  });

  it('writes within the save interval of a change, once however many changes', async () => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const items = [event('one')];
    const { persistence, stored } = setUp(items);
    persistence.enable();
    persistence.changed();
    items.push(event('two'));
    persistence.changed();
    await clock.tickAsync(999);
    expect(stored()).to.equal(null);
    await clock.tickAsync(1);
    expect(stored()).to.contain('"one"').and.contain('"two"');
    persistence.disable();
  });

  it('writes at once on pagehide and when the page is hidden, and not after it is turned off', () => {
    const items = [event('at-pagehide')];
    const { persistence, stored } = setUp(items);
    persistence.enable();
    window.dispatchEvent(new Event('pagehide'));
    expect(stored()).to.contain('at-pagehide');
    items.push(event('when-hidden'));
    sinon.stub(document, 'visibilityState').get(() => 'hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(stored()).to.contain('when-hidden');
    persistence.disable();
    expect(stored(), 'turning it off removes what it stored').to.equal(null);
    window.dispatchEvent(new Event('pagehide'));
    expect(stored()).to.equal(null);
  });

  it('reports a storage fault once, however many saves fail', () => {
    const { persistence, problems } = setUp([event('x')]);
    persistence.enable();
    sinon.stub(Storage.prototype, 'setItem').throws(new DOMException('quota', 'QuotaExceededError'));
    persistence.saveNow();
    persistence.saveNow();
    expect(problems.map((p) => p.code)).to.deep.equal(['storage-unavailable']);
    expect(problems[0]!.message).to.contain('QuotaExceededError');
    sinon.restore();
    persistence.disable();
  });
});
