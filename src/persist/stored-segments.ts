/**
 * Reading back what earlier pages of the tab stored: taking their keys over (see `QueueStore` for who may) and
 * reading each segment event by event, through own properties only. Loaded on demand, the first time a page finds
 * events another page left (its own chunk in the ES bundle).
 */
import { ContextBinding, resolveContext } from '../normalise/delivery-context.js';
import type { NormaliseResult } from '../normalise/usual-event.js';
import type { Lazy } from '../vocabulary/lazy.js';
import type { QueuedEvent } from '../queue/queued-event.js';
import type { StorageFault } from './storage-problems.js';
import { CALL_FIELDS, MAX_TIME, MIN_TIME, type CifKpiEvent, type DeliveryContext } from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { indexKey, lockName, READ_VERSIONS, saysLeft, segmentNumber } from './stored-format.js';

/** A normaliser: the usual event's (undefined for any other event), or the general one (`normaliseKpiEvent`). */
type Normalise = (detail: unknown, capturedAt: number) => NormaliseResult | undefined;

/** The normalisers the reader is given (the core has them: it imports neither itself). */
export interface Normalisers {
  usual: Normalise;
  general: Lazy<{ normaliseKpiEvent: Normalise }>;
}

/** What reading an event that only the general normaliser can read throws while it is not loaded. */
const NEEDS_CODE = Symbol('needs the general normaliser');

/** How long to wait for the lock of a page that may still be unloading, in ms. */
const UNLOAD_GRACE = 1000;

/** What was read back from stored entries: the events, and how many could not be read. */
export interface ReadBack {
  items: QueuedEvent[];
  unreadable: number;
  /** Some events can be read only by the general normaliser, which is not loaded: read again once it is. */
  needsCode?: boolean;
  /** The general normaliser could not be loaded: what is not read yet stays stored. */
  fault?: StorageFault;
}

/**
 * Takes over the keys of earlier pages (`others`: each owner's keys) and reads their events back, oldest first,
 * with how many could not be read. `taken` hears each page's events the moment its keys are removed.
 */
export async function takeOver(
  storage: Storage,
  others: ReadonlyMap<string, string[]>,
  locks: LockManager | undefined,
  taken: (items: QueuedEvent[]) => void,
  normalisers: Normalisers,
): Promise<{ restored: QueuedEvent[]; unreadable: number; fault?: StorageFault }> {
  // In capture order; events captured in the same millisecond by two pages, by page id. (The order of storage
  // keys differs between browsers, so it decides nothing.)
  const owners = [...others].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const reads = await Promise.all(
    owners.map(([owner, keys]) => takeOverOne(storage, owner, keys, locks, taken, normalisers)),
  );
  const restored = reads.flatMap(({ items }) => items).sort((a, b) => a.heldSince - b.heldSince);
  const fault = reads.find((read) => read.fault)?.fault;
  return { restored, unreadable: reads.reduce((sum, { unreadable }) => sum + unreadable, 0), fault };
}

/** One earlier page's keys, once its lock can be taken (it is gone); none of them when it stays held (alive). */
async function takeOverOne(
  storage: Storage,
  owner: string,
  keys: string[],
  locks: LockManager | undefined,
  taken: (items: QueuedEvent[]) => void,
  { usual, general }: Normalisers,
): Promise<ReadBack> {
  // One segment a task, in the order they were written: reading back a long queue is no long task, and if this
  // page goes meanwhile, the segments not yet taken are still there for the next one.
  const take = async () => {
    const segments = keys.filter((key) => key !== indexKey(owner)).sort((a, b) => segmentNumber(a) - segmentNumber(b));
    const read: ReadBack = { items: [], unreadable: 0 };
    for (const [index, key] of segments.entries()) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      const text = storage.getItem(key);
      const loaded = general.loaded?.normaliseKpiEvent;
      let entry = parseEntry(text, (detail, at) => usual(detail, at) ?? loaded?.(detail, at));
      if (entry.needsCode) {
        // Events that are not usual ones are read by the general normaliser, loaded now (before the key goes).
        try {
          const { normaliseKpiEvent } = await general();
          entry = parseEntry(text, (detail, at) => usual(detail, at) ?? normaliseKpiEvent(detail, at));
        } catch (error) {
          read.fault = { reader: error };
          return read;
        }
      }
      const { items, unreadable } = entry;
      storage.removeItem(key);
      read.items.push(...items);
      read.unreadable += unreadable;
      taken(items);
    }
    storage.removeItem(indexKey(owner));
    return read;
  };
  if (!locks) return take();
  if (saysLeft(storage.getItem(indexKey(owner)))) {
    // Its page went: its events are taken once it lets go of its lock, however long that takes. Until then the
    // queue does not wait for them (they are handed over through `taken` when they come).
    const later = locks.request(lockName(owner), take);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<ReadBack>(
      (resolve) => (timer = setTimeout(() => resolve({ items: [], unreadable: 0 }), UNLOAD_GRACE)),
    );
    // No timer is left running once the lock came first.
    return Promise.race([later, grace]).finally(() => clearTimeout(timer));
  }
  try {
    return await locks.request(lockName(owner), { signal: AbortSignal.timeout(UNLOAD_GRACE) }, take);
  } catch {
    // The owner is alive: its events are not ours to send (see `QueueStore`).
    for (const key of keys) storage.removeItem(key);
    return { items: [], unreadable: 0 };
  }
}

