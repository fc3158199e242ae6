import { ReactiveElement, css, type PropertyDeclaration, type PropertyValues } from 'lit';
import { CIF_KPI_EVENT, ScopedCapture } from './capture/event-capture.js';
import { resolveScopeRoot } from './capture/scope.js';
import { DEFAULT_TRIGGERS, detailFromAttributes, kpiSourceOf } from './capture/markup-attributes.js';
import { RuleSet } from './capture/rule-set.js';
import { RULE_CHANGE_EVENT } from './capture/kpi-rule-element.js';
import { ScopeScanner } from './capture/scope-scanner.js';
import { normaliseKpiEvent, type CifKpiEvent, type NormaliseResult } from './normalise/kpi-event.js';
import { resolveContext, type ContextState, type DeliveryContext } from './normalise/delivery-context.js';
import { DeliveryQueue, type DeliveryOutcome, type DeliveryStats, type DropReason } from './queue/delivery-queue.js';
import { QueueStore, newOwnerId } from './queue/queue-store.js';
import { CifHostWatcher } from './deliver/cif-host.js';
import {
  CIF_KPI_DROPPED,
  CIF_KPI_ERROR,
  CIF_KPI_FAILED,
  CIF_KPI_SENT,
  CIF_KPI_WARNING,
  dropMessage,
  fire,
  type CifKpiDroppedDetail,
  type CifKpiErrorDetail,
  type CifKpiFailedDetail,
  type CifKpiSentDetail,
  type CifKpiWarningDetail,
} from './report/events.js';
import { problem, type CifKpiProblem } from './report/problems.js';
import { ActivityLog } from './report/activity-log.js';
import type { DebugInspector, InspectorView } from './report/debug-inspector.js';

/** How `logger.log()` ended for one event. */
export type CifKpiLogResult = DeliveryOutcome | { status: 'invalid'; problem: CifKpiProblem };

/** Counts since the logger was created. */
export interface CifKpiStats extends DeliveryStats {
  /** Events heard or logged, valid or not. */
  captured: number;
  /** Events rejected by validation. */
  invalid: number;
}

/** An event given up after its last retry. */
export interface CifKpiFailedEvent {
  event: CifKpiEvent;
  context: DeliveryContext | undefined;
  attempts: number;
  error: CifKpiProblem | undefined;
}

/** Defaults of the delivery attributes; the README explains each choice. */
export const DEFAULTS = {
  flushDelay: 500,
  maxBatch: 100,
  callTimeout: 15_000,
  maxRetries: 5,
  retryDelay: 1000,
  maxQueue: 1000,
  contextTimeout: 300_000,
} as const;

/** How often the queue is written to storage at most, besides at once when the page is hidden. */
const SAVE_INTERVAL = 1000;

