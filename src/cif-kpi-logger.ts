import {
  ReactiveElement,
  unsafeCSS,
  type PropertyDeclaration,
  type PropertyDeclarations,
  type PropertyValues,
} from '@lit/reactive-element';
import { CaptureController, type HeardAt } from './capture/capture-controller.js';
import { normaliseKpiEvent, type NormaliseResult } from './normalise/kpi-event.js';
import { ContextBinding, ContextTracker, isCallField, resolveContext } from './normalise/delivery-context.js';
import { DEFAULTS, DELIVERY_OPTION_NAMES, deliveryOptions } from './queue/delivery-options.js';
import { DeliveryQueue } from './queue/delivery-queue.js';
import { newOwnerId } from './persist/queue-store.js';
import { QueuePersistence } from './persist/queue-persistence.js';
import { CifHostWatcher } from './deliver/cif-host.js';
import { Reporter } from './report/reporter.js';
import { DEFAULT_LOG_LEVEL, logLevel, type LogLevel } from './vocabulary/log-level.js';
import type { InspectorView } from './report/debug-inspector.js';
import type { KpiNamesView } from './deliver/kpi-names.js';
import type { SessionContext } from './deliver/session-context.js';
import { attributeOf } from './vocabulary/attribute-names.js';
import { CALL_FIELDS, type CifKpiEventDetail, type DeliveryContext } from './vocabulary/cif-contract.js';
import { internalError } from './vocabulary/problems.js';
import { lazy } from './vocabulary/lazy.js';
import type { CifKpiFailedEvent, CifKpiLogResult, CifKpiStats } from './vocabulary/logger-events.js';

