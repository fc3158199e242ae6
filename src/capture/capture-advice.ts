/**
 * Advice about how a page is set up for capture, loaded only when there is some to give (`CaptureController` and
 * `<cif-kpi-rule>` look for the cases themselves, cheaply): a KPI event that happened outside every logger's scope,
 * a `data-kpi-*` attribute that markup does not know, markup that names an event firing by itself, and a rule
 * placed outside a logger.
 */
import { problem, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import type { CifKpiWarningDetail } from '../vocabulary/logger-events.js';
import { CIF_KPI_EVENT } from '../vocabulary/logger-events.js';
import { anyCaptureHears } from './event-capture.js';
import { kpiSourceOf } from './markup-attributes.js';
import { KPI_ATTRIBUTE, MARKUP_ATTRIBUTES } from '../vocabulary/attribute-names.js';
import { nearest } from '../vocabulary/nearest.js';

/**
 * The warning for an event of `type` with this composed path, outside the scope `root`: none when another logger
 * hears it, or when it is not one markup maps (a click on a `data-kpi-on="change"` element).
 */
export function outsideScope(
  type: string,
  path: readonly EventTarget[],
  root: Node,
  logger: Element,
): CifKpiWarning | undefined {
  if (anyCaptureHears(type, path)) return undefined;
  const source = type === CIF_KPI_EVENT ? path[0] : kpiSourceOf({ type } as Event, path, path[path.length - 1]!);
  if (!(source instanceof Element)) return undefined;
  const what =
    type === CIF_KPI_EVENT
      ? `a cif-kpi event from ${describeNode(source)}`
      : `a ${type} on ${describeNode(source, 'data-kpi')}`;
  const where = root === logger.parentNode ? `its parent, ${describeNode(root)}` : describeNode(root);
  return problem(
    'outside-scope',
    `${what} was not heard: it is outside the logger's scope (${where}); put the logger inside the widgets' container, or set scope to the container's id or "document"`,
    'scope',
  );
}

/** Where a logger's capture says its advice: each logger has its own. */
export interface AdviceSink {
  problem(problem: CifKpiProblem): void;
  warning(warning: CifKpiWarning): void;
}

/** What each logger said of each element already, so that each thing is said once per logger and element. */
const said = new WeakMap<AdviceSink, WeakMap<Element, Set<string>>>();

/** Whether `logger` has not said `what` of `element` yet; from now on, it has. */
function unsaid(logger: AdviceSink, element: Element, what: string): boolean {
  let byElement = said.get(logger);
  if (!byElement) said.set(logger, (byElement = new WeakMap()));
  let saidOf = byElement.get(element);
  if (!saidOf) byElement.set(element, (saidOf = new Set()));
  return saidOf.size !== saidOf.add(what).size;
}

/** Says, once per logger, element and attribute, that markup does not know these `data-kpi-*` attributes. */
export function unknownAttributes(logger: AdviceSink, element: Element, names: readonly string[]): void {
  for (const name of names) if (unsaid(logger, element, name)) logger.warning(unknownAttribute(element, name));
}

/** Says, once per logger and element, that markup names an event that fires by itself for `data-kpi-on`. */
export function refusedMarkup(logger: AdviceSink, type: string, element: Element): void {
  if (unsaid(logger, element, 'refused')) logger.problem(refusedTrigger(type, element));
}

/**
 * The warning for a `data-kpi-*` attribute markup does not know, naming the element and the attribute it looks like
 * (`data-kpi-reasn` → `data-kpi-reason`).
 */
export function unknownAttribute(element: Element, name: string): CifKpiWarning {
  const like = nearest(name, MARKUP_ATTRIBUTES);
  const kpi = (element.getAttribute(KPI_ATTRIBUTE) ?? '').slice(0, 60);
  return problem(
    'unknown-field',
    `${name} on <${element.localName} data-kpi="${kpi}"> is not a data-kpi attribute and is not sent${like ? `: did you mean ${like}?` : ''}`,
    name,
  );
}

/**
 * The error for markup whose `data-kpi-on` names an event that fires by itself: the element is not heard for it.
 */
export function refusedTrigger(type: string, element: Element): CifKpiProblem {
  const kpi = element.getAttribute('data-kpi') ?? '';
  return problem(
    'invalid-markup',
    `data-kpi-on="${type}" on <${element.localName} data-kpi="${kpi.slice(0, 60)}"> is refused: "${type}" fires by itself, without the user (markup may map interaction events and widgets' own events; a <cif-kpi-rule> may map any)`,
    'data-kpi-on',
  );
}

/**
 * Says on a `<cif-kpi-rule>` placed outside a logger, still there, that it maps nothing: a `cif-kpi-warning` event
 * on it (it bubbles to the document) and a console warning.
 */
export function ruleOutsideLogger(rule: Element): void {
  if (!rule.isConnected || rule.parentElement?.localName === 'cif-kpi-logger') return; // moved meanwhile
  const message = `<cif-kpi-rule on="${rule.getAttribute('on') ?? ''}"> is not a direct child of a <cif-kpi-logger>: it maps nothing`;
  const detail: CifKpiWarningDetail = { code: 'rule-outside-logger', message };
  rule.dispatchEvent(new CustomEvent('cif-kpi-warning', { bubbles: true, composed: true, detail }));
  try {
    console.warn('[cif-kpi-logger]', message, rule);
  } catch {
    // The page's console threw: the event has said it.
  }
}

/**
 * A node as messages show it: `<button id="accept" class="primary">` (with one more attribute when asked), a shadow
 * root or the document by name. Values are cut at 40 characters.
 */
function describeNode(node: Node, attribute?: string): string {
  if (!(node instanceof Element)) return node instanceof ShadowRoot ? 'a shadow root' : node.nodeName.toLowerCase();
  const shown = ['id', 'class', ...(attribute ? [attribute] : [])]
    .map((name) => [name, node.getAttribute(name)] as const)
    .filter(([, value]) => value)
    .map(([name, value]) => ` ${name}="${value!.slice(0, 40)}"`);
  return `<${node.localName}${shown.join('')}>`;
}