const CONTEXT_PROPERTIES: readonly PropertyKey[] = [
  'conversationId',
  'providerSessionId',
  'clientSessionId',
  'participantId',
  'eventName',
  'correlationId',
];

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
 * @attr context-timeout - How long events wait for both ids before they are dropped, in ms.
 * @attr no-persist - Keep the queue in memory only, not in sessionStorage.
 * @attr disabled - Stop capturing; what is already held is still delivered.
 *
 * @fires {CustomEvent<CifKpiSentDetail>} cif-kpi-sent - A call was accepted by the host. Detail: `{ data, eventName, correlationId, result }`.
 * @fires {CustomEvent<CifKpiErrorDetail>} cif-kpi-error - An event was rejected, a call failed, or the logger is misconfigured. Detail: `{ code, message, field?, event?, call?, events?, attempt?, retryIn? }`.
 * @fires {CustomEvent<CifKpiWarningDetail>} cif-kpi-warning - An event was logged but changed (e.g. truncated). Detail: `{ code, message, field?, event }`.
 * @fires {CustomEvent<CifKpiFailedDetail>} cif-kpi-failed - Events were given up after their last retry. Detail: `{ events, error, attempts }`.
 * @fires {CustomEvent<CifKpiDroppedDetail>} cif-kpi-dropped - Events were dropped without delivery. Detail: `{ count, reason, message, events }`.
 *
 * @attr debug - Show the debug inspector (also turned on by `?cif-kpi-debug` in the page URL).
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
 * @property {number} callTimeout - Deadline of one call in ms (`call-timeout`), default 15000.
 * @property {number} maxRetries - Retries of a failed call (`max-retries`), default 5.
 * @property {number} retryDelay - First retry delay in ms (`retry-delay`), default 1000.
 * @property {number} maxQueue - Most events held (`max-queue`), default 1000.
 * @property {number} contextTimeout - How long events wait for both ids, in ms (`context-timeout`), default 300000.
 * @property {boolean} noPersist - Keep the queue in memory only (`no-persist`).
 * @property {boolean} disabled - Stop capturing (`disabled`).
 * @property {boolean} debug - Show the debug inspector (`debug`).
 *
 * @csspart inspector - The debug inspector's box.
 * @csspart header - Its header: title, host status and buttons.
 * @csspart title - The inspector's title.
 * @csspart host-status - "CIF host: ready" or "CIF host: waiting".
 * @csspart button - Each button ("Send now", "Retry failed", "Clear list").
 * @csspart context - The ids in force (a description list).
 * @csspart stats - The counts.
 * @csspart stat - One count.
 * @csspart events - The list of recent events.
 * @csspart event - One event; also `event-held`, `event-sent`, `event-retrying`, `event-failed`, `event-dropped`, `event-invalid`.
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
 */
export class CifKpiLoggerElement extends ReactiveElement {
  static override styles = css`
    :host {
      display: none;
    }
  `;

  static override properties = {
    conversationId: { attribute: 'conversation-id' },
    providerSessionId: { attribute: 'provider-session-id' },
    clientSessionId: { attribute: 'client-session-id' },
    participantId: { attribute: 'participant-id' },
    eventName: { attribute: 'event-name' },
    correlationId: { attribute: 'correlation-id' },
    scope: {},
    flushDelay: { type: Number, attribute: 'flush-delay' },
    maxBatch: { type: Number, attribute: 'max-batch' },
    callTimeout: { type: Number, attribute: 'call-timeout' },
    maxRetries: { type: Number, attribute: 'max-retries' },
    retryDelay: { type: Number, attribute: 'retry-delay' },
    maxQueue: { type: Number, attribute: 'max-queue' },
    contextTimeout: { type: Number, attribute: 'context-timeout' },
    noPersist: { type: Boolean, attribute: 'no-persist' },
    disabled: { type: Boolean, reflect: true },
    debug: { type: Boolean, reflect: true },
  };

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
  /** Deadline (ms) of one `logAnalyticsEvent` call; a call that does not settle by then has failed. Default 15000. */
  declare callTimeout: number;
  /** Retries of a failed call before its events are given up. Default 5. */
  declare maxRetries: number;
  /** Delay (ms) before the first retry, doubled for each next one, with jitter. Default 1000. */
  declare retryDelay: number;
  /** Most events held at once; more are dropped. Default 1000. */
  declare maxQueue: number;
  /** How long (ms) events wait for both ids before they are dropped. Default 300000 (5 minutes). */
  declare contextTimeout: number;
  /** Keep the queue in memory only instead of the tab's sessionStorage. */
  declare noPersist: boolean;
  /** Stop capturing events; what is already held is still delivered. */
  declare disabled: boolean;
  /** Show the debug inspector (also turned on by `?cif-kpi-debug` in the page URL). */
  declare debug: boolean;