/**
 * Turns what sibling widgets report into Dynamics 365 CIF KPI analytics: it hears `cif-kpi` events in its
 * scope, validates them against the CIF column limits and delivers them through
 * `Microsoft.CIFramework.logAnalyticsEvent`: batched, in capture order, retried, kept across reloads.
 *
 * @summary Logs contact-center widget activity as CIF KPI analytics events.
 * @tagname cif-kpi-logger
 *
 * @attr conversation-id - The conversation id (`data.conversationId`). Required before anything is sent.
 * @attr provider-session-id - The provider's session id (`data.providerSessionId`). Required before anything is sent.
 * @attr client-session-id - The client session id (`data.clientSessionId`).
 * @attr participant-id - The participant (agent) id (`data.participantId`).
 * @attr event-name - The `eventName` argument of each call; default: the event's `kpiEventName`.
 * @attr correlation-id - A GUID passed as the `correlationId` argument; anything else is left out and reported.
 * @attr scope - Where `cif-kpi` events are heard: the parent element (default), `document`, or an element id.
 * @attr flush-delay - How long the first queued event waits for others to share its call, in ms.
 * @attr max-batch - Most events in one call.
 * @attr call-timeout - Deadline of one `logAnalyticsEvent` call, in ms.
 * @attr max-retries - Retries of a failed call before its events are given up.
 * @attr retry-delay - Delay before the first retry, in ms; doubled for each next one, with jitter.
 * @attr max-queue - Most events held at once; more are dropped with `cif-kpi-dropped`.
 * @attr max-queue-bytes - Most bytes held and failed events may take (their stored size); more are dropped.
 * @attr context-timeout - How long events wait for both ids before they are dropped, in ms.
 * @attr no-persist - Keep the queue in memory only, not in sessionStorage.
 * @attr auto-context - Take the conversation and client session ids from the agent's focused CIF session, following switches.
 * @attr check-kpi-names - Read the organisation's active KPI event definitions once and warn of names without one.
 * @attr log-level - What is printed to the console: `none`, `error`, `warn` (default), `info` or `debug`.
 * @attr disabled - Stop capturing; what is already held is still delivered.
 *
 * @fires {CustomEvent<CifKpiSentDetail>} cif-kpi-sent - A call was accepted by the host. Detail: `{ data, eventName, correlationId, result }`.
 * @fires {CustomEvent<CifKpiErrorDetail>} cif-kpi-error - An event was rejected, a call failed, or the logger is misconfigured. Detail: `{ code, message, field?, event?, call?, events?, attempt?, retryIn? }`.
 * @fires {CustomEvent<CifKpiWarningDetail>} cif-kpi-warning - An event was logged but changed (e.g. truncated). Detail: `{ code, message, field?, event }`.
 * @fires {CustomEvent<CifKpiFailedDetail>} cif-kpi-failed - Events were given up after their last retry. Detail: `{ events, error, attempts }`.
 * @fires {CustomEvent<CifKpiDroppedDetail>} cif-kpi-dropped - Events were dropped without delivery. Detail: `{ count, reason, message, events }`.
 *
 * @attr debug - Show the debug inspector (also turned on by `?cif-kpi-debug` in the page URL); `debug="badge"` starts it collapsed.
 *
 * @property {string | null} conversationId - The conversation id (`conversation-id`).
 * @property {string | null} providerSessionId - The provider's session id (`provider-session-id`).
 * @property {string | null} clientSessionId - The client session id (`client-session-id`).
 * @property {string | null} participantId - The participant id (`participant-id`).
 * @property {string | null} eventName - The `eventName` argument (`event-name`).
 * @property {string | null} correlationId - The `correlationId` argument, a GUID (`correlation-id`).
 * @property {string | null} scope - Where events are heard (`scope`).
 * @property {number} flushDelay - Batching window in ms (`flush-delay`), default 500.
 * @property {number} maxBatch - Most events in one call (`max-batch`), default 100.
 * @property {number} callTimeout - Deadline of one call in ms (`call-timeout`), default 12000.
 * @property {number} maxRetries - Retries of a failed call (`max-retries`), default 5.
 * @property {number} retryDelay - First retry delay in ms (`retry-delay`), default 1000.
 * @property {number} maxQueue - Most events held (`max-queue`), default 20000.
 * @property {number} maxQueueBytes - Most bytes held and failed events take (`max-queue-bytes`), default 4000000.
 * @property {number} contextTimeout - How long events wait for both ids, in ms (`context-timeout`), default 300000.
 * @property {boolean} noPersist - Keep the queue in memory only (`no-persist`).
 * @property {boolean} autoContext - Follow the focused CIF session for the ids not set on the logger (`auto-context`).
 * @property {boolean} checkKpiNames - Warn of KPI names the organisation has no active definition for (`check-kpi-names`).
 * @property {LogLevel} logLevel - What is printed to the console (`log-level`), default `warn`.
 * @property {boolean} disabled - Stop capturing (`disabled`).
 * @property {boolean} debug - Show the debug inspector (`debug`).
 *
 * @csspart inspector - The debug inspector's box.
 * @csspart header - Its header: title, host status and buttons.
 * @csspart title - The inspector's title.
 * @csspart host-status - "CIF host: ready" or "CIF host: waiting".
 * @csspart button - Each button ("Send now", "Retry failed", "Clear list", "Collapse").
 * @csspart context - Where it listens and the ids in force (a description list).
 * @csspart scope - Where it listens: `its parent, <div id="widgets">`.
 * @csspart problems-title - "Problems (n)".
 * @csspart problems - The problems and warnings reported, each once with its count.
 * @csspart problem - One problem; also `problem-error`, `problem-warning`.
 * @csspart kpi-names - With `check-kpi-names`: the active KPI event definitions checked against.
 * @csspart stats - The counts.
 * @csspart stat - One count.
 * @csspart events - The list of recent events.
 * @csspart event - One event; also `event-held`, `event-sent`, `event-retrying`, `event-failed`, `event-dropped`, `event-invalid`.
 * @csspart payload - An expanded event's exact payload.
 * @csspart badge - The floating badge the inspector collapses to.
 *
 * @cssprop --cif-kpi-inspector-font - Font of the inspector.
 * @cssprop --cif-kpi-inspector-color - Text color.
 * @cssprop --cif-kpi-inspector-background - Background.
 * @cssprop --cif-kpi-inspector-border-color - Border color.
 * @cssprop --cif-kpi-inspector-radius - Corner radius.
 * @cssprop --cif-kpi-inspector-accent - Focus ring color.
 * @cssprop --cif-kpi-inspector-max-height - Height of the event list before it scrolls.
 * @cssprop --cif-kpi-inspector-sent-color - Color of sent events and a ready host.
 * @cssprop --cif-kpi-inspector-pending-color - Color of held and retrying events and a waiting host.
 * @cssprop --cif-kpi-inspector-error-color - Color of failed, dropped and invalid events.
 * @cssprop --cif-kpi-inspector-button-background - Background of the buttons.
 * @cssprop --cif-kpi-inspector-badge-right - Distance of the collapsed badge from the viewport's right edge.
 * @cssprop --cif-kpi-inspector-badge-bottom - Distance of the collapsed badge from the viewport's bottom edge.
 */
