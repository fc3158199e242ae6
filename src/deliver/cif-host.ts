/**
 * Delivering: the one module that touches the CIF library (`Microsoft.CIFramework`). It finds the library, makes
 * one `logAnalyticsEvent` call with its own deadline; a refusal is read by the host-errors chunk.
 */
import type { CifAnalyticsCall } from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
import { lazy } from '../vocabulary/lazy.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';

/** The part of `Microsoft.CIFramework` the logger uses. */
export interface CifFramework {
  logAnalyticsEvent(data: object, eventName: string, correlationId?: string): Promise<unknown>;
}

declare global {
  interface Window {
    Microsoft?: { CIFramework?: Partial<CifFramework> & Record<string, unknown> };
  }
}

/** Returns `Microsoft.CIFramework` when it is there and can log analytics; never throws. */
function findCifFramework(win: Window): CifFramework | undefined {
  try {
    const framework = win.Microsoft?.CIFramework;
    return typeof framework?.logAnalyticsEvent === 'function' ? (framework as CifFramework) : undefined;
  } catch {
    return undefined;
  }
}

/** Access to the CIF library: whether it is usable now, and a wait for it. */
export interface CifHostAccess {
  /** The CIF framework if it is usable now. */
  readonly framework: CifFramework | undefined;
  /** Calls `listener` once the framework is usable; returns a function that cancels the wait. */
  whenReady(listener: (framework: CifFramework) => void): () => void;
}

/**
 * Watches for the CIF library. It may load before or after the logger, and its `CIFInitDone` event (on
 * `window`) may be missed, so both the event and the object itself are checked.
 */
export class CifHostWatcher implements CifHostAccess {
  #win: Window;
  #pollInterval: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #listeners = new Set<(framework: CifFramework) => void>();
  #onInitDone = () => this.#check();

  constructor(win: Window = window, pollInterval = 200) {
    this.#win = win;
    this.#pollInterval = pollInterval;
  }

  /** The CIF framework if it is usable now. */
  get framework(): CifFramework | undefined {
    return findCifFramework(this.#win);
  }

  /**
   * Calls `listener` once, as soon as the framework is usable (synchronously if it already is).
   * Returns a function that cancels the wait.
   */
  whenReady(listener: (framework: CifFramework) => void): () => void {
    const framework = this.framework;
    if (framework) {
      listener(framework);
      return () => {};
    }
    this.#listeners.add(listener);
    this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  #start(): void {
    if (this.#timer !== undefined) return;
    this.#win.addEventListener('CIFInitDone', this.#onInitDone);
    this.#timer = setInterval(() => this.#check(), this.#pollInterval);
  }

  #stop(): void {
    if (this.#timer === undefined) return;
    this.#win.removeEventListener('CIFInitDone', this.#onInitDone);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    const framework = this.framework;
    if (!framework) return;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    this.#stop();
    for (const listener of listeners) listener(framework);
  }
}

export type CallOutcome =
  | { ok: true; result: unknown }
  | {
      ok: false;
      problem: CifKpiProblem;
      /** For a timed-out call: settles with the host's late answer, if it ever comes. */
      late?: Promise<CallOutcome>;
    };

/**
 * Makes one `logAnalyticsEvent` call with its own deadline. Never rejects: a rejection, a synchronous throw
 * and a call that does not settle within `timeoutMs` all come back as `{ ok: false }`.
 */
export function callLogAnalyticsEvent(
  framework: CifFramework,
  call: CifAnalyticsCall,
  timeoutMs: number,
): Promise<CallOutcome> {
  let answer: Promise<CallOutcome>;
  // Its own field only: a page may have added `correlationId` to `Object.prototype`.
  const correlationId = own(call, 'correlationId') as string | undefined;
  try {
    const returned =
      correlationId === undefined
        ? framework.logAnalyticsEvent(call.data, call.eventName)
        : framework.logAnalyticsEvent(call.data, call.eventName, correlationId);
    answer = Promise.resolve(returned).then((result): CallOutcome => ({ ok: true, result }), refused);
  } catch (error) {
    return refused(error);
  }
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return answer;

  return new Promise<CallOutcome>((resolve) => {
    const timer = setTimeout(() => {
      resolve({
        ok: false,
        problem: problem('host-timeout', `The CIF host did not answer logAnalyticsEvent within ${timeoutMs} ms`),
        late: answer,
      });
    }, timeoutMs);
    void answer.then((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}

/**
 * The host-errors chunk: the first refusal loads it, later ones are read without waiting for it (tests load it
 * ahead of a fake clock).
 */
export const loadHostErrors = lazy(() => import('./host-errors.js'));

/** A refused call's outcome, its problem read by the host-errors chunk (or said plainly if that cannot load). */
function refused(reason: unknown): Promise<CallOutcome> {
  const outcome = ({ hostRejection }: typeof import('./host-errors.js')): CallOutcome => ({
    ok: false,
    problem: hostRejection(reason),
  });
  if (loadHostErrors.loaded) return Promise.resolve(outcome(loadHostErrors.loaded));
  return loadHostErrors().then(outcome, () => ({ ok: false, problem: problem('host-rejected', String(reason)) }));
}
