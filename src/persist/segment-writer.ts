/**
 * What a write to storage holds: which held event is in which stored segment, and what changed since the last write.
 * `QueuePersistence` is a `SegmentWriter` that decides when to write; as the queue's keeper, this hears each event
 * held, changed and gone, and asks for a write (`schedule()`) when there is something to write:
 * - new events fill the last segment up, then start new ones of `SEGMENT_SIZE` events; an event settled before it
 *   was written is never written;
 * - a segment whose events changed (ids stamped, given up, some settled) is written again without its settled ones,
 *   and one whose events are all settled is removed at once;
 * - a write storage refused leaves its events unwritten again (the store removed the segment rather than leave it
 *   stale), to be written by the next write that has room.
 */
import type { QueueKeeper, QueuedEvent } from '../queue/queued-event.js';
import { Fifo } from '../queue/fifo.js';
import type { QueueStore } from './queue-store.js';
import type { StorageFault } from './storage-problems.js';

/** Events in one segment: a write costs at most this many events (about 220,000 characters at the most). */
export const SEGMENT_SIZE = 100;

interface Segment {
  n: number;
  items: QueuedEvent[];
  /** Its events not yet settled: at 0 the segment is removed. */
  live: number;
}

/** What storage refused, and how many events are now in memory only. */
export type Refused = [fault: StorageFault, kept: number];

/**
 * The queue's keeper, for a subclass that decides when to write (`QueuePersistence`): a base class rather than a
 * member, so that the queue's calls reach it without being passed on.
 */
export abstract class SegmentWriter implements QueueKeeper {
  /** Where segments are written, while persistence is on. */
  protected store: QueueStore | undefined;
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

  /** There is something to write: when it is written is the subclass's to decide. */
  protected abstract schedule(): void;

  /** Whether anything is left to write. */
  protected get pending(): boolean {
    return this.#stale.size > 0 || this.#unwritten.length > 0;
  }

  /** Knows of no segment written: `items` are to be written (every event held, or none). */
  protected reset(items: QueuedEvent[]): void {
    this.#segments.clear();
    this.#stale.clear();
    this.#segmentOf = new WeakMap();
    this.#tail = undefined;
    this.#unwritten = new Fifo(items);
  }

  held(item: QueuedEvent): void {
    this.#unwritten.push(item);
    this.schedule();
  }

  changed(item: QueuedEvent): void {
    const segment = this.#segmentOf.get(item);
    if (segment === undefined) return; // written as it is now when its turn comes
    this.#stale.add(segment);
    this.schedule();
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
      return this.schedule();
    }
    this.#segments.delete(segment.n);
    this.#stale.delete(segment);
    this.store?.remove(segment.n);
  }

  /**
   * Writes about `budget` characters' worth of segments to `store`: stale ones first (they hold older events), then
   * new ones from the unwritten events still held. Stops at the first write storage refused, and returns that.
   */
  protected write(store: QueueStore, budget: number): Refused | undefined {
    let left = budget;
    for (const segment of this.#stale) {
      if (left <= 0) break;
      left -= sizeOf(segment.items);
      const refused = this.#rewrite(store, segment);
      if (refused) return refused;
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
    return undefined;
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

  /** Forgets a segment the store removed (it refused to write it): its events are unwritten again. */
  #drop(segment: Segment): void {
    this.#segments.delete(segment.n);
    this.#stale.delete(segment);
    for (const item of segment.items) if (this.#segmentOf.get(item) === segment) this.#segmentOf.delete(item);
    if (this.#tail === segment) this.#tail = undefined;
  }

  /** Writes a segment again with its events as they are now; what storage refused, if it did. */
  #rewrite(store: QueueStore, segment: Segment): Refused | undefined {
    this.#stale.delete(segment);
    const items = segment.items.filter((item) => this.#segmentOf.get(item) === segment);
    segment.items = items;
    const refused = store.write(segment.n, items);
    if (!refused) return undefined;
    // The store removed it rather than leave it stale: its events are unwritten again.
    this.#drop(segment);
    return this.#refuse(refused, items);
  }

  /** Storage refused `items`: they are unwritten again, ahead of the others, to be written when there is room. */
  #refuse(refused: StorageFault, items: QueuedEvent[]): Refused {
    this.#unwritten = new Fifo([...items, ...this.#unwritten.toArray()].filter((item) => item.state !== 'done'));
    return [refused, this.#unwritten.length];
  }
}

function sizeOf(items: readonly QueuedEvent[]): number {
  let size = 0;
  for (const item of items) size += item.size ?? 0;
  return size;
}