export class CifKpiLoggerElement extends ReactiveElement {
  // A constant string: `unsafeCSS` only skips the `css` tag's checks of interpolated values (and its bytes).
  static override styles = unsafeCSS(':host{display:none}');

  /** Every property and its attribute: the ids and call arguments, `scope`, the delivery settings, the flags. */
  static override properties = {
    ...declare(CALL_FIELDS, {}),
    scope: {},
    ...declare(DELIVERY_OPTION_NAMES, { type: Number }),
    ...declare(['noPersist', 'checkKpiNames', 'autoContext'] as const, { type: Boolean }),
    ...declare(['logLevel'] as const, {}),
    ...declare(['disabled', 'debug'] as const, { type: Boolean, reflect: true }),
  } satisfies PropertyDeclarations;

  /** The conversation (Omnichannel live work item) id. */
  declare conversationId: string | null;
  /** The provider's own session id for this conversation. */
  declare providerSessionId: string | null;
  /** The client (CIF/agent app) session id. */
  declare clientSessionId: string | null;
  /** The participant (agent) id. */
  declare participantId: string | null;
  /** The `eventName` argument of each call; when null, each event's `kpiEventName`. */
  declare eventName: string | null;
  /** A GUID sent as the `correlationId` argument; a value that is not a GUID is left out and reported. */
  declare correlationId: string | null;
  /** Where events are heard: null for the parent element, `document`, or an element id. */
  declare scope: string | null;
  /** How long (ms) the first queued event waits for others to share its call. Default 500. */
  declare flushDelay: number;
  /** Most events in one `logAnalyticsEvent` call. Default 100. */
  declare maxBatch: number;
  /** Deadline (ms) of one `logAnalyticsEvent` call; a call that does not settle by then has failed. Default 12000. */
  declare callTimeout: number;
  /** Retries of a failed call before its events are given up. Default 5. */
  declare maxRetries: number;
  /** Delay (ms) before the first retry, doubled for each next one, with jitter. Default 1000. */
  declare retryDelay: number;
  /** Most events held at once; more are dropped. Default 20000. */
  declare maxQueue: number;
  /** Most bytes held and failed events may take, as stored (characters × 2); more are dropped. Default 4000000. */
  declare maxQueueBytes: number;
  /** How long (ms) events wait for both ids before they are dropped. Default 300000 (5 minutes). */
  declare contextTimeout: number;
  /** Keep the queue in memory only instead of the tab's sessionStorage. */
  declare noPersist: boolean;
  /**
   * Read the organisation's active KPI event definitions (once the CIF library is there) and warn once of each
   * captured name that has none (`unknown-kpi-event-name`): the host accepts such events, and analytics drop them.
   */
  declare checkKpiNames: boolean;
  /**
   * Take `conversationId` and `clientSessionId` from the agent's focused CIF session (Omnichannel multi-session),
   * following switches and closes; ids set on the logger win, field by field.
   */
  declare autoContext: boolean;
  /** What is printed to the console: `none`, `error`, `warn` (the default), `info` (each call) or `debug`. */
  declare logLevel: LogLevel;
  /** Stop capturing events; what is already held is still delivered. */
  declare disabled: boolean;
  /** Show the debug inspector (also turned on by `?cif-kpi-debug` in the page URL). */
  declare debug: boolean;

