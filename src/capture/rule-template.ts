/**
 * The values of a `<cif-kpi-rule>`: templates such as `Call {detail.id} on {target.name}`, compiled once into
 * readers, and the one path walker they read with. No code is evaluated: a placeholder is a plain property path into
 * the event's detail, or one of the readable properties of its target; `__proto__`, `constructor` and `prototype`
 * are refused.
 */
import { CIF_LIMITS } from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiWarning } from '../vocabulary/problems.js';
import { toCifText } from '../normalise/cif-text.js';

/** A rule attribute that cannot be read: its message says what is wrong. */
export class RuleSyntaxError extends Error {}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const PLACEHOLDER = /\{([^{}]*)\}/g;
const SEGMENT = /^[A-Za-z_$][\w$]*$|^\d+$/;

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

/**
 * A placeholder's path: into the event's detail (its keys), or one of the target's readable properties (its
 * reader); `text` is the placeholder as written and `attribute` the rule attribute it is in, for messages.
 */
export type Path = { text: string; attribute: string } & (
  { root: 'detail'; keys: string[] } | { root: 'target'; read: (target: Element) => unknown }
);

/** Where placeholders read from: the event's composed path, computed only when asked. */
export type EventPath = () => readonly EventTarget[];

/**
 * A compiled template: its value for an event's detail and path. A lone placeholder keeps the value as it is (the
 * field converts it); text with placeholders is text. Each placeholder that reads nothing (undefined or null) is
 * told to `empty`, when given.
 */
export type Reader = (detail: unknown, path: EventPath, empty?: (path: Path) => void) => unknown;

/** Parses `{detail.a.b}` / `{target.x}` (without its braces) as written in `attribute="value"`. */
export function parsePath(text: string, attribute: string, value = text): Path {
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
  const read =
    rest.length === 1 && Object.hasOwn(TARGET_PROPERTIES, property!) ? TARGET_PROPERTIES[property!] : undefined;
  if (!read) {
    fail(
      `"{${text}}" is not readable: a rule reads the event's detail, and of its target only ${TARGET_LIST} (nothing that leads to another node, the document, the window, storage or cookies)`,
    );
  }
  return { ...named, root: 'target', read: read! };
}

/** Compiles the value of `attribute` into its reader, once, when the rule is read. */
export function compileTemplate(text: string, attribute: string): Reader {
  const parts: Array<string | Path> = [];
  let last = 0;
  for (const found of text.matchAll(PLACEHOLDER)) {
    if (found.index > last) parts.push(text.slice(last, found.index));
    parts.push(parsePath(found[1]!, attribute, text));
    last = found.index + found[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((part) => typeof part === 'string' && /[{}]/.test(part))) {
    throw new RuleSyntaxError(`${attribute}="${text}": unbalanced { or }`);
  }
  const [only] = parts;
  if (parts.length <= 1 && typeof only !== 'object') return () => only ?? '';
  const valueOf = (path: Path, detail: unknown, eventPath: EventPath, empty?: (path: Path) => void) => {
    const value = walk(path, detail, eventPath);
    if (value == null) empty?.(path);
    return value;
  };
  if (parts.length === 1) return (detail, eventPath, empty) => valueOf(only as Path, detail, eventPath, empty);
  return (detail, eventPath, empty) => {
    let value = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        value += part;
        continue;
      }
      const read = valueOf(part, detail, eventPath, empty);
      if (read == null) continue;
      if (typeof read === 'object') {
        // Written only as far as the longest column: what is past it is cut or refused anyway.
        const json = toCifText(read, '', CIF_LIMITS.additionalData);
        if (json.ok) value += json.text; // a value that cannot be written adds nothing
      } else {
        value += String(read);
      }
    }
    return value;
  };
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
 * The one path walker: what `path` reads of an event, or, with `why`, why it read nothing. In the detail, own
 * properties of plain data only (nothing inherited from a prototype a page may have polluted, nothing reached
 * through a node, the window or storage); on the target, the readable properties above. Never throws.
 */
export function walk(path: Path, detail: unknown, eventPath: EventPath): unknown;
export function walk(path: Path, detail: unknown, eventPath: EventPath, why: true): string;
export function walk(path: Path, detail: unknown, eventPath: EventPath, why?: true): unknown {
  try {
    if (path.root === 'target') {
      const target = eventPath()[0];
      if (why) return target instanceof Element ? 'the target has no such value' : 'the event has no element target';
      return target instanceof Element ? path.read(target) : undefined;
    }
    let value = detail;
    let walked = 'detail';
    for (const key of path.keys) {
      if (typeof value !== 'object' || value === null || !isData(value)) {
        if (!why) return undefined;
        return `${walked} is ${value === null ? 'null' : typeof value === 'object' ? 'not plain data' : typeof value}`;
      }
      const next = own(value, key);
      if (next === undefined) return why && `${walked} has no "${key}"${keysOf(value)}`;
      walked += `.${key}`;
      value = next;
    }
    if (why) return `${walked} is ${value == null ? 'null' : 'not plain data'}`;
    return isData(value) ? value : undefined;
  } catch {
    // A value read from the event misbehaved (a Proxy trap or a getter threw): nothing was read.
    return why && 'it could not be read';
  }
}

/** ` (it has a, b)`, or ` (it is empty)`: the keys a detail had instead of the one a path asked for. */
function keysOf(value: object): string {
  const keys = Object.keys(value);
  return keys.length ? ` (it has ${keys.slice(0, 10).join(', ')}${keys.length > 10 ? ', …' : ''})` : ' (it is empty)';
}

/**
 * The warning for a placeholder that read nothing: where the path stopped and, in the detail, the keys that were
 * there instead (`{detail.reasn}` → the detail has reason, queue).
 */
export function emptyPlaceholder(path: Path, detail: unknown, eventPath: EventPath, rule: string): CifKpiWarning {
  return problem(
    'placeholder-empty',
    `${path.attribute}="${path.text}" of ${rule} read nothing: ${walk(path, detail, eventPath, true)}; it is left empty`,
    path.attribute,
  );
}
