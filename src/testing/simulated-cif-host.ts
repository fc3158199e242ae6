import { CIF_LIMITS, CONTEXT_FIELDS, GUID_PATTERN, KPI_EVENT_FIELDS } from '../vocabulary/cif-contract.js';

/**
 * A stand-in for Microsoft's CIF library (`msdyn_ciLibrary.js`) for demos, local development and tests.
 * It behaves like the real one at the boundary the logger uses: `window.Microsoft.CIFramework` appears
 * late and announces itself with `CIFInitDone` on `window`; `logAnalyticsEvent` copies its arguments as
 * postMessage would (structured clone), answers after a delay, and can reject with each error shape the
 * real host uses (a `Map`, a JSON string, a plain object, the host's own `Map{value: "Failure"}`) or throw.
 * Like the real library it never re-sends a request and gives up on one after `libraryTimeout` (10 s), rejecting
 * with its timeout `Map`; an answer that comes later is lost.
 */

/** The message of the real library's timeout rejection. */
export const LIBRARY_TIMEOUT_MESSAGE = 'Timeout occurred as no response was received from listener window';

/** How the host answers one call. */
export type HostReply =
  | { kind: 'resolve'; value?: unknown; delay?: number }
  | {
      kind: 'reject';
      /** `failure`: the host's own failure answer, `Map{value: "Failure"}` (no message). */
      shape: 'map' | 'json' | 'object' | 'error' | 'failure';
      message: string;
      name?: string;
      delay?: number;
    }
  | { kind: 'throw'; message: string }
  /** The host never answers: the library rejects after `libraryTimeout` (never, when that is null). */
  | { kind: 'stall' };

export interface RecordedCall {
  /** The `data` argument as the host received it (a structured clone). */
  data: unknown;
  eventName: unknown;
  correlationId: unknown;
  /** How many arguments were passed (2 when `correlationId` was omitted). */
  argumentCount: number;
  /** `performance.now()` when the call was made. */
  at: number;
  reply: HostReply;
  /**
   * How the call ended, once it has: `timed-out` when the library gave up waiting (the host may still have
   * processed it: its answer is lost).
   */
  outcome?: 'resolved' | 'rejected' | 'threw' | 'timed-out';
  /** Contract violations found in the call; empty for a valid call. */
  violations: string[];
}

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

/** One session of the provider, as the simulated host keeps it. */
export interface SimulatedSession {
  conversationId?: unknown;
  context?: unknown;
  /** How long `getSession` of it takes to answer, in ms; default: the host's `latency`. */
  delay?: number;
}

/**
 * How `searchAndOpenRecords` answers: as the real library does (a JSON string of an object keyed "0", "1", …), a
 * JSON string of an array, a rejection (a JSON string, as the real library rejects), or never.
 */
export type SearchReply = 'object' | 'array' | 'reject' | 'never';

