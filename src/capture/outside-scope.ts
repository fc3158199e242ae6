/**
 * A logger whose scope hears nothing says so: until it has said it once, a listener on the window looks at each
 * `cif-kpi` event and each event of a `data-kpi` element on the page, and one that no logger's scope contains is
 * reported with where it came from and where the logger listens. A logger listening on the whole document has
 * nothing to watch.
 */
import { problem, type CifKpiWarning } from '../vocabulary/problems.js';
import { CIF_KPI_EVENT } from '../vocabulary/logger-events.js';
import { anyCaptureHears } from './event-capture.js';
import { DEFAULT_TRIGGERS, kpiSourceOf } from './markup-attributes.js';

const TYPES = [CIF_KPI_EVENT, ...DEFAULT_TRIGGERS];

/** Starts watching for events outside `root`; returns the function that stops. Says at most one warning. */
export function watchOutsideScope(root: Node, logger: Element, say: (warning: CifKpiWarning) => void): () => void {
  const view = root.ownerDocument?.defaultView ?? window;
  const stop = () => {
    for (const type of TYPES) view.removeEventListener(type, listener, true);
  };
  const listener = (event: Event) => {
    try {
      // In the light DOM of the scope (the usual case): nothing to look at.
      if (event.target instanceof Node && root.contains(event.target)) return;
      const path = event.composedPath();
      if (path.includes(root) || anyCaptureHears(event.type, path)) return;
      const source = event.type === CIF_KPI_EVENT ? path[0] : kpiSourceOf(event, path, view);
      if (!(source instanceof Element)) return;
      stop();
      say(outsideScope(event, source, root, logger));
    } catch {
      // Only advice: a fault here must not reach the page.
    }
  };
  for (const type of TYPES) view.addEventListener(type, listener, true);
  return stop;
}

function outsideScope(event: Event, source: Element, root: Node, logger: Element): CifKpiWarning {
  const what =
    event.type === CIF_KPI_EVENT
      ? `a cif-kpi event from ${tagOf(source)}`
      : `a ${event.type} on ${tagOf(source, 'data-kpi')}`;
  const where = root === logger.parentNode ? `its parent, ${tagOf(root)}` : tagOf(root);
  return problem(
    'outside-scope',
    `${what} was not heard: it is outside the logger's scope (${where}); put the logger inside the widgets' container, or set scope to the container's id or "document"`,
    'scope',
  );
}

/** `<button id="accept" class="primary">`, with one more attribute when asked; a shadow root or document by name. */
function tagOf(node: Node, attribute?: string): string {
  if (!(node instanceof Element)) return node instanceof ShadowRoot ? 'a shadow root' : node.nodeName.toLowerCase();
  const shown = ['id', 'class', ...(attribute ? [attribute] : [])]
    .map((name) => [name, node.getAttribute(name)] as const)
    .filter(([, value]) => value)
    .map(([name, value]) => ` ${name}="${value!.slice(0, 40)}"`);
  return `<${node.localName}${shown.join('')}>`;
}
