import { ReactiveElement, css, type PropertyDeclaration, type PropertyValues } from 'lit';
import { CIF_KPI_EVENT, ScopedCapture } from './capture/event-capture.js';
import { resolveScopeRoot } from './capture/scope.js';
import { normaliseKpiEvent, type CifKpiEvent } from './normalise/kpi-event.js';
import { resolveContext, type ContextState } from './normalise/delivery-context.js';
import { DeliveryQueue, type DeliveryOutcome } from './queue/delivery-queue.js';
import { CifHostWatcher } from './deliver/cif-host.js';
import {
  CIF_KPI_ERROR,
  CIF_KPI_SENT,
  CIF_KPI_WARNING,
  fire,
  type CifKpiErrorDetail,
  type CifKpiSentDetail,
  type CifKpiWarningDetail,
} from './report/events.js';
import { problem, type CifKpiProblem } from './report/problems.js';

/** How `logger.log()` ended for one event. */
export type CifKpiLogResult =
  | DeliveryOutcome
  | { status: 'invalid'; problem: CifKpiProblem };

interface AwaitingContext {
  event: CifKpiEvent;
  onSettled?: (outcome: DeliveryOutcome) => void;
}

/** Defaults of the delivery attributes; the README explains each choice. */
export const DEFAULTS = { flushDelay: 500, maxBatch: 100, callTimeout: 15000 } as const;

const CONTEXT_PROPERTIES = [
  'conversationId',
  'providerSessionId',
  'clientSessionId',
  'participantId',
  'eventName',
  'correlationId',
] as const;

