/**
 * `<cif-kpi-rule>`: maps any DOM event heard in scope to a KPI event, declaratively.
 *
 *     <cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}"
 *                   custom-msdyn_customattribute1="{detail.queue}" match="softphone-widget"></cif-kpi-rule>
 *
 * Values may hold `{detail.a.b}` and `{target.x}` placeholders: plain property paths into the event's detail or
 * its original target. No code is evaluated; `__proto__`, `constructor` and `prototype` are refused.
 *
 * A rule is compiled when it is read: its templates parsed, its constant name and custom column names checked.
 * For each event it then fills the fields of a normalised KPI event directly, with the same field checks as any
 * other event, and builds no intermediate detail (one is rendered only when there is a problem to report).
 */

import { problem, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import { CIF_LIMITS, KPI_EVENT_FIELDS, type CifCustomDataItem } from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
import { toCifText } from '../normalise/cif-text.js';
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

/** Attribute → field, for the attributes that fill a text field. */
const FIELD_OF_ATTRIBUTE: ReadonlyMap<string, KpiEventField> = new Map([
  ['kpi', 'kpiEventName'],
  ...FIELD_ATTRIBUTE_NAMES,
]);
const CUSTOM_PREFIX = 'custom-';
const KNOWN: ReadonlySet<string> = new Set(RULE_ATTRIBUTES);
const KNOWN_LIST = [...RULE_ATTRIBUTES.slice(0, -2), `${CUSTOM_PREFIX}*`, ...RULE_ATTRIBUTES.slice(-2)].join(', ');
const IGNORED = /^(id|class|style|hidden|title|slot|data-.*|aria-.*)$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const PLACEHOLDER = /\{([^{}]*)\}/g;
const SEGMENT = /^[A-Za-z_$][\w$]*$|^\d+$/;

/**
 * A path into the event's detail (its keys), or one of the target's readable properties (its reader); `text` is
 * the placeholder as written and `attribute` the rule attribute it is in, for messages.
 */
type Path = { text: string; attribute: string } & (
  { root: 'detail'; keys: string[] } | { root: 'target'; read: (target: Element) => unknown }
);

/**
 * What a rule may read of an event's target: what describes the control that was used, and nothing that leads
 * to another node, the document, the window, storage or cookies.
 * - `id`, `name`, `type`, `localName`: which control it is;
 * - `value`, `checked`, `selected`: what the user chose (never a password field's value, nor anything inside
 *   `data-kpi-ignore`);
 * - `title`, the ARIA label and states: how the control is described to people;
 * - `dataset.<name>`: the page author's own annotations on it.
 */
const TARGET_PROPERTIES: Readonly<Record<string, (target: Element) => unknown>> = {
  id: (target) => target.id,
  name: (target) => target.getAttribute('name'),
  type: (target) => ('type' in target ? (target as HTMLInputElement).type : target.getAttribute('type')),
  localName: (target) => target.localName,
  value: (target) =>
    (target as HTMLInputElement).type === 'password' || target.closest('[data-kpi-ignore]')
      ? undefined
      : (target as HTMLInputElement).value,
  checked: (target) => (target as HTMLInputElement).checked,
  selected: (target) => (target as HTMLOptionElement).selected,
  title: (target) => target.getAttribute('title'),
  ariaLabel: (target) => target.getAttribute('aria-label'),
  ariaPressed: (target) => target.getAttribute('aria-pressed'),
  ariaChecked: (target) => target.getAttribute('aria-checked'),
  ariaExpanded: (target) => target.getAttribute('aria-expanded'),
  ariaSelected: (target) => target.getAttribute('aria-selected'),
};
const TARGET_LIST = [...Object.keys(TARGET_PROPERTIES), 'dataset.<name>'].join(', ');
/** A constant, one placeholder (its value kept as it is, converted by the field), or text with placeholders. */
type Template = string | Path | Array<string | Path>;

/** Where placeholders read from: the event, and its composed path (computed only when asked). */
type EventPath = () => readonly EventTarget[];

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

class RuleSyntaxError extends Error {}

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

/** A rule's templates, parsed and checked: what it writes into each field. */
interface RuleTemplates {
  fields: Map<KpiEventField, Template>;
  custom: Array<[attribute: string, template: Template]>;
}

function compile(element: Element): KpiRule {
  const on = element.getAttribute('on')?.trim();
  if (!on) fail('it needs on="EVENT": the DOM event type to map');
  if (!element.getAttribute('kpi')?.trim()) fail('it needs kpi="NAME": the KPI event name');
  const templates = readTemplates(element);
  const kpi = templates.fields.get('kpiEventName')!;
  if (typeof kpi === 'string') {
    const refused = kpiEventNameOf(kpi, []);
    if (typeof refused === 'object') fail(refused.message);
  }
  const match = matchOf(element);
  const name = describeRule(element);
  let readingDetail: unknown;
  let readingPath: EventPath = () => [];
  let readingWarnings: CifKpiWarning[] = [];
  // A placeholder that read nothing leaves its part empty; that may be meant, so it is a warning, said at `info`.
  const empty = (path: Path) => readingWarnings.push(emptyPlaceholder(path, readingDetail, readingPath, name));
  // Each template is made a reader of its own here, once, rather than interpreted for every event: what the rule
  // writes into each field, in the order of KPI_EVENT_FIELDS (its eventTimestamp is always the capture time; its
  // customData comes from `customs`).
  const readers = KPI_EVENT_FIELDS.map((field) => {
    const template = templates.fields.get(field);
    return template === undefined ? undefined : reader(template, empty);
  });
  const readField = (_field: KpiEventField, bit: number) => readers[31 - Math.clz32(bit)]?.(readingDetail, readingPath);
  const customs = customsReader(templates.custom, empty);
  const readCustoms = customs && (() => customs(readingDetail, readingPath));
  const whenText = element.getAttribute('when')?.trim();
  const when = whenText ? parsePath(whenText.replace(/^\{(.*)\}$/, '$1'), 'when', whenText) : undefined;

  return {
    element,
    on: on!,
    eventFor(event, path, root, capturedAt) {
      if (match && !matchesOnPath(path(), root, match)) return undefined;
      const detail: unknown = (event as CustomEvent).detail;
      if (when && !resolve(when, detail, path)) return undefined;
      const warnings: CifKpiWarning[] = [];
      // The event being read, for the rule's two reading functions (made once, not per event); kept around a
      // nested event that a getter might dispatch while this one is read.
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
      return renderDetail(templates, (event as CustomEvent).detail, path);
    },
  };
}

/** Parses every value attribute of a rule into a template; refuses unknown attributes and bad column names. */
function readTemplates(element: Element): RuleTemplates {
  const fields = new Map<KpiEventField, Template>();
  const custom: RuleTemplates['custom'] = [];
  for (const name of element.getAttributeNames()) {
    const isCustom = name.startsWith(CUSTOM_PREFIX) && name.length > CUSTOM_PREFIX.length;
    if (!isCustom && !KNOWN.has(name)) {
      if (IGNORED.test(name)) continue;
      fail(`"${name}" is not a rule attribute (${KNOWN_LIST})`);
    }
    if (name === 'on' || name === 'match' || name === 'when') continue;
    const template = parseTemplate(element.getAttribute(name)!, name);
    if (isCustom) {
      const attribute = name.slice(CUSTOM_PREFIX.length);
      const refused = customAttributeProblem(attribute);
      if (refused) fail(`${name}: ${refused.message}`);
      custom.push([attribute, template]);
    } else {
      fields.set(FIELD_OF_ATTRIBUTE.get(name)!, template);
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

/** A template made ready to read events: what it renders of an event's detail and path. */
type Reader = (detail: unknown, path: EventPath) => unknown;

/** The reader of `template`; a placeholder that reads nothing is told to `empty`. */
function reader(template: Template, empty: (path: Path) => void): Reader {
  if (typeof template === 'string') return () => template;
  if (Array.isArray(template)) return (detail, path) => render(template, detail, path, empty);
  if (template.root === 'detail' && template.keys.length === 1) {
    // The usual placeholder, `{detail.x}`: read as `resolve` reads it, without walking a path.
    const [key] = template.keys as [string];
    return (detail) => {
      let value: unknown;
      try {
        value = isData(detail) ? own(detail, key) : undefined;
        if (!isData(value)) value = undefined;
      } catch {
        value = undefined;
      }
      if (value == null) empty(template);
      return value;
    };
  }
  return (detail, path) => {
    const value = resolve(template, detail, path);
    if (value == null) empty(template);
    return value;
  };
}

/**
 * What makes the rule's `customData` items, or undefined when it has no `custom-*` column: its column names were
 * checked when it was compiled, its values are now.
 */
function customsReader(
  custom: RuleTemplates['custom'],
  empty: (path: Path) => void,
): ((detail: unknown, path: EventPath) => CifCustomDataItem[] | CifKpiProblem) | undefined {
  if (custom.length === 0) return undefined;
  const attributes = custom.map(([attribute]) => attribute);
  const readers = custom.map(([, template]) => reader(template, empty));
  if (readers.length === 1) {
    // The usual rule: one column, its list made whole.
    const [attribute] = attributes as [string];
    const [read] = readers as [Reader];
    return (detail, path) => {
      const text = customValue(attribute, read(detail, path));
      return typeof text === 'object' ? text : text === undefined ? [] : [{ attribute, value: text }];
    };
  }
  return (detail, path) => {
    const items: CifCustomDataItem[] = [];
    for (let i = 0; i < readers.length; i++) {
      const text = customValue(attributes[i]!, readers[i]!(detail, path));
      if (typeof text === 'object') return text;
      if (text !== undefined) items.push({ attribute: attributes[i]!, value: text });
    }
    // An exact copy: an array grown by `push` keeps room for 16 items, and this one is held until it is sent.
    return items.slice();
  };
}

/** What the rule read from an event, as a `cif-kpi` detail. */
function renderDetail({ fields, custom }: RuleTemplates, detail: unknown, path: EventPath): Record<string, unknown> {
  const read: Record<string, unknown> = {};
  for (const [field, template] of fields) {
    const value = render(template, detail, path);
    if (value !== undefined) read[field] = value;
  }
  if (custom.length > 0) {
    read.customData = custom
      .map(([attribute, template]) => ({ attribute, value: render(template, detail, path) }))
      .filter((item) => item.value !== undefined);
  }
  return read;
}

function parseTemplate(text: string, attribute: string): Template {
  const parts: Array<string | Path> = [];
  let last = 0;
  for (const found of text.matchAll(PLACEHOLDER)) {
    if (found.index! > last) parts.push(text.slice(last, found.index));
    parts.push(parsePath(found[1]!, attribute, text));
    last = found.index! + found[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((part) => typeof part === 'string' && /[{}]/.test(part))) {
    throw new RuleSyntaxError(`${attribute}="${text}": unbalanced { or }`);
  }
  if (parts.length === 0) return '';
  if (parts.length === 1) return parts[0]!;
  return parts;
}

function parsePath(text: string, attribute: string, value = text): Path {
  const fail = (message: string): never => {
    throw new RuleSyntaxError(`${attribute}="${value}": ${message}`);
  };
  const keys = text.trim().split('.');
  const [root, ...rest] = keys;
  if (root !== 'detail' && root !== 'target') fail(`"{${text}}" must start with detail. or target.`);
  for (const key of rest) {
    if (FORBIDDEN.has(key)) fail(`"${key}" is not allowed in a path`);
    if (!SEGMENT.test(key)) fail(`"${key}" in "{${text}}" is not a plain property name`);
  }
  const named = { text: `{${text.trim()}}`, attribute };
  if (root === 'detail') return { ...named, root: 'detail', keys: rest };
  const [property, data, ...more] = rest;
  if (property === 'dataset' && data !== undefined && more.length === 0) {
    return { ...named, root: 'target', read: (target) => (target as HTMLElement).dataset?.[data] };
  }
  const read = rest.length === 1 ? TARGET_PROPERTIES[property!] : undefined;
  if (read === undefined || !Object.prototype.hasOwnProperty.call(TARGET_PROPERTIES, property!)) {
    fail(
      `"{${text}}" is not readable: a rule reads the event's detail, and of its target only ${TARGET_LIST} (nothing that leads to another node, the document, the window, storage or cookies)`,
    );
  }
  return { ...named, root: 'target', read: read! };
}

/**
 * Whether a value is plain data a path may walk into or yield: anything but a platform object (a node, the
 * window, storage, a location …), which could lead anywhere in the page. Dates are data.
 */
function isData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const tag = Object.prototype.toString.call(value);
  return tag === '[object Object]' || tag === '[object Array]' || tag === '[object Date]';
}

/**
 * What a path reads: in the event's detail, own properties of plain data only (nothing inherited from a prototype
 * a page may have polluted, nothing reached through a node, the window or storage); on the target, the readable
 * properties above.
 */
function resolve(path: Path, detail: unknown, eventPath: EventPath): unknown {
  try {
    if (path.root === 'target') {
      const target = eventPath()[0];
      return target instanceof Element ? path.read(target) : undefined;
    }
    let value: unknown = detail;
    for (const key of path.keys) {
      // A node, the window, storage: refused, not walked.
      if (value === null || value === undefined || !isData(value)) return undefined;
      value = own(value, key);
    }
    return isData(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A template's value for `event`: a lone placeholder keeps the value as it is (the field converts it). Each
 * placeholder that reads nothing (undefined or null) is told to `empty`, when given.
 */
function render(template: Template, detail: unknown, eventPath: EventPath, empty?: (path: Path) => void): unknown {
  if (typeof template === 'string') return template;
  if (!Array.isArray(template)) {
    const value = resolve(template, detail, eventPath);
    if (value == null) empty?.(template);
    return value;
  }
  let text = '';
  for (const part of template) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const value = resolve(part, detail, eventPath);
    if (value === undefined || value === null) {
      empty?.(part);
      continue;
    }
    if (typeof value === 'object') {
      // Written only as far as the longest column: what is past it is cut or refused anyway.
      const json = toCifText(value, '', CIF_LIMITS.additionalData);
      if (json.ok) text += json.text; // a value that cannot be written adds nothing
    } else {
      text += String(value);
    }
  }
  return text;
}

/**
 * The warning for a placeholder that read nothing: where the path stopped and, in the detail, the keys that were
 * there instead (`{detail.reasn}` → the detail has reason, queue).
 */
function emptyPlaceholder(path: Path, detail: unknown, eventPath: EventPath, rule: string): CifKpiWarning {
  let why: string;
  if (path.root === 'target') {
    why = eventPath()[0] instanceof Element ? 'the target has no such value' : 'the event has no element target';
  } else {
    let value: unknown = detail;
    let walked = 'detail';
    why = `${walked} is null`;
    for (const key of path.keys) {
      if (typeof value !== 'object' || value === null || !isData(value)) {
        why = `${walked} is ${value === null ? 'null' : typeof value === 'object' ? 'not plain data' : typeof value}`;
        break;
      }
      const next = safeOwn(value, key);
      if (next === undefined) {
        const keys = safeKeys(value);
        why = `${walked} has no "${key}"${keys.length ? ` (it has ${keys.slice(0, 10).join(', ')}${keys.length > 10 ? ', …' : ''})` : ' (it is empty)'}`;
        break;
      }
      walked += `.${key}`;
      value = next;
      why = `${walked} is ${next === null ? 'null' : 'not plain data'}`;
    }
  }
  return problem(
    'placeholder-empty',
    `${path.attribute}="${path.text}" of ${rule} read nothing: ${why}; it is left empty`,
    path.attribute,
  );
}

function safeOwn(value: object, key: string): unknown {
  try {
    return own(value, key);
  } catch {
    return undefined;
  }
}

function safeKeys(value: object): string[] {
  try {
    return Object.keys(value);
  } catch {
    return [];
  }
}

function matchesOnPath(path: readonly EventTarget[], root: EventTarget, selector: string): boolean {
  for (const node of path) {
    if (node === root) return false;
    if (node instanceof Element && node.matches(selector)) return true;
  }
  return false;
}
