import type { QueuedEvent } from '../queue/queued-event.js';
import type { StorageFault } from './storage-problems.js';
import { lazy } from '../vocabulary/lazy.js';
import { loadNormaliser } from '../normalise/general.js';
import { usualEvent } from '../normalise/usual-event.js';
import { indexKey, LEFT, lockName, ownerOf, segmentKey, serialise } from './stored-format.js';

/**
 * Keeps a logger's queue in the tab's sessionStorage so that it survives a reload, and hands events left by an
 * earlier page of the tab to exactly one logger of the next.
 *
 * Storage is written in *segments*: fixed runs of events under keys of their own, listed by the owner's index (the
 * keys and what a segment holds are the stored format's: `stored-format.ts`). A write costs one segment, never the
 * whole queue; a segment whose events are all settled is removed.
 *
 * Each logger is an *owner* with a random id, holding its Web Lock for as long as it keeps its queue in storage
 * (until its document goes, or until it closes its store: its keys are removed first).
 * When a page starts, the first logger to open a store looks at every other owner's queue (never one of its own
 * document's, even closed):
 * - its lock can be taken: that page is gone (reloaded or navigated away), so its events are taken over, once;
 * - its lock is held, and its index says its page went (`pagehide` writes `LEFT` into it): the page is still being
 *   unloaded (a browser can take seconds to let go of its lock), so its events are taken over once it has let go;
 * - its lock stays held otherwise: a live page owns it — a sibling frame sharing this storage, or the original of a
 *   duplicated tab whose storage this tab copied. Its keys are removed here without being sent: the live owner
 *   still has those events in memory, sees its index gone at its next save (at the latest when it is hidden) and
 *   writes them all again, and in a duplicated tab the copy would otherwise be sent a second time once the
 *   original closes.
 */

type Reader = typeof import('./stored-segments.js');
/** Reading back what earlier pages stored: a part loaded when a page finds stored events. */
const loadReader = lazy(() => import('./stored-segments.js'));

/** The loggers of one document: their own entries are never taken over, and only the first takes over. */
export interface DocumentOwners {
  owners: Set<string>;
  /** Whether a logger of this document has already looked for entries left by an earlier page. */
  tookOver: boolean;
}

const thisDocument: DocumentOwners = { owners: new Set(), tookOver: false };

/** A new owner's id: unique within the tab (the time, then about 50 random bits), short in every stored key. */
export function newOwnerId(): string {
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage ?? undefined;
  } catch {
    // Sandboxed frames and blocked storage throw on access.
    return undefined;
  }
}

export interface QueueStoreOptions {
  ownerId: string;
  /** Where to store; default: the tab's sessionStorage. */
  storage?: () => Storage | undefined;
  /** Web Locks; default: `navigator.locks`. Without them, every entry of another owner is taken over. */
  locks?: LockManager | undefined;
  /** The loggers of this document; default: shared by every store of this document. */
  documentOwners?: DocumentOwners;
  /** Loads the code that reads stored segments back; default: its chunk, loaded on demand. */
  reader?: () => Promise<Reader>;
}

export class QueueStore {
  readonly ownerId: string;
  #storage: () => Storage | undefined;
  #locks: LockManager | undefined;
  #here: DocumentOwners;
  #release: (() => void) | undefined;
  #closed = false;
  #reader: () => Promise<Reader>;
  /** The segments this owner has written, as its index lists them. */
  #segments = new Set<number>();

  constructor(options: QueueStoreOptions) {
    this.ownerId = options.ownerId;
    this.#storage = options.storage ?? sessionStorageOrUndefined;
    this.#locks = 'locks' in options ? options.locks : globalThis.navigator?.locks;
    this.#here = options.documentOwners ?? thisDocument;
    this.#reader = options.reader ?? loadReader;
  }

  /** The key of this owner's index. */
  get indexKey(): string {
    return indexKey(this.ownerId);
  }

