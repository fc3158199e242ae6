/**
 * Which events markup listens for, and the part that reads it: the reader is loaded the first time a `data-kpi`
 * element fires (or markup asks for an event type, or the stub kept a click). Meanwhile the controller holds each
 * event with what its element said then (`snapshotOf`).
 */
import { lazy } from '../vocabulary/lazy.js';
import { problem } from '../vocabulary/problems.js';
import type { CaptureSink, HeardAt } from './held-events.js';
import { DEFAULT_TRIGGERS, markupDetail, type MarkupSnapshot } from './markup-attributes.js';
import type { MarkupTaker } from './markup-reader.js';

/** Reading markup: loaded once per page, shared by every logger. */
export const loadMarkupReader = lazy(() => import('./markup-reader.js'));

/** What the intake tells its controller. */
export interface MarkupIntakeHost {
  listen(type: string): void;
  unlisten(type: string): void;
  /** The reader arrived: held markup can be read. */
  arrived(): void;
  /** The reader could not be loaded: held markup is read without it (the next need tries again). */
  unavailable(): void;
}

export class MarkupIntake {
  #sink: CaptureSink;
  #host: MarkupIntakeHost;
  #types = new Set<string>();
  /** `data-kpi-on` types listened for before the reader could check them, with the element that asked. */
  #unchecked: Array<[type: string, element: Element]> = [];
  #taker: MarkupTaker | undefined;
  /** The reader, while it loads for this logger. */
  loading: Promise<void> | undefined;

  constructor(sink: CaptureSink, host: MarkupIntakeHost) {
    this.#sink = sink;
    this.#host = host;
    for (const type of DEFAULT_TRIGGERS) this.#listen(type);
  }

  /** Whether markup listens for events of `type`. */
  hears(type: string): boolean {
    return this.#types.has(type);
  }

  /** This logger's reader, once the part is there (loaded by any logger). */
  get reader(): MarkupTaker | undefined {
    const part = loadMarkupReader.loaded;
    return (this.#taker ??= part && new part.MarkupTaker(this.#sink));
  }

  /**
   * A `data-kpi-on` type found in scope: listened for, unless it fires by itself. Before the reader has checked it,
   * it is listened for already (what is heard of it is held, and let go if it is refused).
   */
  asks(type: string, element: Element): void {
    const reader = this.reader;
    if (reader) {
      if (reader.allows(type, element)) this.#listen(type);
      return;
    }
    this.#unchecked.push([type, element]);
    this.#listen(type);
    this.need();
  }

  /** Loads the reader, unless it is there or loading. */
  need(): void {
    if (this.reader) return;
    this.loading ??= loadMarkupReader().then(
      () => {
        this.loading = undefined;
        for (const [type, element] of this.#unchecked.splice(0))
          if (!this.reader!.allows(type, element) && this.#types.delete(type)) this.#host.unlisten(type);
        this.#host.arrived();
      },
      (error: unknown) => {
        this.loading = undefined;
        const what = `The data-kpi markup code could not be loaded (${String(error)}): what waited is read without its checks`;
        this.#sink.problem(problem('internal-error', what));
        this.#host.unavailable();
      },
    );
  }

  /**
   * Hands on the event of a `data-kpi` element: read now, or as it was at an event heard `at`. Without the reader
   * (the page goes before it has arrived, or it could not be loaded), what the element said is logged as read by
   * `markupDetail`, unless its event is of a type the reader has not checked: then this returns false.
   */
  take(source: Element | MarkupSnapshot, at?: HeardAt): boolean {
    const reader = this.reader;
    if (reader) reader.take(source, at);
    else {
      const { type, attributes } = source as MarkupSnapshot;
      if (this.#unchecked.some(([asked]) => asked === type)) return false;
      // As a detail: normalised as any reported event is (a usual one at once, by the core).
      this.#sink.detail(markupDetail(attributes), at);
    }
    return true;
  }

  /** Forgets what was read (the logger left the page). */
  clear(): void {
    this.#taker?.clear();
  }

  #listen(type: string): void {
    if (this.#types.has(type)) return;
    this.#types.add(type);
    this.#host.listen(type);
  }
}
