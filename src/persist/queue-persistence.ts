import type { QueueKeeper, QueuedEvent } from '../queue/queued-event.js';
import { Fifo } from '../queue/fifo.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { QueueStore } from './queue-store.js';
import { lazy } from '../vocabulary/lazy.js';
import type { StorageFault } from './storage-problems.js';

/** What persistence needs of the queue it keeps. */
export interface PersistedQueue {
  /** Everything held and failed, oldest first. */
  snapshot(): QueuedEvent[];
  /** Takes back events stored by an earlier page. */
  restore(items: readonly QueuedEvent[]): number;
  /** Holds sending while stored events are read back, so that they go first. */
  pause(): void;
  resume(): void;
  /** Tells the keeper of every event held, changed and gone. */
  keep(keeper: QueueKeeper | undefined): void;
}

/**
 * The storage-problems chunk: the first storage fault loads it, later ones are said at once (tests load it ahead of
 * a fake clock).
 */
export const loadStorageWords = lazy(() => import('./storage-problems.js'));

/** How often changes are written at most, besides at once when the page is hidden or goes. */
const SAVE_INTERVAL = 1000;
/** Events in one segment: a write costs at most this many events (about 220,000 characters at the most). */
export const SEGMENT_SIZE = 100;
/**
 * Characters written in one task when there is more to write (a few milliseconds of JSON and storage): the rest
 * follow in the next tasks. At least one segment is written each time.
 */
const CHARACTERS_PER_TASK = 250_000;

interface Segment {
  n: number;
  items: QueuedEvent[];
  /** Its events not yet settled: at 0 the segment is removed. */
  live: number;
}

/**
 * When and what of a logger's queue is written to storage, event by event (it is the queue's keeper):
 * - events are written in fixed-size segments at the save interval (a burst too, split across tasks), and
 *   everything at once on `pagehide`, when the page is hidden and when the logger is removed; an event settled
 *   before it was written is never written, so against a host that answers within the interval nothing is;
 * - a segment whose events changed (ids stamped, given up, some settled) is written again, and one whose events are
 *   all settled is removed: a write costs what changed, never the whole queue, and a long run of writes is split
 *   across tasks; an event the host acknowledged is so out of storage by the next write, `pagehide`'s at the latest;
 * - a write storage refuses (full, blocked) leaves nothing stale behind: the segment is removed and its events
 *   stay in memory, said once, with how many will not survive a reload, and written when storage has room again;
 * - if another page removed this logger's keys (see `QueueStore`), everything is written again.
 * It reads back what an earlier page left before anything newer is sent. Saving follows persistence being on, not
 * the logger being connected: a removed logger still delivers, and its entry must still be kept up to date (until
 * it holds nothing: its logger then turns persistence off, which removes its keys and gives back its Web Lock).
 */
export class QueuePersistence implements QueueKeeper {
  #queue: PersistedQueue;
  #ownerId: string;
  #onProblem: (problem: CifKpiProblem) => void;
  #onUnreadable: (count: number) => void;
  /** Hands on what is heard but not queued yet, when the page goes. */
  #beforeLeaving: () => void;
  #store: QueueStore | undefined;
  /**
   * Held events in no segment yet, oldest first. One settled meanwhile (`done`) is never written: it is skipped when
   * its turn comes, or as soon as it is at the front. A push per event, no lookup.
   */
  #unwritten = new Fifo<QueuedEvent>();
  #segmentOf = new WeakMap<QueuedEvent, Segment>();
  #segments = new Map<number, Segment>();
  #stale = new Set<Segment>();
  #next = 0;
  /** The last segment written, while it has room: new events join it rather than start a small one. */
  #tail: Segment | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #soon: ReturnType<typeof setTimeout> | undefined;
  /** Whether storage refused a write that has not succeeded since (said once per such spell). */
  #refused = false;

  /**
   * `onProblem` hears storage faults (once per spell of them); `onUnreadable` how many events left by an earlier
   * page could not be read back (they are dropped); `beforeLeaving` is called first on `pagehide`, to queue what
   * was heard but waits for code still loading.
   */
  constructor(
    queue: PersistedQueue,
    ownerId: string,
    onProblem: (problem: CifKpiProblem) => void,
    onUnreadable: (count: number) => void,
    beforeLeaving: () => void = () => {},
  ) {
    this.#queue = queue;
    this.#ownerId = ownerId;
    this.#onProblem = onProblem;
    this.#onUnreadable = onUnreadable;
    this.#beforeLeaving = beforeLeaving;
  }