  /**
   * Takes ownership and returns the events left by earlier pages of this tab (oldest first) with how many of
   * them could not be read back, or what went wrong when storage cannot be used here. `taken` hears each earlier
   * page's events the moment its keys are removed (in the same task), so that no event is only in memory, waiting
   * for another page's lock, when this page goes.
   */
  async open(
    taken: (items: QueuedEvent[]) => void = () => {},
  ): Promise<{ restored: QueuedEvent[]; unreadable: number; fault?: StorageFault }> {
    const storage = this.#storage();
    const none = { restored: [], unreadable: 0 };
    if (!storage) return { ...none, fault: { missing: true } };
    try {
      storage.getItem(this.indexKey);
    } catch (error) {
      return { ...none, fault: { read: error } };
    }
    this.#here.owners.add(this.ownerId);
    if (this.#locks) await this.#holdOwnLock(this.#locks);
    // Closed meanwhile (its logger let go at once): another store of the document takes over.
    if (this.#closed || this.#here.tookOver) return none;
    this.#here.tookOver = true;

    const others = new Map<string, string[]>();
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      const owner = key === null ? undefined : ownerOf(key);
      if (owner === undefined || this.#here.owners.has(owner)) continue;
      others.set(owner, [...(others.get(owner) ?? []), key!]);
    }
    if (others.size === 0) return none;
    let reader: Reader;
    try {
      reader = await this.#reader();
    } catch (error) {
      // Left where they are: the next page tries again.
      this.#here.tookOver = false;
      return { ...none, fault: { reader: error } };
    }
    const read = await reader.takeOver(storage, others, this.#locks, taken, {
      usual: usualEvent,
      general: loadNormaliser,
    });
    // What could not be read yet is left where it is: the next page tries again.
    if (read.fault) this.#here.tookOver = false;
    return read;
  }

  /**
   * Writes segment `n` with `items` (replacing what it held), or removes it when `items` is empty. Returns what
   * went wrong if storage refused it; the segment is then not stored at all (never left stale).
   */
  write(n: number, items: readonly QueuedEvent[]): StorageFault | undefined {
    if (this.#closed) return undefined;
    if (items.length === 0) return this.remove(n);
    const storage = this.#storage();
    if (!storage) return { missing: true };
    try {
      storage.setItem(segmentKey(this.ownerId, n), serialise(items));
    } catch (error) {
      this.remove(n);
      return { write: error };
    }
    if (!this.#segments.has(n)) {
      this.#segments.add(n);
      return this.#writeIndex(storage);
    }
    return undefined;
  }

  /** Removes segment `n`. */
  remove(n: number): StorageFault | undefined {
    const storage = this.#storage();
    try {
      storage?.removeItem(segmentKey(this.ownerId, n));
    } catch {
      // Nothing stored, nothing to remove.
    }
    if (!this.#segments.delete(n) || !storage) return undefined;
    return this.#writeIndex(storage);
  }

  /**
   * Whether this owner's keys are as it wrote them. False when another page removed them (see the module
   * comment): everything must then be written again.
   */
  intact(): boolean {
    if (this.#segments.size === 0) return true;
    try {
      return this.#storage()?.getItem(this.indexKey) !== null;
    } catch {
      return false;
    }
  }

  /** Forgets the segments written so far (after `intact()` said they are gone), removing any that are left. */
  forget(): void {
    for (const n of [...this.#segments]) this.remove(n);
    this.#segments.clear();
  }

  /**
   * Removes this owner's keys, then gives up its Web Lock (persistence turned off, or its logger let go): a later
   * page never finds keys of a lock it can take. The owner stays one of this document's, never taken over here.
   */
  close(): void {
    if (this.#closed) return;
    this.forget();
    try {
      this.#storage()?.removeItem(this.indexKey);
    } catch {
      // Nothing stored, nothing to remove.
    }
    this.#closed = true;
    this.#release?.();
  }

  /**
   * The page is going (`pagehide`): its index says so (`LEFT`), and the next page waits for its Web Lock however
   * long it takes to be let go, rather than take the page for a live one.
   */
  leaving(): void {
    const storage = this.#storage();
    if (storage) this.#writeIndex(storage, LEFT);
  }

  #writeIndex(storage: Storage, left?: string): StorageFault | undefined {
    try {
      if (this.#segments.size === 0) storage.removeItem(this.indexKey);
      else storage.setItem(this.indexKey, JSON.stringify(left ? [...this.#segments, left] : [...this.#segments]));
      return undefined;
    } catch (error) {
      return { write: error };
    }
  }

  #holdOwnLock(locks: LockManager): Promise<void> {
    return new Promise<void>((held) => {
      locks
        .request(lockName(this.ownerId), () => {
          held();
          // Closed before it was granted: given back at once.
          return this.#closed ? undefined : new Promise<void>((release) => (this.#release = release));
        })
        .catch(held);
    });
  }
}