  #context: ContextState = { status: 'incomplete', missing: ['conversationId', 'providerSessionId'] };
  /** Set synchronously when an id changes, so an event captured right after gets the new ids. */
  #contextDirty = true;
  #correlationProblem: string | undefined;
  #ownerId = newOwnerId();
  #nextId = 0;
  #counts = { captured: 0, invalid: 0 };
  #host = new CifHostWatcher(window);
  #cancelHostWait: (() => void) | undefined;
  #capture = new ScopedCapture((event, path) => {
    try {
      return this.#onCaptured(event, path);
    } catch (error) {
      // Nothing the logger does while hearing an event may surface as an error of the page.
      this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, internalError(error) as CifKpiErrorDetail);
      return false;
    }
  });
  #scopeObserver: MutationObserver | undefined;
  /** Finds `data-kpi-on` types and open shadow roots in scope. */
  #scanner = new ScopeScanner({
    type: (type) => this.#listenForMarkup(type),
    shadowRoot: (root) => this.#capture.addInnerRoot(root),
    wants: (root) => root !== this.renderRoot,
  });
  #markupTypes = new Set<string>();
  #rules = new RuleSet({
    listen: (type) => this.#capture.listen(type),
    unlisten: (type) => this.#capture.unlisten(type),
    malformed: (rule, message) =>
      this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, { code: 'invalid-rule', message: `${rule}: ${message}` }),
    compiled: () => {
      const held = this.#heldForRules;
      this.#heldForRules = [];
      for (const { event, path, capturedAt } of held) this.#mapByRules(event, event.type, () => path, capturedAt);
    },
    unavailable: (error) => {
      const count = this.#heldForRules.length;
      this.#heldForRules = [];
      this.#fire<CifKpiErrorDetail>(
        CIF_KPI_ERROR,
        problem('internal-error', `The <cif-kpi-rule> code could not be loaded: ${String(error)}`) as CifKpiErrorDetail,
      );
      if (count > 0) this.#reportDropped([], 'rules-unavailable', count);
    },
  });
  /** Events heard for rules before the rule compiler arrived, with their capture time and path. */
  #heldForRules: Array<{ event: Event; path: readonly EventTarget[]; capturedAt: number }> = [];
  /** Sees rules added or changed without a synchronous notice (e.g. `custom-*` attributes). */
  #ruleObserver = new MutationObserver(() => this.#rules.refresh(this));
  /** The missing scope last reported, so each is reported once. */
  #missingScopeReported: string | null | undefined;
  #store: QueueStore | undefined;
  #storeProblemReported = false;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Recent events and their fate, kept only while `debug` is on. */
  #activity: ActivityLog | undefined;
  #inspector: DebugInspector | undefined;
  #drops = new Map<DropReason, { count: number; events: CifKpiEvent[] }>();
  #queue = new DeliveryQueue({
    ...DEFAULTS,
    framework: () => this.#host.framework,
    reporter: {
      sent: (call, items, result) => {
        this.#activity?.update(ids(items), 'sent');
        this.#fire<CifKpiSentDetail>(CIF_KPI_SENT, {
          data: call.data,
          eventName: call.eventName,
          correlationId: call.correlationId,
          result,
        });
      },
      attemptFailed: (call, items, p, retryIn) => {
        if (retryIn !== undefined)
          this.#activity?.update(ids(items), 'retrying', `${p.message} (retry in ${retryIn} ms)`);
        this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, {
          ...p,
          call,
          events: call.data.events,
          attempt: items[0]!.attempts,
          ...(retryIn === undefined ? {} : { retryIn }),
        } as CifKpiErrorDetail);
      },
      failed: (items, error) => {
        this.#activity?.update(ids(items), 'failed', error.message);
        this.#fire<CifKpiFailedDetail>(CIF_KPI_FAILED, {
          events: items.map((item) => item.event),
          error,
          attempts: items[0]!.attempts,
        });
      },
      dropped: (items, reason) => {
        for (const item of items)
          this.#activity?.record(item.event.kpiEventName, 'dropped', item.id, dropMessage(reason, 1));
        this.#reportDropped(
          items.map((item) => item.event),
          reason,
        );
      },
      changed: () => {
        this.#scheduleSave();
        this.#inspector?.schedule();
      },
    },
  });

  constructor() {
    super();
    this.conversationId = null;
    this.providerSessionId = null;
    this.clientSessionId = null;
    this.participantId = null;
    this.eventName = null;
    this.correlationId = null;
    this.scope = null;
    this.flushDelay = DEFAULTS.flushDelay;
    this.maxBatch = DEFAULTS.maxBatch;
    this.callTimeout = DEFAULTS.callTimeout;
    this.maxRetries = DEFAULTS.maxRetries;
    this.retryDelay = DEFAULTS.retryDelay;
    this.maxQueue = DEFAULTS.maxQueue;
    this.contextTimeout = DEFAULTS.contextTimeout;
    this.noPersist = false;
    this.disabled = false;
    this.debug = false;
    this.#capture.listen(CIF_KPI_EVENT);
    for (const type of DEFAULT_TRIGGERS) this.#listenForMarkup(type);
    // Heard only to meet shadow roots attached late, before their non-composed events happen.
    this.#capture.listen('focusin');
    this.addEventListener(RULE_CHANGE_EVENT, () => this.#rules.refresh(this));
  }

  /** Whether the CIF library is usable now. */
  get hostReady(): boolean {
    return this.#host.framework !== undefined;
  }

  /** Events held: waiting for ids, queued, in flight or awaiting a retry. */
  get pendingCount(): number {
    return this.#queue.size;
  }

  /** Counts since the logger was created: captured, invalid, sent, retried, failed, dropped, and held now. */
  get stats(): CifKpiStats {
    return { ...this.#counts, ...this.#queue.stats };
  }

  /** Events given up after their last retry, oldest first. `retryFailed()` tries them again. */
  get failed(): CifKpiFailedEvent[] {
    return this.#queue.failed.map((item) => ({
      event: item.event,
      context: item.context,
      attempts: item.attempts,
      error: item.problem,
    }));
  }

  /**
   * Logs one KPI event as if a widget had dispatched it. Resolves (never rejects) with how it ended:
   * `sent`, `failed` after its retries, `dropped`, or `invalid`.
   */
  log(detail: unknown): Promise<CifKpiLogResult> {
    return new Promise((resolve) => this.#accept(detail, resolve));
  }

  /**
   * Sends what is queued without waiting for `flush-delay` or retry backoff. Resolves when every event queued
   * before the call was sent, given up or dropped; it waits for the CIF library if it is not ready. Events still
   * waiting for `conversation-id` / `provider-session-id` stay held.
   */
  flush(): Promise<void> {
    return this.#rules.whenReady().then(() => this.#queue.flush());
  }

  /** Queues the failed events again with fresh retries; resolves when they have been tried. */
  retryFailed(): Promise<void> {
    return this.#queue.retryFailed();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#rules.refresh(this);
    this.#ruleObserver.observe(this, { childList: true, subtree: true, attributes: true });
    this.#attachScope();
    this.#waitForHost();
    if (!this.debug && new URLSearchParams(location.search).has('cif-kpi-debug')) this.debug = true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#capture.detach();
    this.#scanner.disconnect();
    this.#ruleObserver.disconnect();
    this.#scopeObserver?.disconnect();
    this.#scopeObserver = undefined;
    this.#saveNow();
    // What was captured is still delivered: start sending it now.
    void this.#queue.flush();
  }

  override requestUpdate(name?: PropertyKey, oldValue?: unknown, options?: PropertyDeclaration): void {
    if (CONTEXT_PROPERTIES.includes(name as PropertyKey)) this.#contextDirty = true;
    super.requestUpdate(name, oldValue, options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const options = this.#queue.options;
    options.flushDelay = atLeast(this.flushDelay, DEFAULTS.flushDelay, 0);
    options.maxBatch = Math.floor(atLeast(this.maxBatch, DEFAULTS.maxBatch, 1));
    options.callTimeout = atLeast(this.callTimeout, DEFAULTS.callTimeout, 1);
    options.maxRetries = Math.floor(atLeast(this.maxRetries, DEFAULTS.maxRetries, 0));
    options.retryDelay = atLeast(this.retryDelay, DEFAULTS.retryDelay, 0);
    options.maxQueue = Math.floor(atLeast(this.maxQueue, DEFAULTS.maxQueue, 1));
    options.contextTimeout = atLeast(this.contextTimeout, DEFAULTS.contextTimeout, 0);
    this.#currentContext();
    if ((changed.has('scope') || changed.has('disabled')) && this.isConnected) this.#attachScope();
    if (changed.has('noPersist')) this.#updatePersistence();
    if (changed.has('debug')) this.#updateInspector();
    this.#inspector?.schedule();
  }

  #updateInspector(): void {
    if (!this.debug) {
      this.#inspector?.destroy();
      this.#inspector = undefined;
      this.#activity = undefined;
      return;
    }
    if (this.#activity) return;
    const activity = new ActivityLog(() => this.#inspector?.schedule());
    this.#activity = activity;
    // The inspector's code is loaded only when it is turned on; events meanwhile are already in the log.
    void import('./report/debug-inspector.js').then(({ DebugInspector }) => {
      if (this.#activity !== activity || this.#inspector) return;
      this.#inspector = new DebugInspector(this.renderRoot as ShadowRoot, activity, () => this.#inspectorView(), {
        flush: () => void this.flush(),
        retryFailed: () => void this.retryFailed(),
      });
    });
  }

  #inspectorView(): InspectorView {
    const context = this.#currentContext();
    return {
      ids: [
        ['conversation-id', this.conversationId],
        ['provider-session-id', this.providerSessionId],
        ['client-session-id', this.clientSessionId],
        ['participant-id', this.participantId],
        ['event-name', this.eventName],
        ['correlation-id', this.correlationId],
      ],
      contextNote:
        context.status === 'incomplete'
          ? `events wait for ${context.missing.join(' and ')}`
          : context.status === 'invalid'
            ? context.problem.message
            : '',
      hostReady: this.hostReady,
      stats: { ...this.stats },
    };
  }

  /** The context in force now; resolving it reports a bad correlation id and releases held events. */
  #currentContext(): ContextState {
    if (this.#contextDirty) {
      this.#contextDirty = false;
      const resolved = resolveContext(this);
      this.#context = resolved.state;
      const correlationMessage = resolved.correlationProblem?.message;
      if (resolved.correlationProblem && correlationMessage !== this.#correlationProblem) {
        this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, resolved.correlationProblem as CifKpiErrorDetail);
      }
      this.#correlationProblem = correlationMessage;
      if (this.#context.status === 'complete') this.#queue.provideContext(this.#context.context);
    }
    return this.#context;
  }

  #attachScope(): void {
    this.#scopeObserver?.disconnect();
    this.#scopeObserver = undefined;
    this.#scanner.disconnect();
    if (this.disabled) {
      this.#capture.detach();
      return;
    }
    const root = resolveScopeRoot(this, this.scope);
    if (root) {
      this.#missingScopeReported = undefined;
      this.#capture.attach(root);
      this.#scanner.observe(root as Node);
      return;
    }
    this.#capture.detach();
    if (this.#missingScopeReported !== this.scope) {
      this.#missingScopeReported = this.scope;
      this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, {
        code: 'scope-not-found',
        message: `scope "${this.scope}" names no element in this document; events are heard once it appears`,
        field: 'scope',
      });
    }
    this.#scopeObserver = new MutationObserver(() => {
      if (resolveScopeRoot(this, this.scope)) this.#attachScope();
    });
    this.#scopeObserver.observe(this.getRootNode(), {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['id'],
    });
  }

  #waitForHost(): void {
    this.#cancelHostWait?.();
    this.#cancelHostWait = this.#host.whenReady(() => {
      this.#cancelHostWait = undefined;
      this.#inspector?.schedule();
      this.#queue.pump();
    });
  }

  #listenForMarkup(type: string): void {
    if (this.#markupTypes.has(type)) return;
    this.#markupTypes.add(type);
    this.#capture.listen(type);
  }

  /** Turns an event heard in scope into KPI events: a `cif-kpi` detail, `data-kpi-*` markup, matching rules. */
  #onCaptured(event: Event, pathOf: () => readonly EventTarget[]): boolean {
    const type = event.type;
    if (type === CIF_KPI_EVENT) {
      this.#accept((event as CustomEvent<unknown>).detail);
      return true;
    }
    // A `custom-*` change not yet seen by the observer still applies to this event.
    if (this.#rules.size > 0 && this.#ruleObserver.takeRecords().length > 0) this.#rules.refresh(this);
    // A shadow root met on the way of a focus or click (attached after its host was scanned) is listened in from
    // now on, so that its non-composed events (`change`, `submit`) are heard too.
    if (type === 'focusin' || type === 'click') {
      for (const node of pathOf())
        if (node instanceof ShadowRoot && node !== this.renderRoot) this.#scanner.adopt(node);
    }
    const root = this.#capture.root!;
    let taken = false;
    if (this.#markupTypes.has(type)) {
      const source = kpiSourceOf(event, pathOf(), root);
      if (source) {
        this.#accept(detailFromAttributes(source));
        taken = true;
      }
    }
    if (this.disabled) return taken;
    if (this.#rules.holds(type)) {
      // The rules are not compiled yet: the event is mapped when they are, stamped with its capture time.
      if (this.#heldForRules.length < this.#queue.options.maxQueue) {
        this.#heldForRules.push({ event, path: [...pathOf()], capturedAt: Date.now() });
      } else {
        this.#reportDropped([], 'queue-full', 1);
      }
      return true;
    }
    return this.#mapByRules(event, type, pathOf, Date.now()) || taken;
  }

  /** Maps an event through the rules for its type; returns whether any rule logged it. */
  #mapByRules(event: Event, type: string, pathOf: () => readonly EventTarget[], capturedAt: number): boolean {
    let taken = false;
    for (const rule of this.#rules.rulesFor(type)) {
      // A rule fills a normalised event directly; what it read is rendered only for a problem's report.
      const normalised = rule.eventFor(event, pathOf, this.#capture.root ?? document, capturedAt);
      if (normalised) {
        const reported = normalised.ok && normalised.warnings.length === 0 ? undefined : rule.detailFor(event, pathOf);
        this.#take(normalised, reported);
        taken = true;
      }
    }
    return taken;
  }

  /** Normalises, reports and queues one reported event. Never throws. */
  #accept(detail: unknown, resolve?: (result: CifKpiLogResult) => void): void {
    if (this.disabled) {
      this.#counts.captured += 1;
      this.#activity?.record(nameOf(detail), 'dropped', undefined, dropMessage('disabled', 1));
      resolve?.({ status: 'dropped', reason: 'disabled' });
      this.#reportDropped([], 'disabled', 1);
      return;
    }
    this.#take(normaliseKpiEvent(detail, Date.now()), detail, resolve);
  }

  /**
   * Reports and queues one normalised event. `detail` is what was reported, shown in error and warning events.
   * Never throws.
   */
  #take(normalised: NormaliseResult, detail: unknown, resolve?: (result: CifKpiLogResult) => void): void {
    try {
      this.#counts.captured += 1;
      for (const warning of normalised.warnings) {
        this.#fire<CifKpiWarningDetail>(CIF_KPI_WARNING, { ...warning, event: detail });
      }
      const context = this.#currentContext();
      const invalid = !normalised.ok ? normalised.problem : context.status === 'invalid' ? context.problem : undefined;
      if (invalid || !normalised.ok) {
        this.#counts.invalid += 1;
        this.#activity?.record(nameOf(detail), 'invalid', undefined, invalid!.message);
        this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, { ...invalid!, event: detail } as CifKpiErrorDetail);
        resolve?.({ status: 'invalid', problem: invalid! });
        return;
      }
      const id = `${this.#ownerId}.${this.#nextId++}`;
      this.#activity?.record(normalised.event.kpiEventName, 'held', id);
      this.#queue.enqueue(id, normalised.event, context.status === 'complete' ? context.context : undefined, resolve);
      if (!this.#cancelHostWait && !this.#host.framework) this.#waitForHost();
    } catch (error) {
      const p = internalError(error);
      try {
        this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, { ...p, event: detail } as CifKpiErrorDetail);
      } finally {
        resolve?.({ status: 'invalid', problem: p });
      }
    }
  }

  /** Drops are reported once per reason per task, however many events a burst drops. */
  #reportDropped(events: CifKpiEvent[], reason: DropReason, count = events.length): void {
    const pending = this.#drops.get(reason);
    if (pending) {
      pending.count += count;
      pending.events.push(...events);
      return;
    }
    const drop = { count, events: [...events] };
    this.#drops.set(reason, drop);
    queueMicrotask(() => {
      this.#drops.delete(reason);
      this.#fire<CifKpiDroppedDetail>(CIF_KPI_DROPPED, {
        count: drop.count,
        reason,
        message: dropMessage(reason, drop.count),
        events: drop.events,
      });
    });
  }

  #updatePersistence(): void {
    if (this.noPersist) {
      this.#store?.close();
      this.#store = undefined;
      // Saving at unload follows the store, not the connection: a removed logger still delivers, and its entry
      // must still be brought up to date when the page goes.
      window.removeEventListener('pagehide', this.#saveNow);
      document.removeEventListener('visibilitychange', this.#onVisibilityChange);
      this.#queue.resume();
      return;
    }
    if (this.#store) return;
    const store = new QueueStore({ ownerId: this.#ownerId });
    this.#store = store;
    window.addEventListener('pagehide', this.#saveNow);
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    // Events left by the page before a reload are older than anything captured here: they go first.
    this.#queue.pause();
    void store
      .open()
      .then(({ restored, problem: p }) => {
        if (p) this.#storeFailed(p);
        else this.#queue.restore(restored);
      })
      .finally(() => this.#queue.resume());
  }

  #scheduleSave(): void {
    if (!this.#store || this.#saveTimer !== undefined) return;
    this.#saveTimer = setTimeout(this.#saveNow, SAVE_INTERVAL);
  }

  #saveNow = (): void => {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    const p = this.#store?.save(this.#queue.snapshot());
    if (p) this.#storeFailed(p);
  };

  #onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') this.#saveNow();
  };

  #storeFailed(p: CifKpiProblem): void {
    if (this.#storeProblemReported) return;
    this.#storeProblemReported = true;
    this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, p as CifKpiErrorDetail);
  }

  #fire<T>(type: string, detail: T): void {
    fire(this, type, detail);
  }
}

function ids(items: readonly { id: string }[]): string[] {
  return items.map((item) => item.id);
}

/** The name to show for a detail that may not be valid. */
function nameOf(detail: unknown): string {
  try {
    const name = (detail as { kpiEventName?: unknown } | null)?.kpiEventName;
    return typeof name === 'string' && name ? name.slice(0, 60) : '(no kpiEventName)';
  } catch {
    return '(unreadable detail)';
  }
}

function internalError(error: unknown): CifKpiProblem {
  return problem('internal-error', `The logger failed to handle an event: ${String(error)}`);
}

function atLeast(value: number, fallback: number, min: number): number {
  return Number.isFinite(value) ? Math.max(min, value) : fallback;
}
