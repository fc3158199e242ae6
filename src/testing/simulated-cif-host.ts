/**
 * A stand-in for Microsoft's CIF library (`msdyn_ciLibrary.js`) for demos, local development and tests.
 * It behaves like the real one at the boundary the logger uses: `window.Microsoft.CIFramework` appears
 * late and announces itself with `CIFInitDone` on `window`; `logAnalyticsEvent` copies its arguments as
 * postMessage would (structured clone), answers after a delay, and can reject with each error shape the
 * real host uses (a `Map`, a JSON string, a plain object, the host's own `Map{value: "Failure"}`) or throw.
 * Like the real library it never re-sends a request and gives up on one after `libraryTimeout` (10 s), rejecting
 * with its timeout `Map`; an answer that comes later is lost.
 */
import { checkCifCall } from './cif-call-check.js';
import { answer, type HostReply, type RecordedCall } from './host-replies.js';
import { searchAnswer, type RecordedSearch, type SearchReply } from './host-search.js';
import { notify, sessionApis, type SessionHandler, type SimulatedSession } from './host-sessions.js';

export { checkCifCall };
export { LIBRARY_TIMEOUT_MESSAGE, type HostReply, type RecordedCall } from './host-replies.js';
export type { RecordedSearch, SearchReply } from './host-search.js';
export type { SimulatedSession } from './host-sessions.js';

export interface SimulatedCifHostOptions {
  /** The window to install on. Default: `window`. */
  window?: Window;
  /**
   * Milliseconds after `install()` before the library appears and fires `CIFInitDone`.
   * `null`: it appears only when `appear()` is called. Default: 0 (next task).
   */
  initDelay?: number | null;
  /** Whether `CIFInitDone` is dispatched when the library appears. Default: true. */
  announce?: boolean;
  /** Default answer delay in ms. Default: 5. */
  latency?: number;
  /**
   * After how many ms the library gives up on a call that has no answer yet and rejects it with
   * `Map{message: LIBRARY_TIMEOUT_MESSAGE}`; a later answer is lost. Default: 10000, as the real library. `null`:
   * never (a stalled call then never settles).
   */
  libraryTimeout?: number | null;
  /** Decides the reply to each call that has no queued reply. Default: resolve `"Success"`. */
  reply?: (call: Omit<RecordedCall, 'reply' | 'outcome'>, index: number) => HostReply;
  /**
   * The organisation's active KPI event definitions (`msdyn_kpieventdefinition`, `msdyn_name`), which
   * `searchAndOpenRecords` answers with. Default: none.
   */
  kpiDefinitions?: readonly string[];
  /**
   * This provider's sessions (Omnichannel multi-session), by CIF session id, with their conversation ids (as given:
   * a page may see a number) and, for a slow answer, how long `getSession` of each takes in ms (default: `latency`).
   */
  sessions?: Readonly<Record<string, SimulatedSession>>;
  /** The focused session: one of `sessions`, or null when none of this provider's is focused. Default: null. */
  focusedSession?: string | null;
}

/** Fired on the host (an EventTarget) for each call (`call`) and each answer (`settle`); detail is the call. */
export type SimulatedHostEvent = CustomEvent<RecordedCall>;

export class SimulatedCifHost extends EventTarget {
  /** Every `logAnalyticsEvent` call received, in order. */
  readonly calls: RecordedCall[] = [];
  /** Every `searchAndOpenRecords` call received, in order. */
  readonly searches: RecordedSearch[] = [];
  /** The active KPI event definitions `searchAndOpenRecords` reads. */
  kpiDefinitions: string[];
  /** How `searchAndOpenRecords` answers. */
  searchReply: SearchReply = 'object';
  /** This provider's sessions, by CIF session id. */
  sessions: Map<string, SimulatedSession>;
  /** The focused session of this provider, or null. */
  focusedSession: string | null;
  /**
   * How the session APIs answer: `map` as the library does (`getSession` resolves a `Map`), `object` as documented,
   * `reject` as outside Omnichannel (every session API rejects with the library's failure `Map`).
   */
  sessionReply: 'map' | 'object' | 'reject' = 'map';
  /** Every session API call answered (`getFocusedSession`, `getSession`), by name, in the order answered. */
  readonly sessionAnswers: string[] = [];
  /** The handlers the page added with `addHandler`, by event name (a Set, as the library keeps them). */
  readonly handlers = new Map<string, Set<SessionHandler>>();
  #win: Window;
  #options: Required<Omit<SimulatedCifHostOptions, 'window' | 'reply'>> & Pick<SimulatedCifHostOptions, 'reply'>;
  #queued: HostReply[] = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #previous: Window['Microsoft'];

