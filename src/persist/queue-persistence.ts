import type { QueueKeeper, QueuedEvent } from '../queue/queued-event.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { QueueStore } from './queue-store.js';
import { SegmentWriter } from './segment-writer.js';
import { lazy } from '../vocabulary/lazy.js';
import type { StorageFault } from './storage-problems.js';

export { SEGMENT_SIZE } from './segment-writer.js';

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
/**
 * Characters written in one task when there is more to write (a few milliseconds of JSON and storage): the rest
 * follow in the next tasks. At least one segment is written each time.
 */
const CHARACTERS_PER_TASK = 250_000;

/**
 * When a logger's queue is written to storage, and turning that on and off (what each write holds is decided by the
 * `SegmentWriter` this is, the queue's keeper):
 * - changes are written at the save interval (a burst too, split across tasks), and everything at once on
 *   `pagehide`, when the page is hidden and when the logger is removed; an event settled before it was written is
 *   never written, so against a host that answers within the interval nothing is;
 * - a write costs what changed, never the whole queue, and a long run of writes is split across tasks; an event the
 *   host acknowledged is so out of storage by the next write, `pagehide`'s at the latest;
 * - a write storage refuses (full, blocked) leaves nothing stale behind: its events stay in memory, said once, with
 *   how many will not survive a reload, and are written when storage has room again;
 * - if another page removed this logger's keys (see `QueueStore`), everything is written again.
 * It reads back what an earlier page left before anything newer is sent. Saving follows persistence being on, not
 * the logger being connected: a removed logger still delivers, and its entry must still be kept up to date (until
 * it holds nothing: its logger then turns persistence off, which removes its keys and gives back its Web Lock).
 */
export class QueuePersistence extends SegmentWriter {
  #queue: PersistedQueue;
  #ownerId: string;
  #onProblem: (problem: CifKpiProblem) => void;
  #onUnreadable: (count: number) => void;
  /** Hands on what is heard but not queued yet, when the page goes. */
  #beforeLeaving: () => void;
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
    super();
    this.#queue = queue;
    this.#ownerId = ownerId;
    this.#onProblem = onProblem;
    this.#onUnreadable = onUnreadable;
    this.#beforeLeaving = beforeLeaving;
  }

  /** Starts keeping the queue in storage, after taking over what an earlier page of the tab left. */
  enable(): void {
    if (this.store) return;
    const store = new QueueStore({ ownerId: this.#ownerId });
    this.store = store;
    window.addEventListener('pagehide', this.#onPageHide);
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    this.reset(this.#queue.snapshot());
    this.#queue.keep(this);
    if (this.pending) this.schedule();
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
      .finally(() => this.store === store && this.#queue.resume());
  }

  /** Stops keeping the queue in storage and removes what this logger stored. */
  disable(): void {
    if (!this.store) return;
    this.#queue.keep(undefined);
    clearTimeout(this.#timer);
    clearTimeout(this.#soon);
    this.#timer = this.#soon = undefined;
    this.store.close();
    this.store = undefined;
    this.reset([]);
    window.removeEventListener('pagehide', this.#onPageHide);
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.#queue.resume();
  }

  /** Writes everything that changed, now. */
  saveNow = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#save(Infinity);
  };

  /** The page goes: what was heard is queued, everything is written, and the store says the page went. */
  #onPageHide = (): void => {
    this.#beforeLeaving();
    this.saveNow();
    this.store?.leaving();
  };

  #onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') this.saveNow();
  };

  /**
   * Writes what changed within the save interval. However many events arrive, they wait for it: against a host that
   * answers, most are delivered by then and never cost a write.
   */
  protected schedule(): void {
    if (!this.store || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#save(CHARACTERS_PER_TASK);
    }, SAVE_INTERVAL);
  }

  /** Goes on with a write too large for one task, in the next. */
  #writeSoon(): void {
    if (!this.store || this.#soon !== undefined) return;
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      this.#save(CHARACTERS_PER_TASK);
    }, 0);
  }

  /**
   * Writes about `budget` characters' worth of what changed, and the rest in the next tasks. If another page removed
   * this logger's keys, every event held is written again.
   */
  #save(budget: number): void {
    const store = this.store;
    if (!store) return;
    if (!store.intact()) {
      store.forget();
      this.reset(this.#queue.snapshot());
    }
    const refused = this.write(store, budget);
    if (refused) return this.#refuse(...refused);
    if (this.pending) this.#writeSoon();
    else this.#refused = false;
  }

  /** Storage refused a write: its events stay in memory, to be written when there is room; said once. */
  #refuse(fault: StorageFault, kept: number): void {
    if (this.#refused) return;
    this.#refused = true;
    this.#say(fault, kept);
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
