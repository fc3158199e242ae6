import { expect } from '@open-wc/testing';
import { QueueStore, type DocumentOwners } from '../../src/persist/queue-store.js';
import type { QueuedEvent } from '../../src/queue/delivery-queue.js';

const PREFIX = 'cif-kpi-logger:v1:';
const event = (reason: string) => ({
  kpiEventName: 'A',
  kpiEventReason: reason,
  eventTimestamp: '2026-11-28T10:00:00.000Z',
});
const queued = (id: string, heldSince = 1): QueuedEvent => ({
  id,
  event: event(id),
  context: { conversationId: 'c', providerSessionId: 'p' },
  attempts: 0,
  heldSince,
});
/** A document of its own: what another page (or frame) of the tab would have. */
const otherDocument = (): DocumentOwners => ({ owners: new Set(), tookOver: false });
const uniqueOwner = (name: string) => `${name}-${Math.random().toString(36).slice(2)}`;

function clear(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);
}

describe('QueueStore', function () {
  this.timeout(5000);
  const open: QueueStore[] = [];
  beforeEach(clear);
  afterEach(() => {
    for (const store of open.splice(0)) store.close();
    clear();
  });
  const store = (ownerId: string, documentOwners = otherDocument()) => {
    const s = new QueueStore({ ownerId, documentOwners });
    open.push(s);
    return s;
  };

  it('writes the queue under its owner key and removes the entry when the queue is empty', async () => {
    const s = store(uniqueOwner('w'));
    await s.open();
    expect(s.save([queued('x')])).to.equal(undefined);
    const stored = JSON.parse(sessionStorage.getItem(s.key)!);
    expect(stored.v).to.equal(1);
    expect(stored.items.map((i: QueuedEvent) => i.id)).to.deep.equal(['x']);
    s.save([]);
    expect(sessionStorage.getItem(s.key)).to.equal(null);
  });

  it('takes over the entries of pages that are gone, oldest first, once', async () => {
    sessionStorage.setItem(`${PREFIX}gone-1`, JSON.stringify({ v: 1, items: [queued('late', 20)] }));
    sessionStorage.setItem(`${PREFIX}gone-2`, JSON.stringify({ v: 1, items: [queued('early', 10)] }));
    const here = otherDocument();
    const first = await store(uniqueOwner('first'), here).open();
    expect(first.restored.map((i) => i.id)).to.deep.equal(['early', 'late']);
    expect(Object.keys(sessionStorage).filter((k) => k.startsWith(PREFIX))).to.deep.equal([]);
    sessionStorage.setItem(`${PREFIX}gone-3`, JSON.stringify({ v: 1, items: [queued('later')] }));
    const second = await store(uniqueOwner('second'), here).open();
    expect(second.restored).to.deep.equal([]);
  });

  it('leaves alone the events of a live owner and removes its entry from this storage', async () => {
    const live = store(uniqueOwner('live'));
    await live.open();
    live.save([queued('theirs')]);
    const result = await store(uniqueOwner('newcomer')).open();
    expect(result.restored).to.deep.equal([]);
    expect(sessionStorage.getItem(live.key)).to.equal(null);
  });

  it('skips malformed entries and items instead of throwing', async () => {
    sessionStorage.setItem(`${PREFIX}bad-json`, '{nope');
    sessionStorage.setItem(`${PREFIX}bad-version`, JSON.stringify({ v: 99, items: [queued('v99')] }));
    sessionStorage.setItem(
      `${PREFIX}mixed`,
      JSON.stringify({
        v: 1,
        items: [
          queued('good'),
          { id: 'no-event', heldSince: 1 },
          { ...queued('bad-name'), event: { kpiEventName: '' } },
          null,
        ],
      }),
    );
    const result = await store(uniqueOwner('reader')).open();
    expect(result.restored.map((i) => i.id)).to.deep.equal(['good']);
  });

  it('reports storage that throws, without throwing', async () => {
    const broken = {
      getItem() {
        throw new DOMException('denied', 'SecurityError');
      },
    } as unknown as Storage;
    const s = new QueueStore({
      ownerId: uniqueOwner('broken'),
      storage: () => broken,
      documentOwners: otherDocument(),
    });
    const result = await s.open();
    expect(result.problem?.code).to.equal('storage-unavailable');
    expect(result.problem?.message).to.contain('SecurityError');
    const full = {
      getItem: () => null,
      setItem() {
        throw new DOMException('full', 'QuotaExceededError');
      },
    } as unknown as Storage;
    const t = new QueueStore({
      ownerId: uniqueOwner('full'),
      storage: () => full,
      locks: undefined,
      documentOwners: otherDocument(),
    });
    expect(t.save([queued('x')])?.message).to.contain('QuotaExceededError');
  });
});
