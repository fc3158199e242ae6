import { RULE_ATTRIBUTES } from './markup-attributes.js';
import { withAdvice } from './advice.js';

/** Fired (not bubbling) on a rule's logger when the rule is added, changed or removed. */
export const RULE_CHANGE_EVENT = 'cif-kpi-rule-change';

/**
 * `HTMLElement`, or outside a browser (a server-side render, a test runner with a Node environment) a stand-in, so
 * that importing the package there defines a class instead of throwing.
 */
const ElementBase: typeof HTMLElement = globalThis.HTMLElement ?? (class {} as unknown as typeof HTMLElement);

/**
 * `<cif-kpi-rule>`: a declarative mapping from a DOM event to a KPI event, read by its parent `<cif-kpi-logger>`.
 * It renders nothing; it only tells its logger, synchronously, when it is added, changed or removed, so that a
 * rule takes effect before the next event.
 *
 * @summary Maps a DOM event heard in the logger's scope to a KPI event.
 * @tagname cif-kpi-rule
 * @attr on - The DOM event type to map.
 * @attr kpi - The KPI event name; may hold `{detail.x}` / `{target.x}` placeholders, like every value attribute.
 * @attr reason - `kpiEventReason`.
 * @attr additional-data - `additionalData`.
 * @attr notification-response-action - `notificationResponseAction`.
 * @attr external-correlation-id - `externalCorrelationId`.
 * @attr match - A CSS selector the event's origin, or an ancestor of it, must match.
 * @attr when - A `detail.x` / `target.x` path that must be truthy.
 */
export class CifKpiRuleElement extends ElementBase {
  /** Changes take effect synchronously (`custom-*` ones through the attribute methods below). */
  static observedAttributes = [...RULE_ATTRIBUTES];
  #logger: Element | null = null;

  connectedCallback(): void {
    this.#logger = this.parentElement;
    if (this.#logger?.localName !== 'cif-kpi-logger') this.#warnOutsideLogger();
    this.#notify();
  }

  disconnectedCallback(): void {
    this.#notify();
    this.#logger = null;
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.#notify();
  }

  // `custom-*` attributes cannot be observed by name: changes made through these methods are told at once, like
  // the others; any other change (an `Attr` node's value) reaches the logger through its MutationObserver, by the
  // next microtask.
  override setAttribute(name: string, value: string): void {
    super.setAttribute(name, value);
    this.#customChanged(name);
  }

  override removeAttribute(name: string): void {
    super.removeAttribute(name);
    this.#customChanged(name);
  }

  override toggleAttribute(name: string, force?: boolean): boolean {
    const on = super.toggleAttribute(name, force);
    this.#customChanged(name);
    return on;
  }

  #customChanged(name: string): void {
    if (this.isConnected && name.toLowerCase().startsWith('custom-')) this.#notify();
  }

  /**
   * A rule is read only by its parent logger: one placed elsewhere maps nothing, which is said (by the advice part,
   * loaded then), not left silent.
   */
  #warnOutsideLogger(): void {
    withAdvice(({ ruleOutsideLogger }) => ruleOutsideLogger(this));
  }

  #notify(): void {
    this.#logger?.dispatchEvent(new Event(RULE_CHANGE_EVENT));
  }
}