export interface RecordedSearch {
  entityName: unknown;
  queryParameters: unknown;
  searchOnly: unknown;
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
  readonly handlers = new Map<string, Set<(payload: string) => unknown>>();
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
        getFocusedSession: () => this.#sessionAnswer('getFocusedSession', () => this.focusedSession),
        getSession: (id: unknown) =>
          this.#sessionAnswer(
            'getSession',
            () => {
              const session = typeof id === 'string' ? this.sessions.get(id) : undefined;
              if (!session) throw `Session with ID:${String(id)} does not exist`;
              const fields = {
                sessionId: id,
                focused: id === this.focusedSession,
                context: session.context ?? {},
                conversationId: session.conversationId,
              };
              return this.sessionReply === 'object' ? fields : new Map(Object.entries(fields));
            },
            (typeof id === 'string' ? this.sessions.get(id)?.delay : undefined) ?? this.#options.latency,
          ),
        // Kept by the library itself, in a Set per name; it returns nothing to chain on.
        addHandler: (name: string, handler: (payload: string) => unknown) => {
          let set = this.handlers.get(name);
          if (!set) this.handlers.set(name, (set = new Set()));
          set.add(handler);
          return undefined;
        },
        removeHandler: (name: string, handler: (payload: string) => unknown) => {
          this.handlers.get(name)?.delete(handler);
          return undefined;
        },
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

    if (reply.kind === 'throw') {
      call.outcome = 'threw';
      this.dispatchEvent(new CustomEvent('settle', { detail: call }));
      throw new TypeError(reply.message);
    }
    return new Promise<string>((resolve, reject) => {
      const settle = (outcome: NonNullable<RecordedCall['outcome']>, answer: () => void) => {
        if (call.outcome !== undefined) return; // the library already gave up: the answer is lost
        call.outcome = outcome;
        answer();
        this.dispatchEvent(new CustomEvent('settle', { detail: call }));
      };
      const { libraryTimeout } = this.#options;
      if (libraryTimeout !== null) {
        this.#later(
          () => settle('timed-out', () => reject(new Map([['message', LIBRARY_TIMEOUT_MESSAGE]]))),
          libraryTimeout,
        );
      }
      if (reply.kind === 'stall') return;
      this.#later(() => {
        if (reply.kind === 'resolve') settle('resolved', () => resolve((reply.value ?? 'Success') as string));
        else settle('rejected', () => reject(hostError(reply)));
      }, reply.delay ?? this.#options.latency);
    });
  };

  /**
   * Searches, as the real library does for `searchOnly`: the records of `kpiDefinitions` for
   * `msdyn_kpieventdefinition` (any other entity has none), as a JSON string of an object keyed "0", "1", … (or as
   * `searchReply` says). Arguments the library refuses are rejected with a JSON string, as it rejects them.
   */
  #searchAndOpenRecords = (entityName: unknown, queryParameters: unknown, searchOnly: unknown): Promise<string> => {
    this.searches.push({ entityName, queryParameters, searchOnly });
    if (!entityName || !queryParameters || searchOnly === null || searchOnly === undefined) {
      return Promise.reject(
        JSON.stringify({ message: 'The entityName, queryParameters or searchOnly parameter is missing' }),
      );
    }
    const records =
      entityName === 'msdyn_kpieventdefinition'
        ? this.kpiDefinitions.map((name, i) => ({
            '@odata.etag': `W/"${1000 + i}"`,
            msdyn_name: name,
            msdyn_kpieventdefinitionid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          }))
        : [];
    const reply = this.searchReply;
    return new Promise<string>((resolve, reject) => {
      if (reply === 'never') return;
      this.#later(() => {
        if (reply === 'reject') {
          reject(
            JSON.stringify({
              message: 'Principal user is missing prvReadmsdyn_kpieventdefinition privilege',
              msdyn_name: 'searchandopenrecords',
            }),
          );
        } else {
          resolve(
            JSON.stringify(reply === 'array' ? records : Object.fromEntries(records.map((r, i) => [String(i), r]))),
          );
        }
      }, this.#options.latency);
    });
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
      await this.#notify('onSessionSwitched', { sessionId: previous, focused: false, context: {} });
    }
    if (id !== null && this.sessions.has(id)) {
      await this.#notify('onSessionSwitched', { sessionId: id, focused: true, context: {} });
    }
  }

  /** Closes a session: `onSessionClosed` (no focus flag), then the host forgets it. */
  async closeSession(id: string): Promise<void> {
    await this.#notify('onSessionClosed', { sessionId: id, context: {} });
    this.sessions.delete(id);
    if (this.focusedSession === id) this.focusedSession = null;
  }

  /** Posts one session notice to the page's handlers, in a task of its own, as the host's message arrives. */
  #notify(name: string, payload: object): Promise<void> {
    return new Promise((resolve) =>
      setTimeout(() => {
        for (const handler of this.handlers.get(name) ?? []) {
          const answer = handler(JSON.stringify(payload));
          if (typeof (answer as Promise<unknown> | undefined)?.then !== 'function') {
            throw new TypeError(`the ${name} handler did not answer with a Promise`);
          }
        }
        resolve();
      }, 0),
    );
  }

  /** A session API's answer after `latency`; outside Omnichannel (`sessionReply: 'reject'`) its failure `Map`. */
  #sessionAnswer(name: string, answer: () => unknown, delay = this.#options.latency): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#later(() => {
        this.sessionAnswers.push(name);
        try {
          if (this.sessionReply === 'reject') throw 'Associated Provider record not found';
          resolve(answer());
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
  }

  #later(fn: () => void, delay: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, delay);
    this.#timers.add(timer);
  }
}

