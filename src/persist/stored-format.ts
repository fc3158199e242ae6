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
 * Storage format version, written with every segment. 4 writes each event as a row of numbers that refer to what the
 * segment's events share, each written once: their owners, ids, errors and texts (names and reasons), and capture
 * times as offsets from the segment's first. 3 added the session an event waiting for its ids is bound to (`s`).
 * A reader drops a segment of a version it does not know as unreadable rather than misread it.
 */
const VERSION = 4;
/** The versions a reader takes back; any other is dropped as `stored-unreadable`, never misread. */
export const READ_VERSIONS: readonly number[] = [2, 3, VERSION];
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
 * One segment as stored (version 4): what its events share, each once (an error's message capped), and each event
 * as a row `[owner, number, time, name, reason, context, more?]`: its id `<owner>.<number>` (owner -1: the id is
 * `more.id`), its capture time as an offset from the segment's `t`, its name and reason as indexes in `texts`
 * (reason -1: none), its ids as an index in `contexts` (-1: none yet). `more` holds the rest, when there is any:
 * the event's other fields (`e`), its timestamp when it is not its capture time's (`ts`), failed calls (`a`), the
 * session it waits for (`s`, with `auto-context`) and its error (`p`, an index in `problems`).
 */
export function serialise(items: readonly QueuedEvent[]): string {
  const owners = new Map<string, number>();
  const contexts = new Map<string, number>();
  const texts = new Map<string, number>();
  const problems: CifKpiProblem[] = [];
  const t = items[0]?.heldSince ?? 0;
  const rows = items.map(({ id, event, heldSince, attempts, context, binding, problem }) => {
    const dot = id.lastIndexOf('.');
    // A number as JSON writes it back (`007` is not one: such an id is stored whole).
    const numbered = dot > 0 && /^(0|[1-9]\d{0,14})$/.test(id.slice(dot + 1));
    const { kpiEventName, kpiEventReason, eventTimestamp, ...e } = event;
    const more: StoredMore = {};
    if (!numbered) more.id = id;
    if (hasAny(e)) more.e = e;
    // Normalised timestamps are written one way (as `toISOString` does): the same instant is the same text.
    if (Date.parse(eventTimestamp) !== heldSince) more.ts = eventTimestamp;
    if (attempts > 0) more.a = attempts;
    if (!context && binding) more.s = binding.s ?? null;
    if (problem) more.p = indexOf(problems, problem);
    const row: StoredRow = [
      numbered ? indexOf(owners, id.slice(0, dot)) : -1,
      numbered ? Number(id.slice(dot + 1)) : 0,
      heldSince - t,
      indexOf(texts, kpiEventName),
      kpiEventReason === undefined ? -1 : indexOf(texts, kpiEventReason),
      context ? indexOf(contexts, JSON.stringify(context)) : -1,
    ];
    if (hasAny(more)) row.push(more);
    return row;
  });
  return JSON.stringify({
    v: VERSION,
    t,
    owners: [...owners.keys()],
    contexts: [...contexts.keys()].map((text) => JSON.parse(text) as DeliveryContext),
    problems: problems.map(({ code, message }) => ({ code, message: message.slice(0, STORED_MESSAGE_LIMIT) })),
    texts: [...texts.keys()],
    items: rows,
  });
}

/** One event as a segment stores it: `[owner, number, time, name, reason, context, more?]` (see `serialise`). */
export type StoredRow = [number, number, number, number, number, number, StoredMore?];

/** What a stored event has beyond the usual, when it has any (see `serialise`). */
export interface StoredMore {
  id?: string;
  e?: Partial<CifKpiEvent>;
  ts?: string;
  a?: number;
  s?: string | null;
  p?: number;
}

/** Whether an object has any own field. */
function hasAny(object: object): boolean {
  return Object.keys(object).length > 0;
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