  /** Starts keeping the queue in storage, after taking over what an earlier page of the tab left. */
  enable(): void {
    if (this.#store) return;
    const store = new QueueStore({ ownerId: this.#ownerId });
    this.#store = store;
    window.addEventListener('pagehide', this.#onPageHide);
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    this.#forgetSegments(this.#queue.snapshot());
    this.#queue.keep(this);
    if (this.#unwritten.length > 0) this.#schedule();
    // Events left by the page before a reload are older than anything captured here: they go first.
    this.#queue.pause();
    void store
      // Taken over from storage, they are this logger's to deliver even if persistence was turned off meanwhile;
      // written again at once, as the keys they came from are gone.
      .open((items) => {
        this.#queue.restore(items);
        this.saveNow();
      })
      .then(({ unreadable, fault }) => {
        if (fault) {
          this.#refused = true; // said now, not again for each write
          this.#say(fault);
        }
        if (unreadable > 0) this.#onUnreadable(unreadable);
      })
      // Unless persistence was turned off meanwhile (then it resumed the queue, and a new store may hold it).
      .finally(() => this.#store === store && this.#queue.resume());
  }

  /** Stops keeping the queue in storage and removes what this logger stored. */
  disable(): void {
    if (!this.#store) return;
    this.#queue.keep(undefined);
    clearTimeout(this.#timer);
    clearTimeout(this.#soon);
    this.#timer = this.#soon = undefined;
    this.#store.close();
    this.#store = undefined;
    this.#forgetSegments([]);
    window.removeEventListener('pagehide', this.#onPageHide);
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.#queue.resume();
  }

  held(item: QueuedEvent): void {
    // However many arrive, they wait for the save interval: against a host that answers, most are delivered by
    // then and never cost a write.
    this.#unwritten.push(item);
    this.#schedule();
  }

  changed(item: QueuedEvent): void {
    const segment = this.#segmentOf.get(item);
    if (segment === undefined) return; // written as it is now when its turn comes
    this.#stale.add(segment);
    this.#schedule();
  }

  gone(item: QueuedEvent): void {
    const segment = this.#segmentOf.get(item);
    if (segment === undefined) {
      // Never written, and now never will be. Events are mostly settled in the order they came: those at the front
      // of the list leave it now, any other when its turn to be written comes (it is `done`, and passed over).
      while (this.#unwritten.peek()?.state === 'done') this.#unwritten.shift();
      return;
    }
    this.#segmentOf.delete(item);
    if (--segment.live > 0) {
      // Written again without it at the next write (on `pagehide` at the latest): a reload never sends it again.
      this.#stale.add(segment);
      return this.#schedule();
    }
    this.#segments.delete(segment.n);
    this.#stale.delete(segment);
    this.#store?.remove(segment.n);
  }

  /** Writes everything that changed, now. */
  saveNow = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#write(Infinity);
  };

  /** The page goes: what was heard is queued, everything is written, and the store says the page went. */
  #onPageHide = (): void => {
    this.#beforeLeaving();
    this.saveNow();
    this.#store?.leaving();
  };

  #onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') this.saveNow();
  };

  /** Writes what changed within the save interval. */
  #schedule(): void {
    if (!this.#store || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#write(CHARACTERS_PER_TASK);
    }, SAVE_INTERVAL);
  }

  /** Goes on with a write too large for one task, in the next. */
  #writeSoon(): void {
    if (!this.#store || this.#soon !== undefined) return;
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      this.#write(CHARACTERS_PER_TASK);
    }, 0);
  }

  /**
   * Writes about `budget` characters' worth of segments: stale ones first (they hold older events), then new ones
   * from the unwritten events still held. Schedules the rest for the next task.
   */
  #write(budget: number): void {
    const store = this.#store;
    if (!store) return;
    if (!store.intact()) this.#rewriteAll(store);
    let left = budget;
    for (const segment of this.#stale) {
      if (left <= 0) break;
      left -= sizeOf(segment.items);
      if (!this.#rewrite(store, segment)) return;
    }
    while (left > 0) {
      // New events fill the last segment up before a new one starts: there is never more than one that is not full.
      const tail = this.#tail && this.#segments.get(this.#tail.n) === this.#tail ? this.#tail : undefined;
      const kept = tail ? tail.items.filter((item) => this.#segmentOf.get(item) === tail) : [];
      const fresh = this.#takeUnwritten(SEGMENT_SIZE - kept.length);
      if (fresh.length === 0) break;
      const items = [...kept, ...fresh];
      left -= sizeOf(items);
      const segment: Segment = tail ?? { n: this.#next++, items, live: 0 };
      const refused = store.write(segment.n, items);
      if (refused) {
        if (tail) this.#drop(tail);
        return this.#refuse(refused, tail ? items : fresh);
      }
      segment.items = items;
      segment.live = items.length;
      this.#stale.delete(segment);
      this.#segments.set(segment.n, segment);
      for (const item of fresh) this.#segmentOf.set(item, segment);
      this.#tail = items.length < SEGMENT_SIZE ? segment : undefined;
    }
    if (this.#stale.size > 0 || this.#unwritten.length > 0) this.#writeSoon();
    else if (this.#refused) this.#refused = false;
  }

  /** The `count` oldest unwritten events still held, taken out (with the settled ones before them). */
  #takeUnwritten(count: number): QueuedEvent[] {
    const taken: QueuedEvent[] = [];
    while (taken.length < count && this.#unwritten.length > 0) {
      const item = this.#unwritten.shift()!;
      if (item.state !== 'done') taken.push(item);
    }
    return taken;
  }

  #setUnwritten(items: QueuedEvent[]): void {
    this.#unwritten = new Fifo(items);
  }

  /** Forgets a segment the store removed (it refused to write it): its events are unwritten again. */
  #drop(segment: Segment): void {
    this.#segments.delete(segment.n);
    this.#stale.delete(segment);
    for (const item of segment.items) if (this.#segmentOf.get(item) === segment) this.#segmentOf.delete(item);
    if (this.#tail === segment) this.#tail = undefined;
  }

  /** Writes a segment again with its events as they are now; false when storage refused it. */
  #rewrite(store: QueueStore, segment: Segment): boolean {
    this.#stale.delete(segment);
    const items = segment.items.filter((item) => this.#segmentOf.get(item) === segment);
    segment.items = items;
    const refused = store.write(segment.n, items);
    if (!refused) return true;
    // The store removed it rather than leave it stale: its events are unwritten again.
    this.#drop(segment);
    this.#refuse(refused, items);
    return false;
  }

  /** Another page removed this logger's keys: every event held is written again. */
  #rewriteAll(store: QueueStore): void {
    store.forget();
    this.#forgetSegments(this.#queue.snapshot());
  }

  /** Knows of no segment written: `items` are to be written (every event held, or none). */
  #forgetSegments(items: QueuedEvent[]): void {
    this.#segments.clear();
    this.#stale.clear();
    this.#segmentOf = new WeakMap();
    this.#tail = undefined;
    this.#setUnwritten(items);
  }

  /** Storage refused `items`: they stay in memory, to be written when there is room; said once. */
  #refuse(refused: StorageFault, items: QueuedEvent[]): void {
    this.#setUnwritten([...items, ...this.#unwritten.toArray()].filter((item) => item.state !== 'done'));
    if (this.#refused) return;
    this.#refused = true;
    this.#say(refused, this.#unwritten.length);
  }

  /** Says a storage fault, in the words of the storage-problems chunk (loaded at the first: storage seldom fails). */
  #say(fault: StorageFault, kept?: number): void {
    const say = ({ storageProblem }: typeof import('./storage-problems.js')) =>
      this.#onProblem(storageProblem(fault, kept));
    if (loadStorageWords.loaded) return say(loadStorageWords.loaded);
    loadStorageWords().then(say, () =>
      this.#onProblem(problem('storage-unavailable', 'sessionStorage cannot be used')),
    );
  }
}

function sizeOf(items: readonly QueuedEvent[]): number {
  let size = 0;
  for (const item of items) size += item.size ?? 0;
  return size;
}