/**
 * Turns what sibling widgets report into Dynamics 365 CIF KPI analytics: it hears `cif-kpi` events in its
 * scope, validates them against the CIF column limits and delivers them through
 * `Microsoft.CIFramework.logAnalyticsEvent`, batched and in capture order, once the CIF library is ready.
 *
 * @summary Logs contact-center widget activity as CIF KPI analytics events.
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
 *
 * @fires cif-kpi-sent - A call was accepted by the host. Detail: `{ data, eventName, correlationId, result }`.
 * @fires cif-kpi-error - An event was rejected, or a call failed. Detail: `{ code, message, field?, event?, call?, events? }`.
 * @fires cif-kpi-warning - An event was logged but changed (e.g. truncated). Detail: `{ code, message, field?, event }`.
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

  #context: ContextState = { status: 'incomplete', missing: ['conversationId', 'providerSessionId'] };
  /** Set synchronously when an id changes, so an event captured right after gets the new ids. */
  #contextDirty = true;
  #correlationProblem: string | undefined;
  #awaitingContext: AwaitingContext[] = [];
  #host = new CifHostWatcher(window);
  #cancelHostWait: (() => void) | undefined;
  #capture = new ScopedCapture((event) => this.#onCaptured(event));
  #scopeObserver: MutationObserver | undefined;
  /** The missing scope last reported, so each is reported once. */
  #missingScopeReported: string | null | undefined;
  #queue = new DeliveryQueue({
    flushDelay: DEFAULTS.flushDelay,
    maxBatch: DEFAULTS.maxBatch,
    callTimeout: DEFAULTS.callTimeout,
    framework: () => this.#host.framework,
    reporter: {
      sent: (call, _items, result) =>
        this.#fire<CifKpiSentDetail>(CIF_KPI_SENT, {
          data: call.data,
          eventName: call.eventName,
          correlationId: call.correlationId,
          result,
        }),
      rejected: (call, _items, p) =>
        this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, { ...p, call, events: call.data.events }),
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
    this.#capture.listen(CIF_KPI_EVENT);
  }

  /** Whether the CIF library is usable now. */
  get hostReady(): boolean {
    return this.#host.framework !== undefined;
  }

  /** Events held: waiting for the context, queued, or in the call in flight. */
  get pendingCount(): number {
    return this.#awaitingContext.length + this.#queue.size + this.#queue.inFlightSize;
  }

  /**
   * Logs one KPI event as if a widget had dispatched it. Resolves (never rejects) with how it ended:
   * `sent`, `rejected` by the host, or `invalid`.
   */
  log(detail: unknown): Promise<CifKpiLogResult> {
    return new Promise((resolve) => this.#accept(detail, resolve));
  }

  /**
   * Sends what is queued without waiting for `flush-delay`. Resolves when every event queued before the call
   * was delivered or rejected; it waits for the CIF library if it is not ready. Events still waiting for
   * `conversation-id` / `provider-session-id` stay held.
   */
  flush(): Promise<void> {
    return this.#queue.flush();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#attachScope();
    this.#waitForHost();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#capture.detach();
    this.#scopeObserver?.disconnect();
    this.#scopeObserver = undefined;
    // What was captured is still delivered: start sending it now.
    void this.#queue.flush();
  }

  override requestUpdate(name?: PropertyKey, oldValue?: unknown, options?: PropertyDeclaration): void {
    if ((CONTEXT_PROPERTIES as readonly PropertyKey[]).includes(name as PropertyKey)) this.#contextDirty = true;
    super.requestUpdate(name, oldValue, options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const options = this.#queue.options;
    options.flushDelay = finiteOr(this.flushDelay, DEFAULTS.flushDelay, 0);
    options.maxBatch = Math.floor(finiteOr(this.maxBatch, DEFAULTS.maxBatch, 1));
    options.callTimeout = finiteOr(this.callTimeout, DEFAULTS.callTimeout, 1);
    this.#currentContext();
    if (changed.has('scope') && this.isConnected) this.#attachScope();
  }

  /** The context in force now; resolving it reports a bad correlation id and releases held events. */
  #currentContext(): ContextState {
    if (this.#contextDirty) {
      this.#contextDirty = false;
      this.#resolveContext();
    }
    return this.#context;
  }

  #resolveContext(): void {
    const resolved = resolveContext(this);
    this.#context = resolved.state;
    const correlationMessage = resolved.correlationProblem?.message;
    if (resolved.correlationProblem && correlationMessage !== this.#correlationProblem) {
      this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, resolved.correlationProblem as CifKpiErrorDetail);
    }
    this.#correlationProblem = correlationMessage;
    if (this.#context.status === 'complete' && this.#awaitingContext.length > 0) {
      const released = this.#awaitingContext;
      this.#awaitingContext = [];
      for (const item of released) this.#queue.enqueue(item.event, this.#context.context, item.onSettled);
    }
  }

  #attachScope(): void {
    this.#scopeObserver?.disconnect();
    this.#scopeObserver = undefined;
    const root = resolveScopeRoot(this, this.scope);
    if (root) {
      this.#missingScopeReported = undefined;
      this.#capture.attach(root);
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
    const tree = this.getRootNode();
    this.#scopeObserver = new MutationObserver(() => {
      if (resolveScopeRoot(this, this.scope)) this.#attachScope();
    });
    this.#scopeObserver.observe(tree, { childList: true, subtree: true, attributes: true, attributeFilter: ['id'] });
  }

  #waitForHost(): void {
    this.#cancelHostWait?.();
    this.#cancelHostWait = this.#host.whenReady(() => {
      this.#cancelHostWait = undefined;
      this.#queue.pump();
    });
  }

  #onCaptured(event: Event): void {
    this.#accept((event as CustomEvent<unknown>).detail);
  }

  /** Normalises, reports and queues one event. Never throws. */
  #accept(detail: unknown, resolve?: (result: CifKpiLogResult) => void): void {
    try {
      const normalised = normaliseKpiEvent(detail, Date.now());
      for (const warning of normalised.warnings) {
        this.#fire<CifKpiWarningDetail>(CIF_KPI_WARNING, { ...warning, event: detail });
      }
      if (!normalised.ok) {
        this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, { ...normalised.problem, event: detail });
        resolve?.({ status: 'invalid', problem: normalised.problem });
        return;
      }
      const context = this.#currentContext();
      if (context.status === 'invalid') {
        this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, { ...context.problem, event: detail });
        resolve?.({ status: 'invalid', problem: context.problem });
        return;
      }
      if (context.status === 'incomplete') {
        this.#awaitingContext.push({ event: normalised.event, onSettled: resolve });
        return;
      }
      this.#queue.enqueue(normalised.event, context.context, resolve);
      if (!this.#cancelHostWait && !this.#host.framework) this.#waitForHost();
    } catch (error) {
      const p = problem('internal-error', `The logger failed to handle an event: ${String(error)}`);
      try {
        this.#fire<CifKpiErrorDetail>(CIF_KPI_ERROR, { ...p, event: detail });
      } finally {
        resolve?.({ status: 'invalid', problem: p });
      }
    }
  }

  #fire<T>(type: string, detail: T): void {
    fire(this, type, detail);
  }
}

function finiteOr(value: number, fallback: number, min: number): number {
  return Number.isFinite(value) ? Math.max(min, value) : fallback;
}
