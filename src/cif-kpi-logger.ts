import {
  ReactiveElement,
  unsafeCSS,
  type PropertyDeclaration,
  type PropertyDeclarations,
  type PropertyValues,
} from '@lit/reactive-element';
import { KpiLogger } from './logger/kpi-logger.js';
import { DEFAULTS, DELIVERY_OPTION_NAMES } from './queue/delivery-options.js';
import { DEFAULT_LOG_LEVEL, type LogLevel } from './vocabulary/log-level.js';
import { attributeOf } from './vocabulary/attribute-names.js';
import { CALL_FIELDS, type CifKpiEventDetail } from './vocabulary/cif-contract.js';
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

  #logger = new KpiLogger(this);

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
  }

  /** Whether the CIF library is usable now. */
  get hostReady(): boolean {
    return this.#logger.hostReady;
  }

  /** Events held: waiting for ids, queued, in flight or awaiting a retry. */
  get pendingCount(): number {
    return this.#logger.pendingCount;
  }

  /** Counts since the logger was created: captured, invalid, sent, retried, failed, dropped, and held now. */
  get stats(): CifKpiStats {
    return this.#logger.stats;
  }

  /** Events given up after their last retry, oldest first. `retryFailed()` tries them again. */
  get failed(): CifKpiFailedEvent[] {
    return this.#logger.failed;
  }

  /**
   * Logs one KPI event as if a widget had dispatched it. Resolves (never rejects) with how it ended:
   * `sent`, `failed` after its retries, `dropped`, or `invalid`. Typed for editors; whatever is passed is checked
   * at run time like any detail.
   */
  log(detail: CifKpiEventDetail): Promise<CifKpiLogResult> {
    return this.#logger.log(detail);
  }

  /**
   * Sends what is queued without waiting for `flush-delay` or retry backoff. Resolves when every event queued
   * before the call was sent, given up or dropped; it waits for the CIF library if it is not ready. Events still
   * waiting for `conversation-id` / `provider-session-id` stay held.
   */
  flush(): Promise<void> {
    return this.#logger.flush();
  }

  /** Queues the failed events again with fresh retries; resolves when they have been tried. */
  retryFailed(): Promise<void> {
    return this.#logger.retryFailed();
  }

  override requestUpdate(name?: PropertyKey, oldValue?: unknown, options?: PropertyDeclaration): void {
    // Not during Lit's own first request, made before the logger exists.
    if (name !== undefined) this.#logger.propertyChanged(name);
    super.requestUpdate(name, oldValue, options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#logger.update(changed);
  }
}

/** Declares camel-case properties with their kebab-case attributes (`flushDelay` ↔ `flush-delay`). */
function declare<K extends string>(names: readonly K[], options: PropertyDeclaration): Record<K, PropertyDeclaration> {
  return Object.fromEntries(names.map((name) => [name, { ...options, attribute: attributeOf(name) }])) as Record<
    K,
    PropertyDeclaration
  >;
}

/** The logger's properties that have an attribute: the keys of its property table, from which typings derive. */
export type CifKpiLoggerProperty = keyof typeof CifKpiLoggerElement.properties;
