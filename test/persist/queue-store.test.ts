import { expect } from '@open-wc/testing';
import { QueueStore, type DocumentOwners } from '../../src/persist/queue-store.js';
import type { QueuedEvent } from '../../src/queue/queued-event.js';
import { parseEntry } from '../../src/persist/stored-segments.js';
import { storageProblem } from '../../src/persist/storage-problems.js';
import { ContextBinding } from '../../src/normalise/delivery-context.js';
import { normaliseKpiEvent } from '../../src/normalise/kpi-event.js';

/** A segment as a page of `owner` would have stored it: events whole (`id`), their ids shared by index. */
function storeSegment(owner: string, n: number, items: unknown[], contexts: unknown[] = [ctx]): void {
  sessionStorage.setItem(`cif-kpi-logger:v2:${owner}`, JSON.stringify([n]));
  sessionStorage.setItem(
    `cif-kpi-logger:v2:${owner}:${n}`,
    JSON.stringify({ v: 2, owners: [], contexts, problems: [], items }),
  );
}
const ctx = { conversationId: 'c', providerSessionId: 'p' };
/** An event as a segment stores it. */
const brief = (id: string, heldSince = 1) => ({ id, e: event(id), t: heldSince, c: 0 });
const V2 = 'cif-kpi-logger:v2:';
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

  it('keeps the session an event waiting for its ids is bound to, and reads version 2 without one', async () => {
    const owner = uniqueOwner('bound');
    const s = store(owner);
    await s.open();
    const bound = (id: string, session: string | null): QueuedEvent => {
      const binding = new ContextBinding({ providerSessionId: 'p' }, 1);
      binding.s = session;
      return { ...queued(id), context: undefined, binding };
    };
    expect(s.write(0, [bound('on-two', 's-2'), bound('none', null), queued('stamped')])).to.equal(undefined);
    const text = sessionStorage.getItem(`${V2}${owner}:0`);
    const { items, unreadable } = parseEntry(text, normaliseKpiEvent);
    expect(unreadable).to.equal(0);
    expect(items.map((item) => [item.id, item.binding?.s, item.context?.conversationId])).to.deep.equal([
      ['on-two', 's-2', undefined],
      ['none', null, undefined],
      ['stamped', undefined, 'c'],
    ]);
    // Version 3 wrote events whole, and the session (`s`) of one waiting for its ids: still read.
    const v3 = {
      v: 3,
      owners: ['o'],
      contexts: [ctx],
      problems: [],
      items: [
        { o: 0, n: 1, e: event('on-two'), t: 1, s: 's-2' },
        { o: 0, n: 2, e: event('none'), t: 1, s: null },
        { o: 0, n: 3, e: event('stamped'), t: 1, c: 0 },
      ],
    };
    expect(
      parseEntry(JSON.stringify(v3), normaliseKpiEvent).items.map((item) => [item.id, item.binding?.s, item.context]),
    ).to.deep.equal([
      ['o.1', 's-2', undefined],
      ['o.2', null, undefined],
      ['o.3', undefined, ctx],
    ]);
    // Version 2 had no sessions: its events are read as they were.
    const v2 = { ...v3, v: 2, items: v3.items.map(({ s: _, ...item }) => item) };
    expect(parseEntry(JSON.stringify(v2), normaliseKpiEvent).items.map((item) => item.binding)).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
    // A session that is not text is damaged: that event is unreadable, the others are read.
    expect(
      parseEntry(
        JSON.stringify({ ...v3, items: [{ ...v3.items[0], s: { id: 's-2' } }, v3.items[1]] }),
        normaliseKpiEvent,
      ).unreadable,
    ).to.equal(1);
    // A version this reader does not know is dropped whole, never misread.
    expect(parseEntry(JSON.stringify({ ...v3, v: 5 }), normaliseKpiEvent)).to.deep.equal({ items: [], unreadable: 3 });
  });

  it('writes segments under keys of their own, listed by its index, and removes each when asked', async () => {
    const owner = uniqueOwner('w');
    const s = store(owner);
    await s.open();
    expect(s.write(0, [queued('x'), queued('y')])).to.equal(undefined);
    expect(s.write(1, [queued('z')])).to.equal(undefined);
    expect(JSON.parse(sessionStorage.getItem(s.indexKey)!)).to.deep.equal([0, 1]);
    const text = sessionStorage.getItem(`${V2}${owner}:0`)!;
    expect(JSON.parse(text)).to.include({ v: 4 });
    expect(parseEntry(text, normaliseKpiEvent).items.map((i) => i.id)).to.deep.equal(['x', 'y']);
    expect(JSON.parse(text).contexts, 'ids shared by its events are stored once').to.have.length(1);
    s.write(0, []);
    expect(sessionStorage.getItem(`${V2}${owner}:0`)).to.equal(null);
    expect(JSON.parse(sessionStorage.getItem(s.indexKey)!)).to.deep.equal([1]);
    s.remove(1);
    expect(Object.keys(sessionStorage).filter((k) => k.includes(owner))).to.deep.equal([]);
  });

  it("stores a batch's error once per segment, its message capped", async () => {
    const owner = uniqueOwner('e');
    const s = store(owner);
    await s.open();
    const error = { code: 'host-rejected' as const, message: 'm'.repeat(1_000_000) };
    s.write(0, [
      { ...queued('f1'), problem: error },
      { ...queued('f2'), problem: error },
    ]);
    const text = sessionStorage.getItem(`${V2}${owner}:0`)!;
    expect(text.length).to.be.below(2000);
    expect(JSON.parse(text).problems).to.deep.equal([{ code: 'host-rejected', message: 'm'.repeat(500) }]);
  });

  it('takes over the segments of a page that is gone, in order, once', async () => {
    const gone = new QueueStore({ ownerId: uniqueOwner('gone'), documentOwners: otherDocument(), locks: undefined });
    gone.write(0, [queued('s0', 5)]);
    gone.write(1, [queued('s1', 6), queued('s2', 7)]);
    const result = await store(uniqueOwner('heir')).open();
    expect(result.restored.map((i) => [i.id, i.context?.conversationId])).to.deep.equal([
      ['s0', 'c'],
      ['s1', 'c'],
      ['s2', 'c'],
    ]);
    expect(result.restored[1]!.context, 'events of one segment share their ids, as when captured').to.equal(
      result.restored[2]!.context,
    );
    expect(Object.keys(sessionStorage).filter((k) => k.startsWith(V2))).to.deep.equal([]);
  });

  it('leaves stored events where they are when the code that reads them cannot load, for the next page', async () => {
    storeSegment('gone-offline', 0, [brief('kept-for-later')]);
    const failing = new QueueStore({
      ownerId: uniqueOwner('offline'),
      documentOwners: otherDocument(),
      reader: () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')),
    });
    open.push(failing);
    const result = await failing.open();
    expect(storageProblem(result.fault!).code).to.equal('storage-unavailable');
    expect(storageProblem(result.fault!).message).to.contain('stay stored for the next page');
    expect(sessionStorage.getItem(`${V2}gone-offline:0`)).to.not.equal(null);
    const next = await store(uniqueOwner('next')).open();
    expect(next.restored.map((i) => i.id)).to.deep.equal(['kept-for-later']);
  });

  it('takes over the entries of pages that are gone, oldest first, once', async () => {
    storeSegment('gone-1', 0, [brief('late', 20)]);
    storeSegment('gone-2', 0, [brief('early', 10)]);
    const here = otherDocument();
    const first = await store(uniqueOwner('first'), here).open();
    expect(first.restored.map((i) => i.id)).to.deep.equal(['early', 'late']);
    expect(Object.keys(sessionStorage).filter((k) => k.startsWith(V2))).to.deep.equal([]);
    storeSegment('gone-3', 0, [brief('later')]);
    const second = await store(uniqueOwner('second'), here).open();
    expect(second.restored).to.deep.equal([]);
  });

  it('leaves alone the events of a live owner and removes its entry from this storage', async () => {
    const live = store(uniqueOwner('live'));
    await live.open();
    live.write(0, [queued('theirs')]);
    expect(live.intact()).to.equal(true);
    // The page's Web Locks, where a wait for a lock that is held ends as if its time limit (the unload grace) had
    // passed: a lock that is free is granted as usual.
    const graceOver = {
      query: () => navigator.locks.query(),
      request: (name: string, ...rest: unknown[]) => {
        const callback = rest.pop() as (lock: Lock | null) => unknown;
        const options = (rest[0] ?? {}) as LockOptions;
        if (!options.signal) return navigator.locks.request(name, options, callback);
        return navigator.locks.request(name, { ifAvailable: true }, (lock) => {
          if (!lock) throw new DOMException('the unload grace is over', 'TimeoutError');
          return callback(lock);
        });
      },
    } as unknown as LockManager;
    const newcomer = new QueueStore({
      ownerId: uniqueOwner('newcomer'),
      documentOwners: otherDocument(),
      locks: graceOver,
    });
    open.push(newcomer);
    const result = await newcomer.open();
    expect(result.restored).to.deep.equal([]);
    expect(sessionStorage.getItem(live.indexKey)).to.equal(null);
    expect(live.intact(), 'the live owner sees its keys are gone').to.equal(false);
  });

  it('closed, removes its keys before it gives back its Web Lock, and stays an owner of its document', async () => {
    const here = otherDocument();
    const owner = uniqueOwner('closing');
    const s = store(owner, here);
    await s.open();
    s.write(0, [queued('sent-meanwhile')]);
    const lock = `cif-kpi-logger:owner:${owner}`;
    // When its lock can be taken, its keys are gone: a later page finds nothing of it to take over.
    const keysWhenFree = navigator.locks.request(lock, () =>
      Object.keys(sessionStorage).filter((k) => k.includes(owner)),
    );
    s.close();
    expect(await keysWhenFree).to.deep.equal([]);
    // A store of the same document that looks for earlier pages' queues never takes the closed owner for one.
    here.tookOver = false;
    storeSegment(owner, 0, [brief('not-an-earlier-page')]);
    const other = await store(uniqueOwner('sibling'), here).open();
    expect(other.restored).to.deep.equal([]);
  });

  it('closed before its Web Lock is granted, gives it back as soon as it is, and takes nothing over', async () => {
    storeSegment('gone-earlier', 0, [brief('for-the-next-store')]);
    const here = otherDocument();
    const owner = uniqueOwner('early-close');
    const lock = `cif-kpi-logger:owner:${owner}`;
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    // Someone holds the lock a moment, so that the store waits for it.
    void navigator.locks.request(lock, () => held);
    const s = store(owner, here);
    const opened = s.open();
    s.close();
    letGo();
    expect((await opened).restored).to.deep.equal([]);
    let names: Array<string | undefined> = [lock];
    for (let i = 0; i < 100 && names.includes(lock); i++) {
      const { held: locks = [], pending = [] } = await navigator.locks.query();
      names = [...locks, ...pending].map((l) => l.name);
    }
    expect(names).to.not.include(lock);
    expect(here.tookOver, 'another store of the document takes over instead').to.equal(false);
    const next = await store(uniqueOwner('next'), here).open();
    expect(next.restored.map((i) => i.id)).to.deep.equal(['for-the-next-store']);
  });

  it('skips malformed entries and items instead of throwing', async () => {
    sessionStorage.setItem(`${V2}bad-json:0`, '{nope');
    sessionStorage.setItem(`${V2}bad-version:0`, JSON.stringify({ v: 99, items: [brief('v99')] }));
    storeSegment('mixed', 0, [
      brief('good'),
      { id: 'no-event', t: 1 },
      { ...brief('bad-name'), e: { kpiEventName: '' } },
      null,
    ]);
    sessionStorage.setItem(`${V2}corrupt-owner`, '[0,1]');
    sessionStorage.setItem(`${V2}corrupt-owner:0`, '{"v":2,"items":[{"o":0,"n":1,"e":{"kpiEventName":"x"');
    sessionStorage.setItem(
      `${V2}corrupt-owner:1`,
      JSON.stringify({
        v: 2,
        owners: ['corrupt-owner'],
        contexts: [{ conversationId: 'c', providerSessionId: 'p' }],
        items: [{ o: 0, n: 7, e: event('next'), t: 1, c: 0 }],
      }),
    );
    const result = await store(uniqueOwner('reader')).open();
    // Captured in the same millisecond: in order of their pages' ids, whatever order the browser keeps keys in.
    expect(result.restored.map((i) => i.id)).to.deep.equal(['corrupt-owner.7', 'good']);
    expect(result.unreadable, 'bad json (1), wrong version (1), bad items (3), corrupt segment (1)').to.equal(6);
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
    expect(storageProblem(result.fault!).message).to.equal(
      'sessionStorage cannot be read: SecurityError: denied; events are kept in memory only and will not survive a reload',
    );
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
    expect(storageProblem(t.write(0, [queued('x')])!, 3).message).to.equal(
      'the queue could not be stored: QuotaExceededError: full; 3 events are kept in memory only and will not survive a reload until it has room',
    );
  });
});