/**
 * Reads a stored entry item by item, through own properties only: an item that is damaged (or was not written by
 * this logger) is counted as unreadable and the others are kept. Never throws.
 */
export function parseEntry(text: string | null, normalise: Normalise): ReadBack {
  if (!text) return { items: [], unreadable: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON at all: as many events are lost as it seems to have held.
    return { items: [], unreadable: Math.max(1, text.split(/"e":|\],\[/).length - 1) };
  }
  const items = own(parsed, 'items');
  const version = own(parsed, 'v');
  if (!READ_VERSIONS.includes(version as number) || !Array.isArray(items)) {
    return { items: [], unreadable: Array.isArray(items) ? items.length : 1 };
  }
  // Each event stored briefly, with what the segment's events share stored once.
  const owners = own(parsed, 'owners');
  const stored = own(parsed, 'contexts');
  const contexts = Array.isArray(stored) ? stored.map(storedContext) : [];
  const problems = own(parsed, 'problems');
  const texts = own(parsed, 'texts');
  const t = own(parsed, 't');
  const shared = (list: unknown, index: unknown) =>
    Array.isArray(list) && typeof index === 'number' ? (list[index] as unknown) : undefined;
  const idOf = (o: unknown, n: unknown, whole: unknown) => {
    const owner = shared(owners, o);
    return typeof owner === 'string' && typeof n === 'number' ? `${owner}.${n}` : whole;
  };
  const out: QueuedEvent[] = [];
  let unreadable = 0;
  let needsCode = false;
  /** One stored event, or undefined when it is damaged (whatever it holds: never a throw). */
  const readRow = (raw: unknown): QueuedEvent | undefined => {
    try {
      let whole: Record<string, unknown>;
      let c: unknown;
      let more: unknown = raw;
      if (version === 4) {
        // A row: [owner, number, time, name, reason, context, more?] (see `serialise`).
        if (!Array.isArray(raw) || typeof t !== 'number') {
          return undefined;
        }
        const [o, n, dt, name, reason, context, rest] = raw as unknown[];
        more = rest;
        // A time no page can have captured (damaged) is unreadable, never a date that throws or is misread.
        const heldSince = typeof dt === 'number' && t + dt >= MIN_TIME && t + dt <= MAX_TIME ? t + dt : undefined;
        const texted = (index: unknown) => (typeof shared(texts, index) === 'string' ? shared(texts, index) : null);
        const e = own(more, 'e');
        const event: Record<string, unknown> = typeof e === 'object' && e !== null ? { ...e } : {};
        event.kpiEventName = texted(name);
        if (reason !== -1) event.kpiEventReason = texted(reason);
        // Written only when it is not the capture time's: then normalising makes it from the capture time.
        const ts = own(more, 'ts');
        if (ts !== undefined) event.eventTimestamp = ts;
        whole = { id: idOf(o, n, own(more, 'id')), event, heldSince, attempts: own(more, 'a') ?? 0 };
        c = context === -1 ? undefined : context;
      } else {
        whole = {
          id: idOf(own(raw, 'o'), own(raw, 'n'), own(raw, 'id')),
          event: own(raw, 'e'),
          heldSince: own(raw, 't'),
          attempts: own(raw, 'a') ?? 0,
        };
        c = own(raw, 'c');
      }
      const context = c === undefined ? undefined : typeof c === 'number' ? (contexts[c] ?? null) : null;
      return readBinding(readItem(whole, context, shared(problems, own(more, 'p')), normalise), own(more, 's'));
    } catch (error) {
      if (error === NEEDS_CODE) needsCode = true;
      return undefined;
    }
  };
  for (const raw of items) {
    const item = readRow(raw);
    if (item) out.push(item);
    else unreadable += 1;
  }
  return needsCode ? { items: [], unreadable: 0, needsCode } : { items: out, unreadable };
}

