/**
 * `auto-context`: following which session of this provider has the agent's focus. Once started, the focused session
 * is read (`getFocusedSession`) and each switch and close is followed (`onSessionSwitched`, `onSessionClosed`); a
 * notice that comes before the first answer is newer than it.
 */
import { own } from '../vocabulary/own.js';

/** Calls a CIF API of the page's library; a missing one rejects, like an API that refuses. */
export type CifCall = (name: string, ...args: unknown[]) => Promise<unknown>;

type Api = (...args: unknown[]) => unknown;

/** The CIF APIs of `win`, called by name. */
export function cifCall(win: Window): CifCall {
  return async (name, ...args) => {
    const api = own(win.Microsoft?.CIFramework, name);
    if (typeof api !== 'function') throw new Error(`Microsoft.CIFramework.${name} is not there`);
    return (api as Api)(...args);
  };
}

/** What the focus tells its owner. */
export interface FocusHooks {
  /** The focus moved to a session of this provider (`id`), or none has it (null); `first`: it was not known before. */
  changed(id: string | null, first: boolean): void;
  /** A session was closed. */
  closed(id: string): void;
  /** The focused session could not be read: the session APIs refuse. */
  failed(error: unknown): void;
}

export class SessionFocus {
  /** The focused session: its id, null when none of this provider's is, undefined until first known. */
  id: string | null | undefined;
  /** Whether the session APIs refused: the focus will never be known. */
  unavailable?: boolean;
  #call: CifCall;
  #hooks: FocusHooks;
  #stopped = false;

  constructor(call: CifCall, hooks: FocusHooks) {
    this.#call = call;
    this.#hooks = hooks;
  }

  /** The handlers, kept to remove these very functions; each answers the host with a Promise, as it must. */
  #handlers: Array<[string, (payload: unknown) => Promise<boolean>]> = [
    ['onSessionSwitched', (payload) => this.#onSwitched(payload)],
    ['onSessionClosed', (payload) => this.#onClosed(payload)],
  ];

  /** Starts following, once the CIF library is there. */
  async start(): Promise<void> {
    // The library keeps handlers itself and returns nothing to chain on (a promise only for bad arguments).
    for (const [name, handler] of this.#handlers) this.#call('addHandler', name, handler).catch(() => {});
    try {
      const id = await this.#call('getFocusedSession');
      // A notice that came meanwhile is newer than this answer.
      if (this.id === undefined) this.#focusOn(typeof id === 'string' && id ? id : null);
    } catch (error) {
      this.#hooks.failed(error);
      this.unavailable = true;
      if (this.id === undefined) this.#focusOn(null);
    }
  }

  /** Stops following: removes the handlers (the very functions added). */
  stop(): void {
    this.#stopped = true;
    for (const [name, handler] of this.#handlers) this.#call('removeHandler', name, handler).catch(() => {});
  }

  #onSwitched(payload: unknown): Promise<boolean> {
    const notice = parse(payload);
    const id = own(notice, 'sessionId');
    // Spelled `focused` by the library and `focussed` by its documentation.
    const focused = own(notice, 'focused') ?? own(notice, 'focussed');
    if (typeof id === 'string' && id) {
      if (focused === true || focused === 'true') this.#focusOn(id);
      else if (id === this.id) this.#focusOn(null);
      else if (this.id === undefined) {
        // Its focus ends before the focus was known: it had it until now, while the events waiting were heard.
        this.#focusOn(id);
        this.#focusOn(null);
      }
    }
    return Promise.resolve(true);
  }

  #onClosed(payload: unknown): Promise<boolean> {
    const id = own(parse(payload), 'sessionId');
    if (typeof id === 'string') {
      if (id === this.id) this.#focusOn(null);
      this.#hooks.closed(id);
    }
    return Promise.resolve(true);
  }

  #focusOn(id: string | null): void {
    if (this.#stopped) return;
    const first = this.id === undefined;
    this.id = id;
    this.#hooks.changed(id, first);
  }
}

/** A session notice: the library passes a JSON string. */
function parse(payload: unknown): unknown {
  try {
    return typeof payload === 'string' ? JSON.parse(payload) : payload;
  } catch {
    return undefined;
  }
}