/** What one segment's key, version and owner list may take beyond its events' stored sizes. */
const SEGMENT_HEADER = 200;

describe('stored size', () => {
  it('is never less than what a segment of events takes in storage, and normalising counts it the same', async () => {
    const { default: fc } = await import('fast-check');
    const { normaliseKpiEvent } = await import('../../src/normalise/kpi-event.js');
    const { STORED_OVERHEAD } = await import('../../src/normalise/usual-event.js');
    /** An event's stored size counted again from the event alone, independently of normalising. */
    const storedSize = (event: QueuedEvent['event']) => {
      const json = (text: string) => JSON.stringify(text).length - 2;
      let size = STORED_OVERHEAD;
      const fields = ['kpiEventName', 'kpiEventReason', 'additionalData', 'notificationResponseAction'] as const;
      for (const field of [...fields, 'externalCorrelationId'] as const) {
        const text = event[field];
        if (typeof text === 'string') size += field.length + 6 + json(text);
      }
      for (const { attribute, value } of event.customData ?? []) size += 28 + json(attribute) + json(value);
      return size;
    };
    const text = fc.string({ unit: 'binary', maxLength: 120 });
    const detail = fc.record({
      kpiEventName: fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }).filter((s) => s.trim() !== ''),
      kpiEventReason: fc.option(text, { nil: undefined }),
      additionalData: fc.option(fc.string({ unit: 'binary', maxLength: 2000 }), { nil: undefined }),
      externalCorrelationId: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
      customData: fc.option(
        fc.dictionary(fc.constantFrom('msdyn_customattribute1', 'queue_name'), fc.string({ maxLength: 100 })),
        {
          nil: undefined,
        },
      ),
    });
    fc.assert(
      fc.property(fc.array(detail, { minLength: 1, maxLength: 100 }), (details) => {
        const owner = uniqueOwner('size');
        const s = new QueueStore({ ownerId: owner, documentOwners: otherDocument(), locks: undefined });
        const items: QueuedEvent[] = details.map((d, n) => {
          const result = normaliseKpiEvent(d, 1_764_000_000_000 + n);
          if (!result.ok) throw new Error(result.problem.message);
          expect(result.size).to.equal(storedSize(result.event));
          return {
            id: `${'x'.repeat(36)}.${100_000 + n}`,
            event: result.event,
            context: { conversationId: 'c'.repeat(100), providerSessionId: 'p'.repeat(100) },
            attempts: 0,
            heldSince: 1_764_000_000_000 + n,
          };
        });
        s.write(0, items);
        const key = `${V2}${owner}:0`;
        const taken = key.length + sessionStorage.getItem(key)!.length;
        s.close();
        // The ids are counted once for the run of events that share them, as the queue counts them; a segment's
        // header (its key, owners and version) may come on top, once.
        const ids = JSON.stringify(items[0]!.context).length + 1;
        const counted = items.reduce((sum, item) => sum + storedSize(item.event), ids);
        expect(taken).to.be.at.most(counted + SEGMENT_HEADER);
      }),
      { seed: 1201, numRuns: 60 },
    );
  });
});
