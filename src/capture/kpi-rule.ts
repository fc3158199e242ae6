/**
 * `<cif-kpi-rule>`: maps any DOM event heard in scope to a KPI event, declaratively.
 *
 *     <cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}"
 *                   custom-msdyn_customattribute1="{detail.queue}" match="softphone-widget"></cif-kpi-rule>
 *
 * Values may hold `{detail.a.b}` and `{target.x}` placeholders: plain property paths into the event's detail or
 * its original target. No code is evaluated; `__proto__`, `constructor` and `prototype` are refused.
 */

import { FIELD_ATTRIBUTE_NAMES } from '../normalise/cif-limits.js';

export const RULE_TAG = 'cif-kpi-rule';

const FIELD_ATTRIBUTES: ReadonlyArray<[string, string]> = [['kpi', 'kpiEventName'], ...FIELD_ATTRIBUTE_NAMES];
const CUSTOM_PREFIX = 'custom-';
const KNOWN = new Set(['on', 'match', 'when', ...FIELD_ATTRIBUTES.map(([attribute]) => attribute)]);
const IGNORED = /^(id|class|style|hidden|title|slot|data-.*|aria-.*)$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const PLACEHOLDER = /\{([^{}]*)\}/g;
const SEGMENT = /^[A-Za-z_$][\w$]*$|^\d+$/;

type Path = { root: 'detail' | 'target'; keys: string[] };
type Part = string | Path;
type Template = Part[];

/** A parsed, valid rule. */
export interface KpiRule {
  element: Element;
  on: string;
  /**
   * The `cif-kpi` detail for an event this rule maps, or undefined when `match` or `when` do not hold. `path`
   * gives the event's composed path; it is asked for only when the rule needs it (`match`, `{target.…}`).
   */
  detailFor(event: Event, path: () => readonly EventTarget[], root: EventTarget): Record<string, unknown> | undefined;
}

export type RuleParse = { ok: true; rule: KpiRule } | { ok: false; message: string };

/** A short name for a rule in messages: its position and its `on`/`kpi`. */
export function describeRule(element: Element, index: number): string {
  const on = element.getAttribute('on');
  const kpi = element.getAttribute('kpi');
  return `<cif-kpi-rule> #${index + 1}${on ? ` on="${on}"` : ''}${kpi ? ` kpi="${kpi}"` : ''}`;
}

/** Reads a `<cif-kpi-rule>` element; says precisely what is wrong with a malformed one. */
export function parseRule(element: Element): RuleParse {
  const fail = (message: string): RuleParse => ({ ok: false, message });
  const on = element.getAttribute('on')?.trim();
  if (!on) return fail('it needs on="EVENT": the DOM event type to map');
  if (!element.getAttribute('kpi')?.trim()) return fail('it needs kpi="NAME": the KPI event name');

  const fields: Array<[string, Template]> = [];
  const custom: Array<[string, Template]> = [];
  for (const name of element.getAttributeNames()) {
    const value = element.getAttribute(name)!;
    const isCustom = name.startsWith(CUSTOM_PREFIX) && name.length > CUSTOM_PREFIX.length;
    if (!isCustom && !KNOWN.has(name)) {
      if (IGNORED.test(name)) continue;
      return fail(
        `"${name}" is not a rule attribute (on, kpi, reason, additional-data, notification-response-action, external-correlation-id, custom-*, match, when)`,
      );
    }
    if (name === 'on' || name === 'match' || name === 'when') continue;
    const template = parseTemplate(value);
    if (typeof template === 'string') return fail(`${name}="${value}": ${template}`);
    if (isCustom) custom.push([name.slice(CUSTOM_PREFIX.length), template]);
    else fields.push([FIELD_ATTRIBUTES.find(([attribute]) => attribute === name)![1], template]);
  }

  const match = element.getAttribute('match')?.trim() || undefined;
  if (match) {
    try {
      element.ownerDocument.createDocumentFragment().querySelector(match);
    } catch {
      return fail(`match="${match}" is not a valid CSS selector`);
    }
  }
  const whenText = element.getAttribute('when')?.trim();
  let when: Path | undefined;
  if (whenText) {
    const parsed = parsePath(whenText.replace(/^\{(.*)\}$/, '$1'));
    if (typeof parsed === 'string') return fail(`when="${whenText}": ${parsed}`);
    when = parsed;
  }

  const rule: KpiRule = {
    element,
    on,
    detailFor(event, path, root) {
      if (match && !matchesOnPath(path(), root, match)) return undefined;
      const sources: Sources = {
        detail: (event as CustomEvent).detail as unknown,
        get target() {
          return path()[0];
        },
      };
      if (when && !resolve(sources, when)) return undefined;
      const detail: Record<string, unknown> = {};
      for (const [field, template] of fields) {
        const value = render(sources, template);
        if (value !== undefined) detail[field] = value;
      }
      if (custom.length > 0) {
        detail.customData = custom
          .map(([attribute, template]) => ({ attribute, value: render(sources, template) }))
          .filter((item) => item.value !== undefined);
      }
      return detail;
    },
  };
  return { ok: true, rule };
}

function parseTemplate(text: string): Template | string {
  const parts: Template = [];
  let last = 0;
  for (const found of text.matchAll(PLACEHOLDER)) {
    if (found.index! > last) parts.push(text.slice(last, found.index));
    const path = parsePath(found[1]!);
    if (typeof path === 'string') return path;
    parts.push(path);
    last = found.index! + found[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((part) => typeof part === 'string' && /[{}]/.test(part))) return 'unbalanced { or }';
  return parts;
}

function parsePath(text: string): Path | string {
  const keys = text.trim().split('.');
  const [root, ...rest] = keys;
  if (root !== 'detail' && root !== 'target') return `"{${text}}" must start with detail. or target.`;
  for (const key of rest) {
    if (FORBIDDEN.has(key)) return `"${key}" is not allowed in a path`;
    if (!SEGMENT.test(key)) return `"${key}" in "{${text}}" is not a plain property name`;
  }
  return { root, keys: rest };
}

type Sources = { detail: unknown; readonly target: unknown };

function resolve(sources: Sources, path: Path): unknown {
  let value: unknown = sources[path.root];
  for (const key of path.keys) {
    if (value === null || value === undefined) return undefined;
    try {
      value = (value as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
  }
  return value;
}

/** A template that is one placeholder keeps the value as it is (the normaliser converts it); others become text. */
function render(sources: Sources, template: Template): unknown {
  if (template.length === 1 && typeof template[0] !== 'string') return resolve(sources, template[0]!);
  let text = '';
  for (const part of template) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const value = resolve(sources, part);
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') {
      try {
        text += JSON.stringify(value);
      } catch {
        // A value that cannot be written adds nothing.
      }
    } else {
      text += String(value);
    }
  }
  return text;
}

function matchesOnPath(path: readonly EventTarget[], root: EventTarget, selector: string): boolean {
  for (const node of path) {
    if (node === root) return false;
    if (node instanceof Element && node.matches(selector)) return true;
  }
  return false;
}
