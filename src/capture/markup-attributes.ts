/**
 * `data-kpi-*` markup: any element in scope can be a KPI source without JavaScript.
 *
 *     <button data-kpi="CallRejected" data-kpi-reason="Agent busy" data-kpi-custom-msdyn_customattribute1="Queue A">
 */
import {
  columnNameLike,
  customAttributeProblem,
  failure,
  normaliseKpiEvent,
  restamped,
  type NormaliseResult,
} from '../normalise/kpi-event.js';
import {
  CUSTOM_PREFIX,
  FIELD_ATTRIBUTE_NAMES,
  KPI_ATTRIBUTE,
  KPI_IGNORE_ATTRIBUTE,
  KPI_ON_ATTRIBUTE,
  MARKUP_ATTRIBUTES,
} from '../vocabulary/attribute-names.js';
import { problem } from '../vocabulary/problems.js';

export { FIELD_ATTRIBUTE_NAMES, KPI_ON_ATTRIBUTE };

/** The attributes of `<cif-kpi-rule>`, besides `custom-*`: the one list the element and the compiler use. */
export const RULE_ATTRIBUTES = ['on', 'kpi', ...FIELD_ATTRIBUTE_NAMES.map(([name]) => name), 'match', 'when'] as const;

const FIELD_ATTRIBUTES = FIELD_ATTRIBUTE_NAMES.map(([name, field]) => [`data-kpi-${name}`, field] as const);
/** The `data-kpi*` attributes markup knows besides `data-kpi-custom-*`; any other is a typo, passed on to be reported. */
const KNOWN_ATTRIBUTES = new Set<string>(MARKUP_ATTRIBUTES);

/** The DOM events markup listens for by default. */
export const DEFAULT_TRIGGERS = ['click', 'submit', 'change'] as const;

/**
 * Events that fire by themselves, with no user at all: resource and lifecycle events, animations and
 * transitions, media progress. Markup may not map them: `<img src=x data-kpi="CallRejected" data-kpi-on="error">`
 * in a chat transcript would otherwise log a KPI event as soon as it renders. (A `<cif-kpi-rule>` is the provider's
 * own configuration, inside the logger, and may.)
 */
const SELF_FIRING = new Set(
  (
    'load error abort loadstart progress loadend loadeddata loadedmetadata timeout readystatechange ' +
    'domcontentloaded beforeunload unload pagehide pageshow visibilitychange resize scroll scrollend ' +
    'slotchange toggle beforetoggle message messageerror storage online offline hashchange popstate ' +
    'securitypolicyviolation selectionchange fullscreenchange play playing pause ended timeupdate ' +
    'durationchange volumechange ratechange seeking seeked waiting stalled suspend emptied canplay ' +
    'canplaythrough cuechange'
  ).split(' '),
);

/** Whether markup may be fired by events of `type` (see `SELF_FIRING`). */
export function userCanFire(type: string): boolean {
  const name = type.toLowerCase();
  return !SELF_FIRING.has(name) && !name.startsWith('animation') && !name.startsWith('transition');
}

/**
 * What markup reads of an element: its attributes and its name. An element, or what the stub copied of one before
 * the bundle loaded (`stub-take-over.ts`).
 */
export type MarkupElement = Pick<Element, 'hasAttribute' | 'getAttribute' | 'getAttributeNames' | 'localName'>;

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
 * for the types it may be fired by (`userCanFire`): the caller checks that once, when it starts listening.
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

/**
 * The `cif-kpi` detail an element's `data-kpi-*` attributes describe; `refused` is set when a
 * `data-kpi-custom-*` name cannot be a column, said with the attribute it came from and the name it should have;
 * `unknown` lists the `data-kpi-*` attributes markup does not know (a typo such as `data-kpi-reasn`, or another
 * tool's), which are not sent.
 */
export function detailFromAttributes(element: MarkupElement): {
  detail: Record<string, unknown>;
  refused?: NormaliseResult;
  unknown?: string[];
} {
  const detail: Record<string, unknown> = { kpiEventName: element.getAttribute(KPI_ATTRIBUTE) };
  for (const [attribute, field] of FIELD_ATTRIBUTES) {
    const value = element.getAttribute(attribute);
    if (value !== null) detail[field] = value;
  }
  let custom: Array<{ attribute: string; value: string }> | undefined;
  let unknown: string[] | undefined;
  for (const name of element.getAttributeNames()) {
    if (name.startsWith(CUSTOM_PREFIX)) {
      (custom ??= []).push({ attribute: name.slice(CUSTOM_PREFIX.length), value: element.getAttribute(name)! });
    } else if (name.startsWith(KPI_ATTRIBUTE) && !KNOWN_ATTRIBUTES.has(name)) {
      (unknown ??= []).push(name);
    }
  }
  if (!custom) return unknown ? { detail, unknown } : { detail };
  detail.customData = custom;
  for (const { attribute } of custom) {
    const refused = customAttributeProblem(attribute);
    if (!refused) continue;
    const name = CUSTOM_PREFIX + attribute;
    const like = columnNameLike(attribute);
    const kpi = String(detail.kpiEventName).slice(0, 60);
    const why = like
      ? `"${attribute}" is not a column name (letters, digits and underscores): write ${CUSTOM_PREFIX}${like}`
      : refused.message;
    const message = `${name} on <${element.localName} data-kpi="${kpi}">: ${why}`;
    return { detail, refused: failure(problem(refused.code, message, name), []) };
  }
  return unknown ? { detail, unknown } : { detail };
}

/** What a `data-kpi` element describes, read once: the detail, its KPI event (or why there is none) and typos. */
export interface MarkupRead {
  detail: Record<string, unknown>;
  /** The event its attributes make, stamped when it was read; `eventAt` stamps it anew. */
  result: NormaliseResult;
  unknown?: string[];
}

/** What an element describes, read now. */
export function markupOf(element: MarkupElement): MarkupRead {
  const { detail, refused, unknown } = detailFromAttributes(element);
  return { detail, result: refused ?? normaliseKpiEvent(detail, Date.now()), unknown };
}

/**
 * Reads `data-kpi` elements, each once until its attributes change: a click on an element met before costs a
 * fresh timestamp, not a parse. Each element read is watched for attribute changes, and changes made just before
 * an event (before the observer was told) are taken into account at once.
 */
export class MarkupReader {
  #read = new WeakMap<Element, MarkupRead>();
  #observer = new MutationObserver((records) => this.#forget(records));

  /** What `element` describes now. */
  read(element: Element): MarkupRead {
    this.#forget(this.#observer.takeRecords());
    let read = this.#read.get(element);
    if (!read) {
      read = markupOf(element);
      this.#read.set(element, read);
      this.#observer.observe(element, { attributes: true });
    }
    return read;
  }

  /** Forgets every element read (they are read again when next met). */
  clear(): void {
    this.#observer.disconnect();
    this.#read = new WeakMap();
  }

  #forget(records: MutationRecord[]): void {
    for (const record of records) this.#read.delete(record.target as Element);
  }
}

/** A read element's event as captured at `capturedAt`: a payload of its own, stamped then. */
export function eventAt({ result }: MarkupRead, capturedAt: number): NormaliseResult {
  return result.ok ? { ...result, event: restamped(result.event, capturedAt), capturedAt } : result;
}
