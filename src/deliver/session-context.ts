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
 * Here: binding each event to a session and giving it that session's ids; following the focus is session-focus.ts,
 * reading conversations session-conversations.ts. Part of the CIF-aware chunk, loaded only by loggers that use it.
 */
import { resolveContext, type ContextBinding, type ContextInput } from '../normalise/delivery-context.js';
import type { DeliveryContext } from '../vocabulary/cif-contract.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { CifHostWatcher } from './cif-host.js';
import { hostErrorMessage } from './host-errors.js';
import { SessionConversations } from './session-conversations.js';
import { cifCall, SessionFocus } from './session-focus.js';

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

export class SessionContext {
  #hooks: SessionHooks;
  /** Whether a refusal was said: outside Omnichannel every session API refuses, and once is enough. */
  #said = false;
  #focus: SessionFocus;
  #conversations: SessionConversations;
  /** Bindings whose session is not decided yet, in the order they were heard. */
  #undecided: ContextBinding[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cancel: () => void;
  #stopped = false;

  /** `undecided`: bindings made while this chunk loaded. */
  constructor(win: Window, hooks: SessionHooks, undecided: readonly ContextBinding[] = []) {
    this.#hooks = hooks;
    const call = cifCall(win);
    this.#focus = new SessionFocus(call, {
      changed: (id, first) => this.#focusOn(id, first),
      closed: (id) => this.#conversations.forget(id),
      failed: (error) => this.#fail('the focused session could not be read', error),
    });
    this.#conversations = new SessionConversations(call, {
      read: (id) => {
        if (id === this.#focus.id) this.#provide(id);
        this.#hooks.recheck();
      },
      failed: (id, error) => {
        if (id === this.#focus.id) this.#fail(`session ${id} could not be read`, error);
      },
      error: (p) => this.#hooks.error(p),
    });
    for (const binding of undecided) this.bind(binding);
    this.#cancel = new CifHostWatcher(win).whenReady(() => this.#start());
  }

  /** Whether a session of this provider is known to be focused (events heard now are bound to it). */
  get focused(): boolean {
    return typeof this.#focus.id === 'string';
  }

  /** Binds an event heard now to the focused session, or keeps it until that is decided. */
  bind(binding: ContextBinding): void {
    const focus = this.#focus.id;
    if (typeof focus === 'string') binding.s = focus;
    else if (this.#focus.unavailable) binding.s = null;
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
      binding.c ??= this.#conversations.get(session);
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
    this.#focus.stop();
    this.#conversations.stop();
    return this.#undecided;
  }

  #start(): void {
    if (this.#stopped) return;
    this.#conversations.ready = true;
    // Sessions events were bound to before the library was there (read back after a reload) can be read now.
    this.#hooks.recheck();
    void this.#focus.start();
  }

  /**
   * A session of this provider got the focus (`id`), or none has it (null). Events heard before the focus was first
   * known, and those heard with no session focused within the switch window, are bound to the new one.
   */
  #focusOn(id: string | null, first: boolean): void {
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
    const conversation = this.#conversations.get(id);
    this.#hooks.fallBackTo(
      conversation === false
        ? undefined
        : { clientSessionId: id, ...(conversation ? { conversationId: conversation } : {}) },
    );
  }

  /** Decides, with no session focused, the bindings whose switch window has passed; waits for the next one. */
  #expire(): void {
    if (this.#focus.id !== null || this.#timer !== undefined || this.#stopped) return;
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

  #fail(what: string, error: unknown): void {
    const message = `auto-context: ${what} (${hostErrorMessage(error)}). The session APIs work only in Omnichannel for Customer Service; events wait for conversation-id, which can be set on the logger`;
    if (this.#said || this.#stopped) return;
    this.#said = true;
    this.#hooks.error(problem('session-unavailable', message, 'auto-context'));
  }
}
