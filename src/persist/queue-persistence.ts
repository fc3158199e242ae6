import type { QueuedEvent } from '../queue/delivery-queue.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';
import { QueueStore } from './queue-store.js';

/** What persistence needs of the queue it keeps. */
export interface PersistedQueue {
  /** Everything held and failed, oldest first. */
  snapshot(): QueuedEvent[];
  /** Takes back events stored by an earlier page. */
  restore(items: readonly QueuedEvent[]): number;
  /** Holds sending while stored events are read back, so that they go first. */
  pause(): void;
  resume(): void;
}

/** How often the queue is written at most, besides at once when the page is hidden or goes. */
const SAVE_INTERVAL = 1000;

/**
 * When a logger's queue is written to storage: within `SAVE_INTERVAL` of a change, and at once on `pagehide`,
 * when the page is hidden, and when the logger is removed. It owns those page listeners, reads back what an
 * earlier page left (before anything newer is sent), and reports a storage fault once (`storage-unavailable`),
 * after which the logger keeps working in memory.
 *
 * Saving follows persistence being on, not the logger being connected: a removed logger still delivers, and its
 * entry must still be brought up to date when the page goes.
 */
export class QueuePersistence {
  #queue: PersistedQueue;
  #ownerId: string;
  #onProblem: (problem: CifKpiProblem) => void;
  #onUnreadable: (count: number) => void;
  #store: QueueStore | undefined;
  #problemReported = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `onProblem` hears a storage fault (once); `onUnreadable` how many events left by an earlier page could not be
   * read back (they are dropped).
   */
  constructor(
    queue: PersistedQueue,
    ownerId: string,
    onProblem: (problem: CifKpiProblem) => void,
    onUnreadable: (count: number) => void,
  ) {
    this.#queue = queue;
    this.#ownerId = ownerId;
    this.#onProblem = onProblem;
    this.#onUnreadable = onUnreadable;
  }

  /** Starts keeping the queue in storage, after taking over what an earlier page of the tab left. */
  enable(): void {
    if (this.#store) return;
    const store = new QueueStore({ ownerId: this.#ownerId });
    this.#store = store;
    window.addEventListener('pagehide', this.saveNow);
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    // Events left by the page before a reload are older than anything captured here: they go first.
    this.#queue.pause();
    void store
      .open()
      .then(({ restored, unreadable, problem }) => {
        if (problem) this.#report(problem);
        // Taken over from storage, they are this logger's to deliver even if persistence was turned off meanwhile.
        else this.#queue.restore(restored);
        if (unreadable > 0) this.#onUnreadable(unreadable);
      })
      .finally(() => this.#queue.resume());
  }

  /** Stops keeping the queue in storage and removes what this logger stored. */
  disable(): void {
    if (!this.#store) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#store.close();
    this.#store = undefined;
    window.removeEventListener('pagehide', this.saveNow);
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.#queue.resume();
  }

  /** What the queue holds changed: it is written within the save interval. */
  changed(): void {
    if (!this.#store || this.#timer !== undefined) return;
    this.#timer = setTimeout(this.saveNow, SAVE_INTERVAL);
  }

  /** Writes the queue now. */
  saveNow = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const problem = this.#store?.save(this.#queue.snapshot());
    if (problem) this.#report(problem);
  };

  #onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') this.saveNow();
  };

  #report(problem: CifKpiProblem): void {
    if (this.#problemReported) return;
    this.#problemReported = true;
    this.#onProblem(problem);
  }
}