/**
 * One stored context as the ids an event is sent with: written as text by this logger, so anything else means it
 * is damaged (null). Events with the same ids share the object, as events captured together do.
 */
function storedContext(context: unknown): DeliveryContext | null {
  const input: Record<string, string> = {};
  for (const field of CALL_FIELDS) {
    const value = own(context, field);
    if (value === undefined) continue;
    if (typeof value !== 'string') return null;
    input[field] = value;
  }
  const resolved = resolveContext(input);
  if (resolved.state.status !== 'complete') return null;
  // One object for the same ids, whichever segment or page stored them, as when they were captured: the queue counts
  // the ids' size again only where they change, so what was held before the reload still fits after it.
  const text = JSON.stringify(resolved.state.context);
  let shared = sameIds.get(text);
  if (!shared) {
    if (sameIds.size >= 64) sameIds.clear();
    sameIds.set(text, (shared = resolved.state.context));
  }
  return shared;
}

/** The ids read back, by their text. */
const sameIds = new Map<string, DeliveryContext>();

/**
 * An event that waited for its ids bound to a session (`s`, with `auto-context`): its ids come from that session
 * again, and from the ids set on the logger that takes it over.
 */
function readBinding(item: QueuedEvent | undefined, session: unknown): QueuedEvent | undefined {
  if (!item || session === undefined) return item;
  if (item.context || (session !== null && typeof session !== 'string')) return undefined;
  item.binding = new ContextBinding(undefined, item.heldSince);
  item.binding.s = session;
  return item;
}

/** One stored event, or undefined when it cannot be read back as one this logger wrote. */
function readItem(
  raw: unknown,
  context: DeliveryContext | null | undefined,
  storedProblem: unknown,
  normalise: Normalise,
): QueuedEvent | undefined {
  try {
    const id = own(raw, 'id');
    const heldSince = own(raw, 'heldSince');
    if (typeof id !== 'string' || typeof heldSince !== 'number' || !(heldSince >= MIN_TIME && heldSince <= MAX_TIME))
      return undefined;
    const stored = own(raw, 'event');
    const normalised = normalise(stored, heldSince);
    if (!normalised) throw NEEDS_CODE;
    // Read back only as it was written: a value the normaliser had to convert, cut or leave out was not ours.
    if (!normalised.ok || normalised.warnings.length > 0 || !asWritten(stored, normalised.event)) return undefined;
    const attempts = own(raw, 'attempts');
    // Every field present: an absent one must not be read from a prototype a page polluted.
    const item: QueuedEvent = {
      id,
      event: normalised.event,
      context: undefined,
      attempts: typeof attempts === 'number' && attempts >= 0 ? attempts : 0,
      heldSince,
      problem: undefined,
      size: normalised.size,
    };
    if (context === null) return undefined;
    item.context = context;
    if (storedProblem !== undefined) {
      const code = own(storedProblem, 'code');
      const message = own(storedProblem, 'message');
      if (typeof code !== 'string' || typeof message !== 'string') return undefined;
      item.problem = problem(code as CifKpiProblem['code'], message);
    }
    return item;
  } catch (error) {
    if (error === NEEDS_CODE) throw error;
    return undefined;
  }
}

/** Whether `event` has the fields `stored` holds, each as the logger writes it (texts as they are). */
function asWritten(stored: unknown, event: CifKpiEvent): boolean {
  if (Object.keys(stored as object).some((field) => !Object.prototype.hasOwnProperty.call(event, field))) return false;
  for (const [field, value] of Object.entries(event)) {
    const given = own(stored, field);
    if (field === 'eventTimestamp' && given === undefined) continue; // not stored: its capture time's
    if (field === 'customData' ? JSON.stringify(given) !== JSON.stringify(value) : given !== value) return false;
  }
  return true;
}
