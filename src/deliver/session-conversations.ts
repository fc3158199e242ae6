/**
 * `auto-context`: each session's conversation, read with `getSession` once per session (the last REMEMBERED read
 * kept), and said once per session when it gives none usable.
 */
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import type { CifCall } from './session-focus.js';

/** Most sessions whose conversation is remembered (the oldest read is forgotten first). */
const REMEMBERED = 64;

/** A session's conversation: its id, null when it gave none usable, false when the session is gone. */
export type Conversation = string | null | false;

/** What reading conversations tells its owner. */
export interface ConversationHooks {
  /** A session's conversation was read (or found gone). */
  read(id: string): void;
  /** A session could not be read: it is gone, or the session APIs refuse. */
  failed(id: string, error: unknown): void;
  error(p: CifKpiProblem): void;
}

export class SessionConversations {
  /** Whether the CIF library is there: until it is, no session is read (events wait; none is taken for gone). */
  ready?: boolean;
  #call: CifCall;
  #hooks: ConversationHooks;
  /** Conversations read (or being read), by session. */
  #conversations = new Map<string, Conversation | Promise<void>>();
  /** Sessions whose unusable conversation was said. */
  #invalid = new Set<string>();
  #stopped = false;

  constructor(call: CifCall, hooks: ConversationHooks) {
    this.#call = call;
    this.#hooks = hooks;
  }

  /** A session's conversation if it was read; undefined while it is being read (its reading started if need be). */
  get(id: string): Conversation | undefined {
    const known = this.#conversations.get(id);
    if (known === undefined && this.ready) this.#remember(id, this.#read(id));
    return known === undefined || known instanceof Promise ? undefined : known;
  }

  /** A session was closed: events bound to it keep the conversation they read; one still being read is kept until it is. */
  forget(id: string): void {
    if (!(this.#conversations.get(id) instanceof Promise)) this.#conversations.delete(id);
  }

  /** Reads no more (a read under way is not told). */
  stop(): void {
    this.#stopped = true;
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
      this.#hooks.failed(id, error);
      conversation = false;
    }
    if (this.#stopped) return;
    this.#remember(id, conversation);
    this.#hooks.read(id);
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
}
