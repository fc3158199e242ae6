import { normaliseKpiEvent } from '../normalise/kpi-event.js';
import { resolveContext } from '../normalise/delivery-context.js';
import type { QueuedEvent } from '../queue/delivery-queue.js';
import { CALL_FIELDS } from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';

/**
 * Keeps a logger's queue in the tab's sessionStorage so that it survives a reload, and hands events left by an
 * earlier page of the tab to exactly one logger of the next.
 *
 * Each logger is an *owner* with a random id. It writes its queue under `cif-kpi-logger:v1:<owner>` and holds
 * the Web Lock `cif-kpi-logger:owner:<owner>` for as long as its document lives. When a page starts, the first
 * logger to open a store looks at every stored queue of another owner:
 * - its lock can be taken: that page is gone (reloaded or navigated away), so its events are taken over, once;
 * - its lock stays held: a live page owns it — a sibling frame sharing this storage, or the original of a
 *   duplicated tab whose storage this tab copied. The entry is removed here without being sent: the live owner
 *   still has those events in memory and writes them again on its next save (at the latest when it is hidden),
 *   and in a duplicated tab the copy would otherwise be sent a second time once the original closes.
 */

const KEY_PREFIX = 'cif-kpi-logger:v1:';
const LOCK_PREFIX = 'cif-kpi-logger:owner:';
/** Storage format version, written with every entry. */
const VERSION = 1;

/** The loggers of one document: their own entries are never taken over, and only the first takes over. */
export interface DocumentOwners {
  owners: Set<string>;
  /** Whether a logger of this document has already looked for entries left by an earlier page. */
  tookOver: boolean;
}

const thisDocument: DocumentOwners = { owners: new Set(), tookOver: false };

/** How long to wait for the lock of a page that may still be unloading, in ms. */
const UNLOAD_GRACE = 1000;

export function newOwnerId(): string {
  const random = globalThis.crypto?.randomUUID?.();
  return random ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
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
}

export class QueueStore {
  readonly ownerId: string;
  readonly key: string;
  #storage: () => Storage | undefined;
  #locks: LockManager | undefined;
  #here: DocumentOwners;
  #release: (() => void) | undefined;
  #closed = false;

  constructor(options: QueueStoreOptions) {
    this.ownerId = options.ownerId;
    this.key = KEY_PREFIX + options.ownerId;
    this.#storage = options.storage ?? sessionStorageOrUndefined;
    this.#locks = 'locks' in options ? options.locks : globalThis.navigator?.locks;
    this.#here = options.documentOwners ?? thisDocument;
  }