function hostError(reply: Extract<HostReply, { kind: 'reject' }>): unknown {
  const name = reply.name ?? 'logAnalyticsEvent';
  switch (reply.shape) {
    case 'map':
      return new Map([
        ['message', reply.message],
        ['msdyn_name', name],
      ]);
    case 'json':
      return JSON.stringify({ message: reply.message, msdyn_name: name });
    case 'object':
      return { message: reply.message, msdyn_name: name };
    case 'error':
      return new Error(reply.message);
    case 'failure':
      return new Map([['value', 'Failure']]);
  }
}

/**
 * Checks the arguments of one `logAnalyticsEvent` call against the CIF contract: required fields, only the
 * documented fields, string values, column limits, ISO timestamps, GUID correlation id. Returns the
 * violations found (empty for a valid call).
 */
export function checkCifCall(args: readonly unknown[]): string[] {
  const [data, eventName, correlationId] = args;
  const out: string[] = [];
  const text = (value: unknown, where: string, limit: number, required = false) => {
    if (value === undefined) {
      if (required) out.push(`${where} is missing`);
      return;
    }
    if (typeof value !== 'string') out.push(`${where} is a ${typeof value}, not a string`);
    else if (required && value === '') out.push(`${where} is empty`);
    else if (value.length > limit) out.push(`${where} is ${value.length} characters, over ${limit}`);
  };
  if (typeof eventName !== 'string' || eventName === '') out.push('eventName must be a non-empty string');
  if (args.length > 2 && (typeof correlationId !== 'string' || !GUID_PATTERN.test(correlationId))) {
    out.push('correlationId is passed but is not a GUID');
  }
  if (typeof data !== 'object' || data === null) return [...out, 'data is not an object'];
  const record = ownFields(data);
  for (const key of Object.keys(record)) {
    if (key !== 'events' && !(CONTEXT_FIELDS as readonly string[]).includes(key))
      out.push(`data.${key} is not a CIF field`);
  }
  for (const field of CONTEXT_FIELDS) {
    text(
      record[field],
      `data.${field}`,
      CIF_LIMITS[field],
      field === 'conversationId' || field === 'providerSessionId',
    );
  }
  if (!Array.isArray(record.events) || record.events.length === 0)
    return [...out, 'data.events is not a non-empty array'];
  record.events.forEach((item: unknown, i: number) => {
    const where = `data.events[${i}]`;
    if (typeof item !== 'object' || item === null) {
      out.push(`${where} is not an object`);
      return;
    }
    const ev = ownFields(item);
    for (const key of Object.keys(ev)) {
      if (!(KPI_EVENT_FIELDS as readonly string[]).includes(key)) out.push(`${where}.${key} is not a CIF field`);
    }
    text(ev.kpiEventName, `${where}.kpiEventName`, CIF_LIMITS.kpiEventName, true);
    text(ev.kpiEventReason, `${where}.kpiEventReason`, CIF_LIMITS.kpiEventReason);
    text(ev.additionalData, `${where}.additionalData`, CIF_LIMITS.additionalData);
    text(ev.notificationResponseAction, `${where}.notificationResponseAction`, CIF_LIMITS.notificationResponseAction);
    text(ev.externalCorrelationId, `${where}.externalCorrelationId`, CIF_LIMITS.externalCorrelationId);
    if (ev.eventTimestamp !== undefined) {
      const ts = ev.eventTimestamp;
      if (typeof ts !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(ts)) {
        out.push(`${where}.eventTimestamp is not an ISO 8601 date-time with a zone`);
      }
    }
    if (ev.customData !== undefined) {
      if (!Array.isArray(ev.customData)) out.push(`${where}.customData is not an array`);
      else
        ev.customData.forEach((entry: unknown, j: number) => {
          const at = `${where}.customData[${j}]`;
          if (typeof entry !== 'object' || entry === null) return void out.push(`${at} is not an object`);
          const pair = ownFields(entry);
          if (Object.keys(pair).some((k) => k !== 'attribute' && k !== 'value'))
            out.push(`${at} has fields other than attribute and value`);
          text(pair.attribute, `${at}.attribute`, CIF_LIMITS.customDataAttribute, true);
          if (pair.value === undefined) out.push(`${at}.value is missing`);
          text(pair.value, `${at}.value`, CIF_LIMITS.customDataValue);
        });
    }
  });
  return out;
}

/** The own fields of what the host received, as the host reads them: nothing inherited from a polluted prototype. */
function ownFields(value: object): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}