  constructor(options: SimulatedCifHostOptions = {}) {
    super();
    this.#win = options.window ?? window;
    this.kpiDefinitions = [...(options.kpiDefinitions ?? [])];
    this.sessions = new Map(Object.entries(options.sessions ?? {}));
    this.focusedSession = options.focusedSession ?? null;
    this.#options = {
      initDelay: options.initDelay === undefined ? 0 : options.initDelay,
      announce: options.announce ?? true,
      latency: options.latency ?? 5,
      libraryTimeout: options.libraryTimeout === undefined ? 10_000 : options.libraryTimeout,
      kpiDefinitions: [],
      sessions: {},
      focusedSession: null,
      reply: options.reply,
    };
  }

  /** Every KPI event the host has received, across calls, in order. */
  get events(): unknown[] {
    return this.calls.flatMap((call) => {
      const events = (call.data as { events?: unknown })?.events;
      return Array.isArray(events) ? events : [];
    });
  }

  /** Whether `window.Microsoft.CIFramework` is there. */
  get installed(): boolean {
    return this.#win.Microsoft?.CIFramework?.logAnalyticsEvent === this.#logAnalyticsEvent;
  }

  /** Starts the library: it appears after `initDelay`. */
  install(): this {
    const { initDelay } = this.#options;
    if (initDelay !== null) this.#later(() => this.appear(), initDelay);
    return this;
  }

  /** Makes the library appear now, and (unless `announce` is false) fires `CIFInitDone` on window. */
  appear(): void {
    if (this.installed) return;
    this.#previous = this.#win.Microsoft;
    this.#win.Microsoft = {
      ...(this.#win.Microsoft ?? {}),
      CIFramework: {
        logAnalyticsEvent: this.#logAnalyticsEvent,
        searchAndOpenRecords: this.#searchAndOpenRecords,
        ...sessionApis(this, this.#later, this.#options.latency),
      },
    };
    if (this.#options.announce) this.#win.dispatchEvent(new CustomEvent('CIFInitDone'));
  }

  /** Removes the library and cancels pending answers (their promises then never settle). */
  uninstall(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.installed) {
      if (this.#previous === undefined) delete this.#win.Microsoft;
      else this.#win.Microsoft = this.#previous;
    }
  }

  /** Queues replies for the next calls, in order; later calls fall back to the `reply` option. */
  queueReplies(...replies: HostReply[]): this {
    this.#queued.push(...replies);
    return this;
  }

  /** Replaces the default reply. */
  setReply(reply: SimulatedCifHostOptions['reply']): this {
    this.#options.reply = reply;
    return this;
  }

  #logAnalyticsEvent = (...args: unknown[]): Promise<string> => {
    const [data, eventName, correlationId] = args;
    const index = this.calls.length;
    let copy: unknown;
    let cloneError: string | undefined;
    try {
      copy = structuredClone(data);
    } catch (error) {
      cloneError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const base = {
      data: copy,
      eventName,
      correlationId,
      argumentCount: args.length,
      at: performance.now(),
      violations: checkCifCall(args),
    };
    const reply: HostReply = cloneError
      ? { kind: 'reject', shape: 'map', message: cloneError, name: 'logAnalyticsEvent' }
      : (this.#queued.shift() ?? this.#options.reply?.(base, index) ?? { kind: 'resolve', value: 'Success' });
    const call: RecordedCall = { ...base, reply };
    this.calls.push(call);
    this.dispatchEvent(new CustomEvent('call', { detail: call }));
    return answer(call, { later: this.#later, ...this.#options }, (settled) =>
      this.dispatchEvent(new CustomEvent('settle', { detail: settled })),
    );
  };

  /** `searchAndOpenRecords`, answered from `kpiDefinitions` as `searchReply` says. */
  #searchAndOpenRecords = (entityName: unknown, queryParameters: unknown, searchOnly: unknown): Promise<string> => {
    const search = { entityName, queryParameters, searchOnly };
    this.searches.push(search);
    return searchAnswer(search, this.kpiDefinitions, this.searchReply, this.#later, this.#options.latency);
  };

  /**
   * Moves the focus as the host does, in two notices posted back to back (separate tasks): the previous session
   * `focused: false` (if it is this provider's), then the new one `focused: true` (if it is this provider's; null:
   * another provider's or the home session). Each handler gets the notice as a JSON string, and must answer with a
   * Promise. Resolves once both were delivered.
   */
  async focusSession(id: string | null): Promise<void> {
    const previous = this.focusedSession;
    this.focusedSession = id;
    if (previous !== null && this.sessions.has(previous)) {
      await notify(this, 'onSessionSwitched', { sessionId: previous, focused: false, context: {} });
    }
    if (id !== null && this.sessions.has(id)) {
      await notify(this, 'onSessionSwitched', { sessionId: id, focused: true, context: {} });
    }
  }

  /** Closes a session: `onSessionClosed` (no focus flag), then the host forgets it. */
  async closeSession(id: string): Promise<void> {
    await notify(this, 'onSessionClosed', { sessionId: id, context: {} });
    this.sessions.delete(id);
    if (this.focusedSession === id) this.focusedSession = null;
  }

  #later = (fn: () => void, delay: number): void => {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, delay);
    this.#timers.add(timer);
  };
}
