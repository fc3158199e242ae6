/**
 * The simulated host's session APIs (Omnichannel multi-session): `getFocusedSession`, `getSession`, the handlers the
 * page adds (`addHandler`, `removeHandler`), and the notices the host posts to them. They answer from the host's
 * state as it is when they answer.
 */
import type { Later } from './host-replies.js';

/** One session of the provider, as the simulated host keeps it. */
export interface SimulatedSession {
  conversationId?: unknown;
  context?: unknown;
  /** How long `getSession` of it takes to answer, in ms; default: the host's `latency`. */
  delay?: number;
}

/** A handler the page added for a session notice; it must answer with a Promise. */
export type SessionHandler = (payload: string) => unknown;

/** What the session APIs read of the host. */
export interface SessionState {
  readonly sessions: Map<string, SimulatedSession>;
  readonly focusedSession: string | null;
  readonly sessionReply: 'map' | 'object' | 'reject';
  readonly sessionAnswers: string[];
  readonly handlers: Map<string, Set<SessionHandler>>;
}

/** The session APIs of `Microsoft.CIFramework`, answering after `latency` (or a session's own delay). */
export function sessionApis(host: SessionState, later: Later, latency: number) {
  /** A session API's answer after `delay`; outside Omnichannel (`sessionReply: 'reject'`) its failure `Map`. */
  const answer = (name: string, value: () => unknown, delay = latency): Promise<unknown> =>
    new Promise((resolve, reject) => {
      later(() => {
        host.sessionAnswers.push(name);
        try {
          if (host.sessionReply === 'reject') throw 'Associated Provider record not found';
          resolve(value());
        } catch (message) {
          reject(
            new Map([
              ['message', String(message)],
              ['msdyn_name', name],
            ]),
          );
        }
      }, delay);
    });
  return {
    getFocusedSession: () => answer('getFocusedSession', () => host.focusedSession),
    getSession: (id: unknown) => {
      const known = typeof id === 'string' ? host.sessions.get(id) : undefined;
      return answer(
        'getSession',
        () => {
          const session = typeof id === 'string' ? host.sessions.get(id) : undefined;
          if (!session) throw `Session with ID:${String(id)} does not exist`;
          const fields = {
            sessionId: id,
            focused: id === host.focusedSession,
            context: session.context ?? {},
            conversationId: session.conversationId,
          };
          return host.sessionReply === 'object' ? fields : new Map(Object.entries(fields));
        },
        known?.delay ?? latency,
      );
    },
    // Kept by the library itself, in a Set per name; it returns nothing to chain on.
    addHandler: (name: string, handler: SessionHandler) => {
      let set = host.handlers.get(name);
      if (!set) host.handlers.set(name, (set = new Set()));
      set.add(handler);
      return undefined;
    },
    removeHandler: (name: string, handler: SessionHandler) => {
      host.handlers.get(name)?.delete(handler);
      return undefined;
    },
  };
}

/** Posts one session notice to the page's handlers, in a task of its own, as the host's message arrives. */
export function notify(host: SessionState, name: string, payload: object): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      for (const handler of host.handlers.get(name) ?? []) {
        const answer = handler(JSON.stringify(payload));
        if (typeof (answer as Promise<unknown> | undefined)?.then !== 'function') {
          throw new TypeError(`the ${name} handler did not answer with a Promise`);
        }
      }
      resolve();
    }, 0),
  );
}
