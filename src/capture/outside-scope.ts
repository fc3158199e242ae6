/**
 * Looking for KPI events that happen outside a logger's scope, to say once that one was not heard. It only looks
 * at the event's path here: what to say is in the advice part, loaded the first time such an event happens.
 */
import type { CifKpiWarning } from '../vocabulary/problems.js';
import { CIF_KPI_EVENT } from '../vocabulary/logger-events.js';
import { withAdvice } from './advice.js';
import { DEFAULT_TRIGGERS } from './markup-attributes.js';

/** The events looked at outside a logger's scope: `cif-kpi`, and the ones markup maps by default. */
const OUTSIDE_TYPES = [CIF_KPI_EVENT, ...DEFAULT_TRIGGERS];

/**
 * How long a logger looks once it starts listening in a scope: a page that is set up wrong shows it in its first
 * events, and a page's clicks are not looked at for its whole life.
 */
const WATCH_FOR = 60_000;

/**
 * Looks for KPI events outside `root` (`cif-kpi` events, and events of `data-kpi` elements) in its window until
 * one was found that no logger hears (then `warn` is told, once) or for `WATCH_FOR`, whichever comes first.
 * Returns how to stop it sooner.
 */
export function watchOutside(root: Node, logger: Element, warn: (warning: CifKpiWarning) => void): () => void {
  const view = root.ownerDocument?.defaultView ?? window;
  /** Whether what it heard may still be said: not once it was, nor once it was stopped (the scope changed). */
  let open = true;
  const listener = (event: Event) => {
    try {
      if (event.target instanceof Node && root.contains(event.target)) return; // the usual case
      const path = event.composedPath(); // now: once the event is dispatched, it is empty
      if (path.includes(root)) return;
      const type = event.type;
      if (type !== CIF_KPI_EVENT && !path.some((node) => node instanceof Element && node.hasAttribute('data-kpi')))
        return;
      // Heard within the minute: said even if its words arrive after it.
      withAdvice(({ outsideScope }) => {
        if (!open) return;
        const warning = outsideScope(type, path, root, logger);
        if (!warning) return;
        stop();
        warn(warning);
      });
    } catch {
      // Only advice: a fault here must not reach the page.
    }
  };
  const unlisten = () => {
    clearTimeout(timer);
    for (const type of OUTSIDE_TYPES) view.removeEventListener(type, listener, true);
  };
  const stop = () => {
    open = false;
    unlisten();
  };
  for (const type of OUTSIDE_TYPES) view.addEventListener(type, listener, true);
  const timer = setTimeout(unlisten, WATCH_FOR);
  return stop;
}
