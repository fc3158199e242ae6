/**
 * Delivering: the one module that touches the CIF library (`Microsoft.CIFramework`). It finds the library, makes
 * one `logAnalyticsEvent` call with its own deadline, and reads the host's error shapes.
 */
import type { CifAnalyticsCall } from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
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
    answer = Promise.resolve(returned).then(
      (result): CallOutcome => ({ ok: true, result }),
      (reason: unknown): CallOutcome => ({ ok: false, problem: hostRejection(reason) }),
    );
  } catch (error) {
    return Promise.resolve({ ok: false, problem: hostRejection(error) });
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

/** How Microsoft's CIF library rejects a call it stopped waiting for (after 10 s; it never re-sends one). */
const LIBRARY_TIMEOUT = /^Timeout occurred as no response was received/i;

function hostRejection(reason: unknown): CifKpiProblem {
  const message = hostErrorMessage(reason);
  return LIBRARY_TIMEOUT.test(message)
    ? problem('host-timeout', `The CIF library stopped waiting for the host's answer: ${message}`)
    : problem('host-rejected', message);
}

/**
 * The CIF host rejects with a `Map` (`message`, `msdyn_name`; or the host's own failure answer, `value:
 * "Failure"`, with no message), a JSON string, a plain object or an Error, depending on API and version. This
 * reduces all of them to one readable message, reading objects' own fields only.
 */
export function hostErrorMessage(reason: unknown): string {
  const fallback = 'The CIF host rejected the call without a message';
  try {
    if (reason instanceof Map) {
      return fromFields(reason.get('message'), reason.get('msdyn_name')) ?? answered(reason.get('value')) ?? fallback;
    }
    if (typeof reason === 'string') {
      const text = reason.trim();
      if (text.startsWith('{')) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (typeof parsed === 'object' && parsed !== null) return hostErrorMessage(parsed);
        } catch {
          // Not JSON after all: the string is the message.
        }
      }
      return text || fallback;
    }
    if (reason instanceof Error) return reason.message || reason.name || fallback;
    if (typeof reason === 'object' && reason !== null) {
      return (
        fromFields(
          own(reason, 'message') ?? own(reason, 'Message') ?? own(reason, 'errorMsg'),
          own(reason, 'msdyn_name'),
        ) ??
        answered(own(reason, 'value')) ??
        (JSON.stringify(reason) === '{}' ? fallback : JSON.stringify(reason))
      );
    }
    return reason === undefined || reason === null ? fallback : String(reason);
  } catch {
    return fallback;
  }
}

/** The host's answer without a message, such as its own `"Failure"`. */
function answered(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? `The CIF host answered "${value.trim()}"` : undefined;
}

function fromFields(message: unknown, name: unknown): string | undefined {
  const text = typeof message === 'string' && message.trim() ? message.trim() : undefined;
  const label = typeof name === 'string' && name.trim() ? name.trim() : undefined;
  if (text && label && !text.includes(label)) return `${text} (${label})`;
  return text ?? label;
}
