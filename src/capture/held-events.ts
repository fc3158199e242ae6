/**
 * What a logger's capture hands on, and the events it holds while code they need loads (the rule compiler, the
 * markup reader, the stub's take-over), so that all are logged in the order they happened and with the ids of
 * their moment.
 */
import type { NormaliseResult } from '../normalise/kpi-event.js';
import type { DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem, CifKpiWarning } from '../vocabulary/problems.js';
import type { MarkupSnapshot } from './markup-attributes.js';

/**
 * When an event that waited was heard: its capture time, and what the sink's `stamp()` said then (the ids in force),
 * so that it is logged as if it had been logged at once.
 */
export interface HeardAt {
  capturedAt: number;
  stamp: unknown;
}

/** Where a logger's capture hands what it heard. */
export interface CaptureSink {
  /** A KPI event reported as a detail (a `cif-kpi` event's); `at` when it was heard earlier (it waited for code). */
  detail(detail: unknown, at?: HeardAt): void;
  /**
   * A KPI event a `<cif-kpi-rule>` or `data-kpi-*` markup made, already normalised; `detail` is what was read (for
   * reports, when there is something to report).
   */
  mapped(result: NormaliseResult, detail: unknown, at?: HeardAt): void;
  /** What an event heard now must keep if it is logged later (the ids in force). */
  stamp(): unknown;
  /**
   * A problem with the set-up (a malformed rule, a scope that is not there, code that did not load), or an
   * unexpected fault while hearing an event, caught so that nothing of it reaches the page.
   */
  problem(problem: CifKpiProblem): void;
  /** Advice about the set-up: markup attributes it does not know, events outside the scope. */
  warning(warning: CifKpiWarning): void;
  /** Events heard but not mapped. */
  dropped(reason: DropReason, count: number): void;
  /** Most events held while code loads. */
  maxHeld(): number;
}

/**
 * An event heard while code it needs loads, or by the stub, with when it was heard and what was kept of it then:
 * its `cif-kpi` detail, what its `data-kpi` element said, and, for rules, the event and its path.
 */
export interface HeldEvent {
  at: HeardAt;
  detail?: unknown;
  markup?: MarkupSnapshot;
  rules?: { event: Event; path: readonly EventTarget[] };
}

/** The events a logger holds, in the order they happened. */
export class HeldEvents {
  #sink: CaptureSink;
  #list: HeldEvent[] = [];

  constructor(sink: CaptureSink) {
    this.#sink = sink;
  }

  get size(): number {
    return this.#list.length;
  }

  /** Keeps an event heard now, with the ids in force, as far as `maxHeld` allows. */
  hold(held: Omit<HeldEvent, 'at'>): true {
    if (this.#list.length < this.#sink.maxHeld())
      this.#list.push({ ...held, at: { capturedAt: Date.now(), stamp: this.#sink.stamp() } });
    else this.#sink.dropped('queue-full', 1);
    return true;
  }

  /** Puts events that happened before every event held now (the stub's) in front. */
  before(events: HeldEvent[]): void {
    this.#list.unshift(...events);
  }

  /**
   * Ids are complete now (`stamp`): events held without any (heard while they were missing) take these, as they
   * would have in the queue: the ids next in force, not those in force when what they wait for arrives.
   */
  stamp(stamp: unknown): void {
    for (const { at } of this.#list) at.stamp ??= stamp;
  }

  /** Lets go of what rules would have made of the events held (their code is not there): `rules-unavailable`. */
  dropRules(): void {
    let count = 0;
    for (const held of this.#list) {
      if (!held.rules) continue;
      delete held.rules;
      count++;
    }
    if (count) this.#sink.dropped('rules-unavailable', count);
  }

  /** Takes every event held, oldest first. */
  take(): HeldEvent[] {
    const held = this.#list;
    this.#list = [];
    return held;
  }
}
