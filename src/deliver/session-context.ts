/**
 * `auto-context`: ids that follow the agent's focused session in Omnichannel multi-session. Once the CIF library is
 * there, the focused session is read (`getFocusedSession`) and each switch and close is followed
 * (`onSessionSwitched`, `onSessionClosed`). Each event is bound, when it is heard, to the session the logger knows
 * is focused then: that CIF session id is its `clientSessionId`, and that session's `conversationId` (read with
 * `getSession`, once per session) its conversation, unless set on the logger (ids set on the logger win, field by
 * field). An event is never given another session's ids:
 * - heard before the focused session is first known, it takes the session the first answer names;
 * - heard while no session of this provider is focused, it takes the session that gets the focus within
 *   `SWITCH_WINDOW` (the two notices of one switch), else none: it is sent with the ids set on the logger alone,
 *   or waits for them;
 * - read back after a reload, it takes its session's conversation again; a session that is gone gives none.
 * A chunk of its own, loaded only by loggers that follow sessions.
 */
import { resolveContext, type ContextBinding, type ContextInput } from '../normalise/delivery-context.js';
import type { DeliveryContext } from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { CifHostWatcher } from './cif-host.js';
import { hostErrorMessage } from './host-errors.js';

/** The ids a session gives: its conversation and the CIF session id. */
export interface SessionIds {
  conversationId?: string;
  clientSessionId?: string;
}

/** What the logger hears from the sessions it follows. */
export interface SessionHooks {
  /** The ids of the focused session, as far as they are known (none while no session of this provider is). */
  fallBackTo(ids: SessionIds | undefined): void;
  /** A session's ids became known, or bindings were decided: events that waited may have their ids now. */
  recheck(): void;
  error(p: CifKpiProblem): void;
}

/** How long after an event heard with no session focused a session that gets the focus still takes it, in ms. */
export const SWITCH_WINDOW = 1000;
/** Most sessions whose conversation is remembered (the oldest read is forgotten first). */
const REMEMBERED = 64;

type Api = (...args: unknown[]) => unknown;
/** A session's conversation: its id, null when it gave none usable, false when the session is gone. */
type Conversation = string | null | false;

export class SessionContext {
  #win: Window;
  #hooks: SessionHooks;
  /** Whether a refusal was said: outside Omnichannel every session API refuses, and once is enough. */
  #said = false;
  /** The focused session: its id, null when none of this provider's is, undefined until first known. */
  #focus: string | null | undefined;
  /** Whether the session APIs refused: the focus will never be known, and events take no session. */
  #unavailable = false;
  /** Conversations read (or being read), by session. */
  #conversations = new Map<string, Conversation | Promise<void>>();
  /** Sessions whose unusable conversation was said. */
  #invalid = new Set<string>();
  /** Bindings whose session is not decided yet, in the order they were heard. */
  #undecided: ContextBinding[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cancel: () => void;
  #stopped = false;
  /** Whether the CIF library is there: until it is, no session is read (events wait; none is taken for gone). */
  #ready = false;

  /** `undecided`: bindings made while this chunk loaded. */
  constructor(win: Window, hooks: SessionHooks, undecided: readonly ContextBinding[] = []) {
    this.#win = win;
    this.#hooks = hooks;
    for (const binding of undecided) this.bind(binding);
    this.#cancel = new CifHostWatcher(win).whenReady(() => void this.#start());
  }

  /** Whether a session of this provider is known to be focused (events heard now are bound to it). */
  get focused(): boolean {
    return typeof this.#focus === 'string';
  }

