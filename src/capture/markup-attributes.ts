/**
 * `data-kpi-*` markup: any element in scope can be a KPI source without JavaScript.
 *
 *     <button data-kpi="CallRejected" data-kpi-reason="Agent busy" data-kpi-custom-msdyn_customattribute1="Queue A">
 *
 * What every page carries: finding the `data-kpi` element an event fires, and keeping what it says at the event.
 * Reading what it says into a KPI event is a part loaded the first time one fires (`markup-reader.ts`).
 */
import {
  CUSTOM_PREFIX,
  FIELD_ATTRIBUTE_NAMES,
  KPI_ATTRIBUTE,
  KPI_IGNORE_ATTRIBUTE,
  KPI_ON_ATTRIBUTE,
} from '../vocabulary/attribute-names.js';
import type { CopiedAttributes } from '../vocabulary/stub.js';

export { FIELD_ATTRIBUTE_NAMES, KPI_ON_ATTRIBUTE };

/** The attributes of `<cif-kpi-rule>`, besides `custom-*`: the one list the element and the compiler use. */
export const RULE_ATTRIBUTES = ['on', 'kpi', ...FIELD_ATTRIBUTE_NAMES.map(([name]) => name), 'match', 'when'] as const;

/** The DOM events markup listens for by default. */
export const DEFAULT_TRIGGERS = ['click', 'submit', 'change'] as const;

/**
 * What markup reads of an element: its attributes and its name. An element, or what the stub copied of one before
 * the bundle loaded (`stub-take-over.ts`).
 */
export type MarkupElement = Pick<Element, 'hasAttribute' | 'getAttribute' | 'getAttributeNames' | 'localName'>;

/**
 * What a `data-kpi` element said when an event of `type` fired it: its `data-kpi*` attributes then, read when the
 * markup reader is there, whatever the element says or wherever it is by that time.
 */
export interface MarkupSnapshot {
  type: string;
  element: Element;
  attributes: CopiedAttributes;
}

/**
 * The `data-kpi*` attributes of `element` now, for an event of `type`; with no prototype, so that nothing a page
 * added to `Object.prototype` is read back as one.
 */
export function snapshotOf(element: Element, type: string): MarkupSnapshot {
  const attributes: CopiedAttributes = Object.create(null);
  for (const name of element.getAttributeNames())
    if (name.startsWith(KPI_ATTRIBUTE)) attributes[name] = element.getAttribute(name)!;
  return { type, element, attributes };
}

/**
 * The `cif-kpi` detail `data-kpi*` attributes describe: the name, the fields, the `data-kpi-custom-*` columns in
 * the order written. The one reading of markup: the markup reader adds its checks (custom column names said with
 * their attribute, attributes markup does not know); without it (the page goes before it has arrived, or it cannot
 * be loaded), this is what is logged, and the usual checks of every event still apply.
 */
export function markupDetail(attributes: CopiedAttributes): Record<string, unknown> {
  const detail: Record<string, unknown> = { kpiEventName: attributes[KPI_ATTRIBUTE] };
  for (const [name, field] of FIELD_ATTRIBUTE_NAMES) {
    const value = attributes[`${KPI_ATTRIBUTE}-${name}`];
    if (value !== undefined) detail[field] = value;
  }
  const custom = Object.keys(attributes)
    .filter((name) => name.startsWith(CUSTOM_PREFIX))
    .map((name) => ({ attribute: name.slice(CUSTOM_PREFIX.length), value: attributes[name]! }));
  if (custom.length) detail.customData = custom;
  return detail;
}

/** The DOM event that fires a `data-kpi` element. */
function triggerOf(element: MarkupElement): string {
  const chosen = element.getAttribute(KPI_ON_ATTRIBUTE)?.trim();
  if (chosen) return chosen;
  switch (element.localName) {
    case 'form':
      return 'submit';
    case 'input':
    case 'select':
    case 'textarea':
      return 'change';
    default:
      return 'click';
  }
}

/**
 * The path of an event from its target up to `root` (not included) when it is all light DOM: the target has no
 * open shadow root it could come from and nothing on the way is slotted, so the composed path holds no more than
 * this. Undefined otherwise (the composed path is needed).
 */
export function lightPathOf(event: Event, root: EventTarget): Element[] | undefined {
  const target = event.target;
  if (!(target instanceof Element) || target.shadowRoot) return undefined;
  const path: Element[] = [];
  for (let node: Node | null = target; node !== root; node = node.parentNode) {
    if (!(node instanceof Element) || node.assignedSlot) return undefined;
    path.push(node);
  }
  return path;
}

/**
 * The element whose `data-kpi` this event fires: the nearest one on the event's path (across shadow roots) whose
 * trigger is this event's type, below `root`. None when `data-kpi-ignore` is on the way. Markup is looked up only
 * for the types it may be fired by (`userCanFire`, in the markup reader): checked once per type, when markup asks.
 * `elementOf` gives what is read of each node on the path (the stub's copies give what they copied).
 */
export function kpiSourceOf(event: Event, path: readonly EventTarget[], root: EventTarget): Element | undefined;
export function kpiSourceOf<T extends MarkupElement>(
  event: Event,
  path: readonly EventTarget[],
  root: EventTarget,
  elementOf: (node: EventTarget) => T | undefined,
): T | undefined;
export function kpiSourceOf(
  event: Event,
  path: readonly EventTarget[],
  root: EventTarget,
  elementOf = (node: EventTarget): MarkupElement | undefined => (node instanceof Element ? node : undefined),
): MarkupElement | undefined {
  let source: MarkupElement | undefined;
  for (const node of path) {
    if (node === root) break;
    const element = elementOf(node);
    if (element?.hasAttribute(KPI_IGNORE_ATTRIBUTE)) return undefined;
    if (!source && element?.hasAttribute(KPI_ATTRIBUTE) && triggerOf(element) === event.type) source = element;
  }
  return elementOf(root)?.hasAttribute(KPI_IGNORE_ATTRIBUTE) ? undefined : source;
}
