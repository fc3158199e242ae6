/**
 * `auto-context`: ids that follow the agent's focused session in Omnichannel multi-session. Once the CIF library is
 * there, the focused session is read (`getFocusedSession`, then `getSession`), and each switch and close is
 * followed (`onSessionSwitched`, `onSessionClosed`). The session's `conversationId` becomes the logger's
 * conversation id and the CIF session id its client session id, unless set on the logger. From a switch's
 * notice until the new session is read, no ids are given: events heard then wait for the new session's ids and
 * never take the old one's. A chunk of its own, loaded only by loggers that follow sessions.
 */
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { CifHostWatcher, hostErrorMessage } from './cif-host.js';

/** The ids a session gives: its conversation and the CIF session id. */
export interface SessionIds {
  conversationId?: string;
  clientSessionId?: string;
}

type Api = (...args: unknown[]) => unknown;

export class SessionContext {
  #win: Window;
  #provide: (ids: SessionIds | undefined) => void;
  #error: (p: CifKpiProblem) => void;
  /** Whether a refusal was said: outside Omnichannel every session API refuses, and once is enough. */
  #said = false;
  /** The focused session, when it is this provider's. */
  #focused: string | undefined;
  /** Counts focus changes, so that a late `getSession` answer of an earlier one is ignored. */
  #generation = 0;
  #cancel: () => void;
  #stopped = false;

  /** `provide` gets the ids to use (none while there is no session of this provider focused, or it is being read). */
  constructor(win: Window, provide: (ids: SessionIds | undefined) => void, error: (p: CifKpiProblem) => void) {
    this.#win = win;
    this.#provide = provide;
    this.#error = error;
    this.#cancel = new CifHostWatcher(win).whenReady(() => void this.#start());
  }

  /** Stops following: removes the handlers (the very functions added) and gives no more ids. */
  stop(): void {
    this.#stopped = true;
    this.#generation++;
    this.#cancel();
    // A library that is not there (or refuses) has nothing to remove: nothing of it reaches the page.
    for (const [name, handler] of this.#handlers) this.#call('removeHandler', name, handler).catch(() => {});
  }

  /** The handlers, kept to remove these very functions; each answers the host with a Promise, as it must. */
  #handlers: Array<[string, (payload: unknown) => Promise<boolean>]> = [
    ['onSessionSwitched', (payload) => this.#onSwitched(payload)],
    ['onSessionClosed', (payload) => this.#onClosed(payload)],
  ];

  async #start(): Promise<void> {
    if (this.#stopped) return;
    // The library keeps handlers itself and returns nothing to chain on (a promise only for bad arguments).
    for (const [name, handler] of this.#handlers) this.#call('addHandler', name, handler);
    const generation = this.#generation;
    try {
      const id = await this.#call('getFocusedSession');
      if (generation === this.#generation) await this.#focus(typeof id === 'string' && id ? id : undefined);
    } catch (error) {
      this.#fail('the focused session could not be read', error);
    }
  }

  #onSwitched(payload: unknown): Promise<boolean> {
    const notice = parse(payload);
    const id = own(notice, 'sessionId');
    // Spelled `focused` by the library and `focussed` by its documentation.
    const focused = own(notice, 'focused') ?? own(notice, 'focussed');
    if (typeof id === 'string') {
      if (focused === true || focused === 'true') void this.#focus(id);
      else if (id === this.#focused) void this.#focus(undefined);
    }
    return Promise.resolve(true);
  }

  #onClosed(payload: unknown): Promise<boolean> {
    if (own(parse(payload), 'sessionId') === this.#focused) void this.#focus(undefined);
    return Promise.resolve(true);
  }

  /** A session of this provider got the focus (or none has it): no ids until it is read, then its own. */
  async #focus(id: string | undefined): Promise<void> {
    const generation = ++this.#generation;
    this.#focused = id;
    this.#provide(undefined);
    if (id === undefined || this.#stopped) return;
    try {
      const session = await this.#call('getSession', id);
      if (generation !== this.#generation) return;
      const conversationId = session instanceof Map ? session.get('conversationId') : own(session, 'conversationId');
      this.#provide({
        clientSessionId: id,
        ...(typeof conversationId === 'string' && conversationId ? { conversationId } : {}),
      });
    } catch (error) {
      if (generation === this.#generation) this.#fail(`session ${id} could not be read`, error);
    }
  }

  /** Calls a CIF API; a missing one rejects, like an API that refuses. */
  async #call(name: string, ...args: unknown[]): Promise<unknown> {
    const api = own(this.#win.Microsoft?.CIFramework, name);
    if (typeof api !== 'function') throw new Error(`Microsoft.CIFramework.${name} is not there`);
    return (api as Api)(...args);
  }

  #fail(what: string, error: unknown): void {
    const message = `auto-context: ${what} (${hostErrorMessage(error)}). The session APIs work only in Omnichannel for Customer Service; events wait for conversation-id, which can be set on the logger`;
    if (this.#said || this.#stopped) return;
    this.#said = true;
    this.#error(problem('session-unavailable', message, 'auto-context'));
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
