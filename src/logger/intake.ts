/**
 * Where reported events enter a logger's pipeline, in the order they were heard: a usual event (a name and perhaps a
 * reason) is normalised at once; any other needs the general normaliser, a chunk loaded the first time one is heard.
 * While it loads, that event and every one after it wait, with their capture time and the ids in force when they
 * were heard, so that all are queued in the order they happened.
 */
import type { HeardAt } from '../capture/capture-controller.js';
import type { NormaliseResult } from '../normalise/usual-event.js';
import { loadNormaliser } from '../normalise/general.js';
import { usualEvent } from '../normalise/usual-event.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import type { CifKpiLogResult } from '../vocabulary/logger-events.js';

type Resolve = (result: CifKpiLogResult) => void;

const noop = () => {};

/** An event waiting for the general normaliser: what was reported, or what a rule or markup made of it. */
interface Waiting {
  detail: unknown;
  result?: NormaliseResult;
  resolve?: Resolve;
  at: HeardAt;
}

/** Where the intake hands events, normalised, in order. */
export interface IntakeSink {
  /** One event normalised (or refused); `at` when it was heard earlier. */
  take(result: NormaliseResult, detail: unknown, resolve: Resolve | undefined, at: HeardAt | undefined): void;
  /** What an event heard now must keep if it is taken later (the ids in force). */
  stamp(): unknown;
  /** Events that could not be normalised: the normaliser could not be loaded, or the page went first. */
  unavailable(detail: unknown, resolve: Resolve | undefined): void;
  problem(problem: CifKpiProblem): void;
}

export class Intake {
  #sink: IntakeSink;
  /** Events waiting for the general normaliser, in the order they were heard. */
  #waiting: Waiting[] = [];

  constructor(sink: IntakeSink) {
    this.#sink = sink;
  }

  /** Whether events wait for the general normaliser. */
  get holding(): boolean {
    return this.#waiting.length > 0;
  }

  /** Resolves once no event waits for the general normaliser: it arrived, or could not be loaded. */
  async settled(): Promise<void> {
    while (this.#waiting.length > 0) await loadNormaliser().then(noop, noop);
  }

  /** An event reported as a detail (a `cif-kpi` event's, or `log()`'s); `at` when it was heard earlier. */
  detail(detail: unknown, resolve?: Resolve, at?: HeardAt): void {
    const capturedAt = at?.capturedAt ?? Date.now();
    if (this.#waiting.length === 0) {
      const result = loadNormaliser.loaded?.normaliseKpiEvent(detail, capturedAt) ?? usual(detail, capturedAt);
      if (result) return this.#sink.take(result, detail, resolve, at);
    }
    this.#wait({ detail, resolve, at: at ?? { capturedAt, stamp: this.#sink.stamp() } });
  }

  /** An event a rule or markup made, normalised already; it waits behind those that wait. */
  mapped(result: NormaliseResult, detail: unknown, at?: HeardAt): void {
    if (this.#waiting.length === 0) this.#sink.take(result, detail, undefined, at);
    else this.#wait({ detail, result, at: at ?? { capturedAt: Date.now(), stamp: this.#sink.stamp() } });
  }

  /**
   * Ids are complete now (`stamp`): events waiting without any take these, as they would have in the queue: the ids
   * next in force.
   */
  stampWaiting(stamp: unknown): void {
    for (const { at } of this.#waiting) at.stamp ??= stamp;
  }

  /**
   * Hands on what waits, in order: normalised, when the normaliser has arrived; otherwise (it could not be loaded,
   * or the page goes) usual events are taken and the others are given up as `code-unavailable`.
   */
  release(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    const normalise = loadNormaliser.loaded?.normaliseKpiEvent;
    for (const { detail, result, resolve, at } of waiting) {
      const made = result ?? (normalise ? normalise(detail, at.capturedAt) : usual(detail, at.capturedAt));
      if (made) this.#sink.take(made, detail, resolve, at);
      else this.#sink.unavailable(detail, resolve);
    }
  }

  #wait(waiting: Waiting): void {
    if (this.#waiting.push(waiting) > 1) return;
    loadNormaliser().then(
      () => this.release(),
      (error: unknown) => {
        this.#sink.problem(problem('internal-error', `The normaliser code could not be loaded: ${String(error)}`));
        this.release();
      },
    );
  }
}

/** The usual event a detail makes, or undefined (also when reading it throws: the normaliser says why). */
function usual(detail: unknown, capturedAt: number): NormaliseResult | undefined {
  try {
    return usualEvent(detail, capturedAt);
  } catch {
    return undefined;
  }
}
