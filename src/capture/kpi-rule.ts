/**
 * `<cif-kpi-rule>`: maps any DOM event heard in scope to a KPI event, declaratively. The rule compiler, a part
 * loaded the first time a page has a rule.
 *
 *     <cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}"
 *                   custom-msdyn_customattribute1="{detail.queue}" match="softphone-widget"></cif-kpi-rule>
 *
 * A rule is compiled when it is read: each value attribute made a reader (`rule-template.ts`), its constant name
 * and custom column names checked. For each event it then fills the fields of a normalised KPI event directly, with
 * the same field checks as any other event, and builds no intermediate detail (one is rendered only when there is a
 * problem to report).
 */
import { problem, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import { KPI_EVENT_FIELDS, type CifCustomDataItem } from '../vocabulary/cif-contract.js';
import {
  customAttributeProblem,
  customValue,
  failure,
  kpiEventNameOf,
  writeKpiEvent,
  type KpiEventField,
  type NormaliseResult,
} from '../normalise/kpi-event.js';
import { FIELD_ATTRIBUTE_NAMES, RULE_ATTRIBUTES } from './markup-attributes.js';
import {
  compileTemplate,
  emptyPlaceholder,
  parsePath,
  RuleSyntaxError,
  walk,
  type EventPath,
  type Path,
  type Reader,
} from './rule-template.js';

/** Attribute → field, for the attributes that fill a text field. */
const FIELD_OF_ATTRIBUTE: ReadonlyMap<string, KpiEventField> = new Map([
  ['kpi', 'kpiEventName'],
  ...FIELD_ATTRIBUTE_NAMES,
]);
const CUSTOM_PREFIX = 'custom-';
const KNOWN: ReadonlySet<string> = new Set(RULE_ATTRIBUTES);
const KNOWN_LIST = [...RULE_ATTRIBUTES.slice(0, -2), `${CUSTOM_PREFIX}*`, ...RULE_ATTRIBUTES.slice(-2)].join(', ');
const IGNORED = /^(id|class|style|hidden|title|slot|data-.*|aria-.*)$/;

/** A parsed, valid rule. */
export interface KpiRule {
  element: Element;
  on: string;
  /**
   * The KPI event this rule makes of `event`, normalised, or undefined when `match` or `when` do not hold.
   * `path` gives the event's composed path; it is asked for only when the rule needs it (`match`, `{target.…}`).
   */
  eventFor(event: Event, path: EventPath, root: EventTarget, capturedAt: number): NormaliseResult | undefined;
  /** What the rule read from `event`, as a `cif-kpi` detail: what error and warning reports show. */
  detailFor(event: Event, path: EventPath): Record<string, unknown>;
}

export type RuleParse = { ok: true; rule: KpiRule } | { ok: false; message: string };

/** A short name for a rule in messages: its `on`/`kpi`, and its position when given. */
export function describeRule(element: Element, index?: number): string {
  const on = element.getAttribute('on');
  const kpi = element.getAttribute('kpi');
  const at = index === undefined ? '' : ` #${index + 1}`;
  return `<cif-kpi-rule>${at}${on ? ` on="${on}"` : ''}${kpi ? ` kpi="${kpi}"` : ''}`;
}

const fail = (message: string): never => {
  throw new RuleSyntaxError(message);
};

/** Reads a `<cif-kpi-rule>` element; says precisely what is wrong with a malformed one. */
export function parseRule(element: Element): RuleParse {
  try {
    return { ok: true, rule: compile(element) };
  } catch (error) {
    if (error instanceof RuleSyntaxError) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * A logger's rules, compiled and indexed by event type. Each malformed one is told to `malformed` once per distinct
 * problem (`reported` keeps what was said of each element); the others work.
 */
export function compileRules(
  elements: readonly Element[],
  reported: WeakMap<Element, string>,
  malformed: (rule: string, message: string) => void,
): Map<string, KpiRule[]> {
  const byType = new Map<string, KpiRule[]>();
  elements.forEach((element, index) => {
    const parsed = parseRule(element);
    if (parsed.ok) {
      reported.delete(element);
      const list = byType.get(parsed.rule.on);
      if (list) list.push(parsed.rule);
      else byType.set(parsed.rule.on, [parsed.rule]);
    } else if (reported.get(element) !== parsed.message) {
      reported.set(element, parsed.message);
      malformed(describeRule(element, index), parsed.message);
    }
  });
  return byType;
}

/** A rule's values, compiled and checked: what it writes into each field and custom column. */
interface RuleReaders {
  fields: Map<KpiEventField, Reader>;
  custom: Array<[attribute: string, read: Reader]>;
}

function compile(element: Element): KpiRule {
  const on = element.getAttribute('on')?.trim();
  if (!on) fail('it needs on="EVENT": the DOM event type to map');
  const kpi = element.getAttribute('kpi')!;
  if (!kpi?.trim()) fail('it needs kpi="NAME": the KPI event name');
  const readers = readersOf(element);
  if (!kpi.includes('{')) {
    const refused = kpiEventNameOf(kpi, []);
    if (typeof refused === 'object') fail(refused.message);
  }
  const match = matchOf(element);
  const name = describeRule(element);
  const whenText = element.getAttribute('when')?.trim();
  const when = whenText ? parsePath(whenText.replace(/^\{(.*)\}$/, '$1'), 'when', whenText) : undefined;
  // The event being read, for the rule's reading functions (made once, not per event).
  let readingDetail: unknown;
  let readingPath: EventPath = () => [];
  let readingWarnings: CifKpiWarning[] = [];
  // A placeholder that read nothing leaves its part empty; that may be meant, so it is a warning, said at `info`.
  const empty = (path: Path) => readingWarnings.push(emptyPlaceholder(path, readingDetail, readingPath, name));
  // What the rule writes into each field, in the order of KPI_EVENT_FIELDS (its eventTimestamp is always the
  // capture time; its customData comes from `readCustoms`).
  const byField = KPI_EVENT_FIELDS.map((field) => readers.fields.get(field));
  const readField = (_field: KpiEventField, bit: number) =>
    byField[31 - Math.clz32(bit)]?.(readingDetail, readingPath, empty);
  const readCustoms =
    readers.custom.length > 0 ? () => customsOf(readers.custom, readingDetail, readingPath, empty) : undefined;

  return {
    element,
    on: on!,
    eventFor(event, path, root, capturedAt) {
      if (match && !matchesOnPath(path(), root, match)) return undefined;
      const detail: unknown = (event as CustomEvent).detail;
      if (when && !walk(when, detail, path)) return undefined;
      const warnings: CifKpiWarning[] = [];
      // Kept around a nested event that a getter might dispatch while this one is read.
      const outerDetail = readingDetail;
      const outerPath = readingPath;
      const outerWarnings = readingWarnings;
      readingDetail = detail;
      readingPath = path;
      readingWarnings = warnings;
      try {
        return writeKpiEvent(readField, capturedAt, warnings, readCustoms);
      } catch (error) {
        // A value read from the event misbehaved (a Proxy trap threw): the event cannot be read.
        const reason = error instanceof Error ? error.message : String(error);
        return failure(problem('invalid-detail', `The event could not be read: ${reason}`), warnings);
      } finally {
        readingDetail = outerDetail;
        readingPath = outerPath;
        readingWarnings = outerWarnings;
      }
    },
    detailFor(event, path) {
      return renderDetail(readers, (event as CustomEvent).detail, path);
    },
  };
}

/** Compiles every value attribute of a rule; refuses unknown attributes and bad column names. */
function readersOf(element: Element): RuleReaders {
  const fields = new Map<KpiEventField, Reader>();
  const custom: RuleReaders['custom'] = [];
  for (const name of element.getAttributeNames()) {
    const isCustom = name.startsWith(CUSTOM_PREFIX) && name.length > CUSTOM_PREFIX.length;
    if (!isCustom && !KNOWN.has(name)) {
      if (IGNORED.test(name)) continue;
      fail(`"${name}" is not a rule attribute (${KNOWN_LIST})`);
    }
    if (name === 'on' || name === 'match' || name === 'when') continue;
    const read = compileTemplate(element.getAttribute(name)!, name);
    if (isCustom) {
      const attribute = name.slice(CUSTOM_PREFIX.length);
      const refused = customAttributeProblem(attribute);
      if (refused) fail(`${name}: ${refused.message}`);
      custom.push([attribute, read]);
    } else {
      fields.set(FIELD_OF_ATTRIBUTE.get(name)!, read);
    }
  }
  return { fields, custom };
}

function matchOf(element: Element): string | undefined {
  const match = element.getAttribute('match')?.trim() || undefined;
  if (match) {
    try {
      element.ownerDocument.createDocumentFragment().querySelector(match);
    } catch {
      fail(`match="${match}" is not a valid CSS selector`);
    }
  }
  return match;
}

/**
 * The rule's `customData` items for an event: its column names were checked when it was compiled, its values are
 * now.
 */
function customsOf(
  custom: RuleReaders['custom'],
  detail: unknown,
  path: EventPath,
  empty: (path: Path) => void,
): CifCustomDataItem[] | CifKpiProblem {
  const items: CifCustomDataItem[] = [];
  for (const [attribute, read] of custom) {
    const text = customValue(attribute, read(detail, path, empty));
    if (typeof text === 'object') return text;
    if (text !== undefined) items.push({ attribute, value: text });
  }
  // An exact copy: an array grown by `push` keeps room for 16 items, and this one is held until it is sent.
  return items.slice();
}

/** What the rule read from an event, as a `cif-kpi` detail. */
function renderDetail({ fields, custom }: RuleReaders, detail: unknown, path: EventPath): Record<string, unknown> {
  const read: Record<string, unknown> = {};
  for (const [field, reader] of fields) {
    const value = reader(detail, path);
    if (value !== undefined) read[field] = value;
  }
  if (custom.length > 0) {
    read.customData = custom
      .map(([attribute, reader]) => ({ attribute, value: reader(detail, path) }))
      .filter((item) => item.value !== undefined);
  }
  return read;
}

function matchesOnPath(path: readonly EventTarget[], root: EventTarget, selector: string): boolean {
  for (const node of path) {
    if (node === root) return false;
    if (node instanceof Element && node.matches(selector)) return true;
  }
  return false;
}