  /**
   * Takes ownership and returns the events left by earlier pages of this tab (oldest first) with how many of
   * them could not be read back, or a problem when storage cannot be used here.
   */
  async open(): Promise<{ restored: QueuedEvent[]; unreadable: number; problem?: CifKpiProblem }> {
    const storage = this.#storage();
    const none = { restored: [], unreadable: 0 };
    if (!storage) return { ...none, problem: unavailable('sessionStorage is not available on this page') };
    try {
      storage.getItem(this.key);
    } catch (error) {
      return { ...none, problem: unavailable(`sessionStorage cannot be read: ${describeError(error)}`) };
    }
    this.#here.owners.add(this.ownerId);
    if (this.#locks) await this.#holdOwnLock(this.#locks);
    if (this.#here.tookOver) return none;
    this.#here.tookOver = true;

    const others: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(KEY_PREFIX) && !this.#here.owners.has(key.slice(KEY_PREFIX.length))) others.push(key);
    }
    const taken = await Promise.all(others.map((key) => this.#takeOver(storage, key)));
    const restored = taken.flatMap(({ items }) => items).sort((a, b) => a.heldSince - b.heldSince);
    return { restored, unreadable: taken.reduce((sum, { unreadable }) => sum + unreadable, 0) };
  }

  /** Writes the queue (or removes the entry when it is empty). Returns a problem if storage refused it. */
  save(items: readonly QueuedEvent[]): CifKpiProblem | undefined {
    if (this.#closed) return undefined;
    const storage = this.#storage();
    if (!storage) return unavailable('sessionStorage is not available on this page');
    try {
      if (items.length === 0) storage.removeItem(this.key);
      else storage.setItem(this.key, JSON.stringify({ v: VERSION, items: items.map(toStored) }));
      return undefined;
    } catch (error) {
      return unavailable(`the queue could not be stored: ${describeError(error)}`);
    }
  }

  /** Removes this owner's entry and gives up ownership (persistence turned off). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#storage()?.removeItem(this.key);
    } catch {
      // Nothing stored, nothing to remove.
    }
    this.#here.owners.delete(this.ownerId);
    this.#release?.();
  }

  #holdOwnLock(locks: LockManager): Promise<void> {
    return new Promise<void>((held) => {
      locks
        .request(LOCK_PREFIX + this.ownerId, () => {
          held();
          return new Promise<void>((release) => (this.#release = release));
        })
        .catch(() => held());
    });
  }

  async #takeOver(storage: Storage, key: string): Promise<ReadBack> {
    const owner = key.slice(KEY_PREFIX.length);
    const take = () => {
      const read = parseEntry(storage.getItem(key));
      storage.removeItem(key);
      return read;
    };
    if (!this.#locks) return take();
    try {
      return await this.#locks.request(LOCK_PREFIX + owner, { signal: AbortSignal.timeout(UNLOAD_GRACE) }, take);
    } catch {
      // The owner is alive: its entry is not ours to send (see the module comment).
      storage.removeItem(key);
      return { items: [], unreadable: 0 };
    }
  }
}

function toStored(item: QueuedEvent): QueuedEvent {
  const stored: QueuedEvent = { id: item.id, event: item.event, attempts: item.attempts, heldSince: item.heldSince };
  if (item.context) stored.context = item.context;
  if (item.problem) stored.problem = item.problem;
  return stored;
}

/** What was read back from stored entries: the events, and how many could not be read. */
export interface ReadBack {
  items: QueuedEvent[];
  unreadable: number;
}

/**
 * Reads a stored entry item by item, through own properties only: an item that is damaged (or was not written by
 * this logger) is counted as unreadable and the others are kept. Never throws.
 */
function parseEntry(text: string | null): ReadBack {
  if (!text) return { items: [], unreadable: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON at all: as many events are lost as it seems to have held.
    return { items: [], unreadable: Math.max(1, text.split('"id":').length - 1) };
  }
  const items = own(parsed, 'items');
  if (own(parsed, 'v') !== VERSION || !Array.isArray(items)) {
    return { items: [], unreadable: Array.isArray(items) ? items.length : 1 };
  }
  const out: QueuedEvent[] = [];
  let unreadable = 0;
  for (const raw of items) {
    const item = readItem(raw);
    if (item) out.push(item);
    else unreadable += 1;
  }
  return { items: out, unreadable };
}

/** One stored event, or undefined when it cannot be read back as one this logger wrote. */
function readItem(raw: unknown): QueuedEvent | undefined {
  try {
    const id = own(raw, 'id');
    const heldSince = own(raw, 'heldSince');
    if (typeof id !== 'string' || typeof heldSince !== 'number' || !Number.isFinite(heldSince)) return undefined;
    const normalised = normaliseKpiEvent(own(raw, 'event'), heldSince);
    if (!normalised.ok) return undefined;
    const attempts = own(raw, 'attempts');
    // Every field present: an absent one must not be read from a prototype a page polluted.
    const item: QueuedEvent = {
      id,
      event: normalised.event,
      context: undefined,
      attempts: typeof attempts === 'number' && attempts >= 0 ? attempts : 0,
      heldSince,
      problem: undefined,
    };
    const context = own(raw, 'context');
    if (context !== undefined) {
      // Written as text by this logger: anything else in a stored context means the item is damaged.
      const input: Record<string, string> = {};
      for (const field of CALL_FIELDS) {
        const value = own(context, field);
        if (value === undefined) continue;
        if (typeof value !== 'string') return undefined;
        input[field] = value;
      }
      const resolved = resolveContext(input);
      if (resolved.state.status !== 'complete') return undefined;
      item.context = resolved.state.context;
    }
    const stored = own(raw, 'problem');
    if (stored !== undefined) {
      const code = own(stored, 'code');
      const message = own(stored, 'message');
      if (typeof code !== 'string' || typeof message !== 'string') return undefined;
      item.problem = problem(code as CifKpiProblem['code'], message);
    }
    return item;
  } catch {
    return undefined;
  }
}

function unavailable(message: string): CifKpiProblem {
  return problem('storage-unavailable', `${message}; events are kept in memory only and will not survive a reload`);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