  #ownerId = newOwnerId();
  /** The CIF-aware features on: `check-kpi-names` (`names`) and `auto-context` (`sessions`). */
  #features: {
    names?: { seen(name: string): void; view?: KpiNamesView; start?(): void; stop?(): void };
    sessions?: Partial<Pick<SessionContext, 'focused' | 'resolve' | 'stop'>> & Pick<SessionContext, 'bind'>;
  } = {};
  #nextId = 0;
  #reporter = new Reporter(this);
  /** Numbers events; their ids are `<owner>.<n>`, made only when one is needed. */
  #queue = new DeliveryQueue({
    host: new CifHostWatcher(window),
    reporter: this.#reporter,
    idPrefix: `${this.#ownerId}.`,
    // An event held without its ids: with `auto-context`, its session's and the ids set then (an event read back
    // without a session is bound to none); otherwise the ids in force once they are complete.
    contextFor: (item) => {
      if (this.autoContext) return this.#features.sessions?.resolve?.(item.binding ?? UNBOUND, this);
      const state = this.#context.current();
      return state.status === 'complete' ? state.context : undefined;
    },
    // Removed, it keeps what it holds and lets go once that is delivered (or dropped, or given up).
    changed: () => this.isConnected || this.#holdWhatIsNeeded(),
  });
  #persistence = new QueuePersistence(
    this.#queue,
    this.#ownerId,
    (p) => this.#reporter.error(p),
    (count) => this.#reporter.droppedOnArrival('stored-unreadable', count),
    () => this.#capture.release(true),
  );
  /** Resolved again as soon as an id changes (not at Lit's next update), so each event gets the ids in force. */
  #context = new ContextTracker(this, (state, problems) => {
    for (const p of problems) this.#reporter.error(p);
    if (state.status === 'complete') this.#capture.stampHeld(state.context);
    this.#queue.recheck();
  });
  #capture = new CaptureController(this, {
    detail: (detail, at) => this.#accept(detail, undefined, at),
    mapped: (result, detail, at) => this.#take(result, detail, undefined, at?.stamp as Stamp),
    stamp: () => this.#stamp(),
    problem: (p) => this.#reporter.error(p),
    warning: (w) => this.#reporter.warn(w),
    dropped: (reason, count) => this.#reporter.droppedOnArrival(reason, count),
    maxHeld: () => this.#queue.options.maxQueue,
  });

  constructor() {
    super();
    for (const field of CALL_FIELDS) this[field] = null;
    this.scope = null;
    for (const name of DELIVERY_OPTION_NAMES) this[name] = DEFAULTS[name];
    this.noPersist = false;
    this.checkKpiNames = false;
    this.autoContext = false;
    this.logLevel = DEFAULT_LOG_LEVEL;
    this.disabled = false;
    this.debug = false;
    this.#reporter.explainStalls(this, () => {
      // With `auto-context`, events heard with no session focused wait for the ids set on the logger alone.
      const unbound = this.#queue.snapshot().some((item) => item.state === 'waiting' && item.binding?.s === null);
      const context = unbound ? resolveContext(this).state : this.#context.current();
      return { missingIds: context.status === 'incomplete' ? context.missing : [], unbound };
    });
  }

  /** Whether the CIF library is usable now. */
  get hostReady(): boolean {
    return this.#queue.hostReady;
  }

  /** Events held: waiting for ids, queued, in flight or awaiting a retry. */
  get pendingCount(): number {
    return this.#queue.size;
  }

  /** Counts since the logger was created: captured, invalid, sent, retried, failed, dropped, and held now. */
  get stats(): CifKpiStats {
    return this.#reporter.stats(this.#queue.stats);
  }

  /** Events given up after their last retry, oldest first. `retryFailed()` tries them again. */
  get failed(): CifKpiFailedEvent[] {
    return this.#queue.failed.map(({ event, context, attempts, problem: error }) => ({
      event,
      context,
      attempts,
      error,
    }));
  }

  /**
   * Logs one KPI event as if a widget had dispatched it. Resolves (never rejects) with how it ended:
   * `sent`, `failed` after its retries, `dropped`, or `invalid`. Typed for editors; whatever is passed is checked
   * at run time like any detail.
   */
  log(detail: CifKpiEventDetail): Promise<CifKpiLogResult> {
    return new Promise((resolve) => this.#accept(detail, resolve));
  }

  /**
   * Sends what is queued without waiting for `flush-delay` or retry backoff. Resolves when every event queued
   * before the call was sent, given up or dropped; it waits for the CIF library if it is not ready. Events still
   * waiting for `conversation-id` / `provider-session-id` stay held.
   */
  flush(): Promise<void> {
    return this.#capture.whenReady().then(() => this.#queue.flush());
  }

  /** Queues the failed events again with fresh retries; resolves when they have been tried. */
  retryFailed(): Promise<void> {
    return this.#queue.retryFailed();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#queue.watchHost();
    // Added again: it takes back what it let go of (its first update takes it the first time).
    if (this.hasUpdated) this.#holdWhatIsNeeded();
    this.#features.names?.start?.();
    if (this.autoContext) this.#cifAware('sessions', true);
    if (!this.debug && new URLSearchParams(location.search).has('cif-kpi-debug')) this.debug = true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#features.names?.stop?.();
    this.#cifAware('sessions', false);
    this.#holdWhatIsNeeded();
    this.#persistence.saveNow();
    // What was captured is still delivered: start sending it now.
    void this.#queue.flush();
  }

  /**
   * Takes what the logger needs of the page, and lets go of the rest: in the page, or while it holds events, it keeps
   * its queue in storage (unless `no-persist`); removed and holding nothing, it lets go of everything it took: its
   * stored keys, then its Web Lock, its listeners and its timers.
   */
  #holdWhatIsNeeded(): void {
    const needed = this.isConnected || this.#queue.size > 0;
    if (needed && !this.noPersist) this.#persistence.enable();
    else this.#persistence.disable();
    if (!needed) {
      this.#queue.rest();
      this.#reporter.rest();
    }
  }

  override requestUpdate(name?: PropertyKey, oldValue?: unknown, options?: PropertyDeclaration): void {
    if (name !== undefined && isCallField(name)) this.#context.invalidate();
    super.requestUpdate(name, oldValue, options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    try {
      this.#applyOptions();
      this.#context.current();
      this.#capture.configure(this.scope, this.disabled);
      if (changed.has('noPersist')) this.#holdWhatIsNeeded();
      if (changed.has('checkKpiNames')) this.#cifAware('names', this.checkKpiNames);
      if (changed.has('autoContext')) this.#cifAware('sessions', this.autoContext && this.isConnected);
      if (changed.has('debug')) {
        if (!this.debug) this.#reporter.hideInspector();
        else
          this.#reporter.showInspector(this.renderRoot as ShadowRoot, this.#inspectorView, {
            flush: () => void this.flush(),
            retryFailed: () => void this.retryFailed(),
          });
      }
      this.#reporter.refresh();
    } catch (error) {
      // Whatever a page sets, nothing the logger does in its update may throw into the page.
      this.#reporter.error(internalError(error));
    }
  }

  /**
   * Gives the queue the delivery settings and the console its level; one given as something unusable
   * (`flush-delay="fast"`, `max-retries="-3"`, `log-level="loud"`) is said once and replaced, on the property too,
   * by what is used.
   */
  #applyOptions(): void {
    const options = deliveryOptions(this);
    const givenLevel = this.logLevel;
    this.#reporter.level = this.logLevel = logLevel(givenLevel);
    // What was given is said of once the words for it have loaded (a chunk of their own): kept as it is now.
    const given: Record<string, unknown> = {};
    let unusable = givenLevel != null && givenLevel !== this.logLevel;
    for (const name of DELIVERY_OPTION_NAMES) {
      const value = (given[name] = this[name]);
      unusable ||= value != null && value !== options[name];
      this[name] = options[name];
    }
    if (unusable) {
      // If the words cannot be loaded, nothing is said (the values used are on the properties).
      loadOptionProblems().then(
        ({ sayOptionProblems }) => sayOptionProblems(this, given, options, givenLevel, (p) => this.#reporter.error(p)),
        () => {},
      );
    }
    this.#queue.configure(options);
  }

  /**
   * Starts or stops a CIF-aware feature (`check-kpi-names`, `auto-context`). Their code is a chunk of its own,
   * loaded by loggers that use one; names captured meanwhile are checked when it arrives, and events wait for the
   * session's ids.
   */
  #cifAware(feature: 'names' | 'sessions', on: boolean): void {
    // Events whose session was not decided yet are decided by the next one.
    const bindings: ContextBinding[] = (feature === 'sessions' && this.#features.sessions?.stop?.()) || [];
    if (feature === 'names') this.#features.names?.stop?.();
    if (feature === 'sessions') this.#context.fallBackTo(undefined);
    const names = new Set<string>();
    // Kept while off too for sessions (the logger left the page): bindings wait for it to come back.
    const placeholder = (this.#features[feature] =
      on || feature === 'sessions'
        ? {
            seen: (name: string) => void names.add(name),
            bind: (binding: ContextBinding) => void bindings.push(binding),
            stop: () => bindings,
          }
        : undefined);
    if (on) {
      loadCifAware().then(
        ({ KpiNameCheck, SessionContext }) => {
          if (this.#features[feature] !== placeholder) return;
          const made =
            feature === 'names'
              ? (this.#features.names = new KpiNameCheck(window, this.#reporter, names))
              : (this.#features.sessions = new SessionContext(
                  window,
                  {
                    fallBackTo: (ids) => this.#context.fallBackTo(ids),
                    recheck: () => this.#queue.recheck(),
                    error: (p) => this.#reporter.error(p),
                  },
                  bindings,
                ));
          // A removed logger waits for nothing: the check starts again when it is added back.
          if (!this.isConnected) made.stop();
        },
        // Said once for the attempt still wanted (a later start replaced earlier ones).
        (error: unknown) => this.#features[feature] === placeholder && this.#reporter.error(internalError(error)),
      );
    }
  }
  #inspectorView = (): InspectorView => ({
    logger: this,
    context: this.#context.current(),
    root: this.#capture.scopeRoot,
    kpiNames: this.#features.names?.view,
  });

  /**
   * What an event heard now is sent with: the ids in force when they are complete; with `auto-context`, unless a
   * session of this provider is known to be focused, what it waits for (its session is decided by the focus).
   */
  #stamp(): Stamp {
    const state = this.#context.current();
    const context = state.status === 'complete' ? state.context : undefined;
    const sessions = this.#features.sessions;
    if (!this.autoContext || (context && sessions?.focused)) return context;
    const explicit: Record<string, unknown> = {};
    for (const field of CALL_FIELDS) explicit[field] = this[field];
    const binding = new ContextBinding(explicit, Date.now());
    sessions?.bind(binding);
    return binding;
  }

  /**
   * Normalises and queues one reported event, or reports it dropped while the logger is disabled; `at` when it was
   * heard earlier (its capture time and what it was stamped with then).
   */
  #accept(detail: unknown, resolve?: (result: CifKpiLogResult) => void, at?: HeardAt): void {
    if (this.disabled) {
      this.#reporter.droppedOnArrival('disabled', 1, detail);
      resolve?.({ status: 'dropped', reason: 'disabled' });
      return;
    }
    const normalised = normaliseKpiEvent(detail, at?.capturedAt ?? Date.now());
    this.#take(normalised, detail, resolve, at?.stamp as Stamp);
  }

  /**
   * Reports and queues one normalised event; `detail` is what was reported, shown in reports; `heardWith` what it
   * was stamped with when it was heard, if that was earlier. Never throws.
   */
  #take(
    normalised: NormaliseResult,
    detail: unknown,
    resolve?: (result: CifKpiLogResult) => void,
    heardWith?: Stamp,
  ): void {
    try {
      this.#reporter.captured(normalised.warnings, detail);
      if (!normalised.ok) {
        this.#reporter.invalid(normalised.problem, detail);
        resolve?.({ status: 'invalid', problem: normalised.problem });
        return;
      }
      // Stamped with the ids in force when it was heard; while they are missing or unusable, it waits for usable ones.
      this.#features.names?.seen(normalised.event.kpiEventName);
      const stamp = heardWith ?? this.#stamp();
      const bound = stamp instanceof ContextBinding;
      this.#queue.enqueue(
        this.#nextId++,
        normalised.event,
        bound ? undefined : stamp,
        resolve,
        normalised.size,
        normalised.capturedAt,
        bound ? stamp : undefined,
      );
    } catch (error) {
      // Counted as invalid, so that every captured event is still accounted for.
      const p = internalError(error);
      this.#reporter.invalid(p, detail);
      resolve?.({ status: 'invalid', problem: p });
    }
  }
}

/** The words for delivery settings given as something unusable: loaded when one is. */
const loadOptionProblems = lazy(() => import('./queue/option-problems.js'));
/** The CIF-aware features (`check-kpi-names`, `auto-context`): loaded by loggers that use one. */
const loadCifAware = lazy(() => import('./deliver/cif-aware.js'));

/** What an event is stamped with when heard: its ids, or with `auto-context` its binding; none while they are missing. */
type Stamp = DeliveryContext | ContextBinding | undefined;

/** With `auto-context`, the binding of an event read back without one: no session, the ids set on the logger. */
const UNBOUND = new ContextBinding(undefined, 0);
UNBOUND.s = null;

/** Declares camel-case properties with their kebab-case attributes (`flushDelay` ↔ `flush-delay`). */
function declare<K extends string>(names: readonly K[], options: PropertyDeclaration): Record<K, PropertyDeclaration> {
  return Object.fromEntries(names.map((name) => [name, { ...options, attribute: attributeOf(name) }])) as Record<
    K,
    PropertyDeclaration
  >;
}

/** The logger's properties that have an attribute: the keys of its property table, from which typings derive. */
export type CifKpiLoggerProperty = keyof typeof CifKpiLoggerElement.properties;
