/**
 * The stored format: the one module that knows the storage keys, the Web Lock names, the version and how a segment
 * is written. `QueueStore` decides when to write and whom to take over from; the reader (`stored-segments.ts`, a
 * part of its own) reads segments back with what this module says.
 *
 * Keys: an owner's index `cif-kpi-logger:v2:<owner>` lists its segments `cif-kpi-logger:v2:<owner>:<n>`; the owner
 * holds the Web Lock `cif-kpi-logger:owner:<owner>` while it keeps a queue in storage. Keys that do not start with
 * `cif-kpi-logger:` are never read, written or removed.
 */
import type { QueuedEvent } from '../queue/queued-event.js';
import type { CifKpiEvent, DeliveryContext } from '../vocabulary/cif-contract.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';

const PREFIX = 'cif-kpi-logger:v2:';
const LOCK_PREFIX = 'cif-kpi-logger:owner:';
/** In an owner's index: its page has gone (`pagehide`), though its Web Lock may not be let go yet. */
export const LEFT = 'left';
/**
 * Storage format version, written with every segment: 3 adds the session an event waiting for its ids is bound to
 * (`s`), which a reader of version 2 would not know of (it drops such segments as unreadable rather than misread
 * them).
 */
const VERSION = 3;
/** The versions a reader takes back; any other is dropped as `stored-unreadable`, never misread. */
export const READ_VERSIONS: readonly number[] = [2, VERSION];
/** The longest error message stored with failed events (the whole message stays in memory and in the events). */
const STORED_MESSAGE_LIMIT = 500;

/** The key of an owner's index. */
export const indexKey = (owner: string): string => PREFIX + owner;
/** The key of an owner's segment `n`. */
export const segmentKey = (owner: string, n: number): string => `${PREFIX}${owner}:${n}`;
/** The Web Lock an owner holds while it keeps a queue in storage. */
export const lockName = (owner: string): string => LOCK_PREFIX + owner;

/** The owner a storage key belongs to, or undefined for a key that is not the logger's. */
export const ownerOf = (key: string): string | undefined =>
  key.startsWith(PREFIX) ? key.slice(PREFIX.length).split(':')[0] : undefined;

/** The number of a segment key (-1 when it has none). */
export function segmentNumber(key: string): number {
  const n = Number(key.slice(key.lastIndexOf(':') + 1));
  return Number.isFinite(n) ? n : -1;
}

/** Whether an index says its page went (`pagehide` writes `LEFT` into it). */
export const saysLeft = (index: string | null): boolean => index?.includes(`"${LEFT}"`) ?? false;

/**
 * One segment as stored: the contexts and errors its events share, each once (an error's message capped), and
 * the events referring to them by index.
 */
export function serialise(items: readonly QueuedEvent[]): string {
  const owners = new Map<string, number>();
  const contexts = new Map<string, number>();
  const problems: CifKpiProblem[] = [];
  const stored = items.map((item) => {
    const dot = item.id.lastIndexOf('.');
    const number = item.id.slice(dot + 1);
    const entry: StoredItem =
      dot > 0 && /^\d{1,15}$/.test(number)
        ? { o: indexOf(owners, item.id.slice(0, dot)), n: Number(number), e: item.event, t: item.heldSince }
        : { id: item.id, e: item.event, t: item.heldSince };
    if (item.attempts > 0) entry.a = item.attempts;
    if (item.context) entry.c = indexOf(contexts, JSON.stringify(item.context));
    else if (item.binding) entry.s = item.binding.s ?? null;
    if (item.problem) entry.p = indexOf(problems, item.problem);
    return entry;
  });
  return JSON.stringify({
    v: VERSION,
    owners: [...owners.keys()],
    contexts: [...contexts.keys()].map((text) => JSON.parse(text) as DeliveryContext),
    problems: problems.map(({ code, message }) => ({ code, message: message.slice(0, STORED_MESSAGE_LIMIT) })),
    items: stored,
  });
}

/**
 * One event as a segment stores it, briefly: its id as the index of its owner in the segment's `owners` and its
 * number (`<owner>.<n>`), or whole when it has another form.
 */
interface StoredItem {
  o?: number;
  n?: number;
  id?: string;
  e: CifKpiEvent;
  /** When it was captured (`heldSince`). */
  t: number;
  /** Failed calls, when there were any. */
  a?: number;
  /** Index of its context in the segment's `contexts`. */
  c?: number;
  /** Without a context, with `auto-context`: the session it waits for the ids of (null: none, or not decided). */
  s?: string | null;
  /** Index of its error in the segment's `problems`. */
  p?: number;
}

/** The index of `value` in a list of distinct values (a Map, for texts), added if it is new. */
function indexOf<T>(list: T[] | Map<T, number>, value: T): number {
  if (list instanceof Map) {
    const known = list.get(value);
    if (known !== undefined) return known;
    list.set(value, list.size);
    return list.size - 1;
  }
  const index = list.indexOf(value);
  return index >= 0 ? index : list.push(value) - 1;
}