  /** Binds an event heard now to the focused session, or keeps it until that is decided. */
  bind(binding: ContextBinding): void {
    if (typeof this.#focus === 'string') binding.s = this.#focus;
    else if (this.#unavailable) binding.s = null;
    else {
      this.#undecided.push(binding);
      this.#expire();
    }
  }

  /**
   * The ids of an event bound to a session: the ids set on the logger when it was heard, else (when those were
   * incomplete) those set now, with its session's where the logger sets none. Undefined while they are incomplete
   * or its session is not decided or read yet.
   */
  resolve(binding: ContextBinding, explicit: ContextInput): DeliveryContext | undefined {
    const session = binding.s;
    if (session === undefined) return undefined;
    let ids: SessionIds | undefined;
    if (session !== null) {
      binding.c ??= this.#conversation(session);
      if (binding.c !== false) {
        ids = { clientSessionId: session };
        if (binding.c) ids.conversationId = binding.c;
      }
    }
    // The session is still being read: its conversation, not one set on the logger later, is the event's.
    const reading = session !== null && binding.c === undefined;
    if (!binding.x) {
      // Read back after a reload, it kept no ids of its own: its session's come first, the logger's fill in the rest.
      const state = reading ? undefined : resolveContext(ids ?? {}, explicit).state;
      return state?.status === 'complete' ? state.context : undefined;
    }
    for (const given of [binding.x, explicit]) {
      const state = resolveContext(given, ids).state;
      if (state.status === 'complete') return state.context;
      if (reading) return undefined;
    }
    return undefined;
  }

  /**
   * Stops following: removes the handlers (the very functions added) and gives no more ids. Returns the bindings not
   * decided yet, for the next one to decide (the logger was moved, or reconnected).
   */
  stop(): ContextBinding[] {
    this.#stopped = true;
    this.#cancel();
    clearTimeout(this.#timer);
    for (const [name, handler] of this.#handlers) this.#call('removeHandler', name, handler).catch(() => {});
    return this.#undecided;
  }

  /** The handlers, kept to remove these very functions; each answers the host with a Promise, as it must. */
  #handlers: Array<[string, (payload: unknown) => Promise<boolean>]> = [
    ['onSessionSwitched', (payload) => this.#onSwitched(payload)],
    ['onSessionClosed', (payload) => this.#onClosed(payload)],
  ];

  async #start(): Promise<void> {
    if (this.#stopped) return;
    this.#ready = true;
    // Sessions events were bound to before the library was there (read back after a reload) can be read now.
    this.#hooks.recheck();
    // The library keeps handlers itself and returns nothing to chain on (a promise only for bad arguments).
    for (const [name, handler] of this.#handlers) this.#call('addHandler', name, handler).catch(() => {});
    try {
      const id = await this.#call('getFocusedSession');
      // A notice that came meanwhile is newer than this answer.
      if (this.#focus === undefined) this.#focusOn(typeof id === 'string' && id ? id : null);
    } catch (error) {
      this.#fail('the focused session could not be read', error);
      this.#unavailable = true;
      if (this.#focus === undefined) this.#focusOn(null);
    }
  }

  #onSwitched(payload: unknown): Promise<boolean> {
    const notice = parse(payload);
    const id = own(notice, 'sessionId');
    // Spelled `focused` by the library and `focussed` by its documentation.
    const focused = own(notice, 'focused') ?? own(notice, 'focussed');
    if (typeof id === 'string' && id) {
      if (focused === true || focused === 'true') this.#focusOn(id);
      else if (id === this.#focus) this.#focusOn(null);
      else if (this.#focus === undefined) {
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
      if (id === this.#focus) this.#focusOn(null);
      // Events bound to it keep the conversation they read; one still being read is kept until it is.
      if (!(this.#conversations.get(id) instanceof Promise)) this.#conversations.delete(id);
    }
    return Promise.resolve(true);
  }

  /**
   * A session of this provider got the focus (`id`), or none has it (null). Events heard before the focus was first
   * known, and those heard with no session focused within the switch window, are bound to the new one.
   */
  #focusOn(id: string | null): void {
    if (this.#stopped) return;
    const first = this.#focus === undefined;
    this.#focus = id;
    const now = Date.now();
    if (id === null) {
      // Heard before the focus was known: the switch window starts now.
      if (first) for (const binding of this.#undecided) binding.at = now;
      this.#hooks.fallBackTo(undefined);
      this.#expire();
      return;
    }
    for (const binding of this.#undecided) binding.s = now - binding.at <= SWITCH_WINDOW ? id : null;
    this.#undecided = [];
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#provide(id);
    this.#hooks.recheck();
  }

  /** Gives the logger the focused session's ids as far as they are known. */
  #provide(id: string): void {
    const conversation = this.#conversation(id);
    this.#hooks.fallBackTo(
      conversation === false
        ? undefined
        : { clientSessionId: id, ...(conversation ? { conversationId: conversation } : {}) },
    );
  }

  /** Decides, with no session focused, the bindings whose switch window has passed; waits for the next one. */
  #expire(): void {
    if (this.#focus !== null || this.#timer !== undefined || this.#stopped) return;
    const now = Date.now();
    const expired = this.#undecided.filter((binding) => now - binding.at > SWITCH_WINDOW);
    if (expired.length > 0) {
      for (const binding of expired) binding.s = null;
      this.#undecided = this.#undecided.filter((binding) => binding.s === undefined);
      this.#hooks.recheck();
    }
    const next = this.#undecided[0];
    if (next === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#expire();
      },
      Math.max(0, next.at + SWITCH_WINDOW + 1 - now),
    );
  }

  /** A session's conversation if it was read; undefined while it is being read (its reading started if need be). */
  #conversation(id: string): Conversation | undefined {
    const known = this.#conversations.get(id);
    if (known === undefined && this.#ready) this.#remember(id, this.#read(id));
    return known === undefined || known instanceof Promise ? undefined : known;
  }

  async #read(id: string): Promise<void> {
    let conversation: Conversation;
    try {
      const session = await this.#call('getSession', id);
      const value =
        session instanceof Map ? (session.get('conversationId') as unknown) : own(session, 'conversationId');
      conversation =
        typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : typeof value === 'string'
            ? value
            : null;
      if (!conversation?.trim()) conversation = this.#unusable(id, value);
    } catch (error) {
      // A session that is gone (closed, or never this provider's): its events take none.
      if (id === this.#focus) this.#fail(`session ${id} could not be read`, error);
      conversation = false;
    }
    if (this.#stopped) return;
    this.#remember(id, conversation);
    if (id === this.#focus) this.#provide(id);
    this.#hooks.recheck();
  }

  /** Says once per session that its conversation id is unusable: its events wait for `conversation-id`. */
  #unusable(id: string, value: unknown): null {
    if (!this.#invalid.has(id)) {
      this.#invalid.add(id);
      const kind = value === undefined || value === null || value === '' ? 'none' : typeof value;
      this.#hooks.error(
        problem(
          'invalid-context',
          `auto-context: session ${id} gave ${kind === 'none' ? 'no conversationId' : `a conversationId of type ${kind}`}; its events wait for conversation-id, which can be set on the logger`,
          'conversationId',
        ),
      );
    }
    return null;
  }

  #remember(id: string, conversation: Conversation | Promise<void>): void {
    this.#conversations.delete(id);
    this.#conversations.set(id, conversation);
    if (this.#conversations.size > REMEMBERED) this.#conversations.delete(this.#conversations.keys().next().value!);
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
    this.#hooks.error(problem('session-unavailable', message, 'auto-context'));
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
