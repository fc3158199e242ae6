import type { ContextInput, ContextState } from '../normalise/delivery-context.js';
import { attributeOf } from '../vocabulary/attribute-names.js';
import { CALL_FIELDS } from '../vocabulary/cif-contract.js';
import type { CifKpiStats } from '../vocabulary/logger-events.js';
import { ActivityLog } from './activity-log.js';

export { ActivityLog };

/** What the inspector shows of its logger besides the events. */
export interface InspectorView {
  /** The ids and call arguments as set. */
  ids: ContextInput;
  /** The context they make. */
  context: ContextState;
  hostReady: boolean;
  stats: CifKpiStats;
}

/** What to check while the CIF library has not appeared. */
const HOST_HINT =
  'window.Microsoft.CIFramework not found yet: the page must load msdyn_ciLibrary.js and be open inside Dynamics 365; events wait until then';

export interface InspectorActions {
  flush(): void;
  retryFailed(): void;
}

const STYLES = `
  :host([debug]) { display: block; }
  [part~='inspector'] {
    font: var(--cif-kpi-inspector-font, 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    color: var(--cif-kpi-inspector-color, #1b2430);
    background: var(--cif-kpi-inspector-background, #f8fafc);
    border: 1px solid var(--cif-kpi-inspector-border-color, #c8d1dc);
    border-radius: var(--cif-kpi-inspector-radius, 6px);
    padding: 0.5em 0.75em;
  }
  header { display: flex; flex-wrap: wrap; gap: 0.5em 1em; align-items: center; justify-content: space-between; }
  h2 { font-size: 1em; margin: 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 0.75em; margin: 0.5em 0; }
  dt { opacity: 0.75; }
  dd { margin: 0; overflow-wrap: anywhere; }
  [part~='stats'] { display: flex; flex-wrap: wrap; gap: 0.25em 1em; margin: 0.5em 0; padding: 0; list-style: none; }
  [part~='events'] { margin: 0; padding: 0; list-style: none; max-height: var(--cif-kpi-inspector-max-height, 16em); overflow: auto; }
  [part~='events']:focus-visible, button:focus-visible { outline: 2px solid var(--cif-kpi-inspector-accent, #2563eb); outline-offset: 1px; }
  [part~='event'] { display: grid; grid-template-columns: 6.5em 1fr; gap: 0 0.5em; padding: 0.15em 0; border-top: 1px solid rgb(0 0 0 / 0.08); }
  [part~='event'] .why { grid-column: 2; opacity: 0.8; overflow-wrap: anywhere; }
  .state { font-weight: 600; }
  .held, .retrying { color: var(--cif-kpi-inspector-pending-color, #8a5a00); }
  .sent { color: var(--cif-kpi-inspector-sent-color, #17663a); }
  .failed, .dropped, .invalid { color: var(--cif-kpi-inspector-error-color, #b42318); }
  button {
    font: inherit; color: inherit; background: var(--cif-kpi-inspector-button-background, #fff);
    border: 1px solid currentColor; border-radius: 4px; padding: 0.1em 0.6em; cursor: pointer;
  }
  .actions { display: flex; gap: 0.5em; }
  .status.ready { color: var(--cif-kpi-inspector-sent-color, #17663a); }
  .status.waiting { color: var(--cif-kpi-inspector-pending-color, #8a5a00); }
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, part?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (part) node.setAttribute('part', part);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The debug inspector: the ids in force, the CIF host's status, the counts, and the recent events with their
 * state. Everything is written as text (never HTML). Rendered into the logger's shadow root; styleable through
 * `::part()` and `--cif-kpi-inspector-*` custom properties.
 */
export class DebugInspector {
  #section: HTMLElement;
  #status: HTMLElement;
  #ids: HTMLElement;
  #stats: HTMLElement;
  #events: HTMLOListElement;
  #root: ShadowRoot;
  /** A constructed stylesheet, adopted by the logger's shadow root: it works under `style-src 'self'`. */
  #sheet: CSSStyleSheet;
  #log: ActivityLog;
  #view: () => InspectorView;
  #frame: number | undefined;

  constructor(root: ShadowRoot, log: ActivityLog, view: () => InspectorView, actions: InspectorActions) {
    this.#log = log;
    this.#view = view;
    this.#root = root;
    this.#sheet = new CSSStyleSheet();
    this.#sheet.replaceSync(STYLES);
    this.#section = el('section', 'inspector');
    this.#section.setAttribute('aria-label', 'CIF KPI logger inspector');
    const header = el('header', 'header');
    this.#status = el('span', 'host-status');
    this.#status.setAttribute('role', 'status');
    const actionBar = el('div', 'actions');
    actionBar.className = 'actions';
    const button = (label: string, run: () => void) => {
      const b = el('button', 'button', label);
      b.type = 'button';
      b.addEventListener('click', run);
      actionBar.append(b);
    };
    button('Send now', actions.flush);
    button('Retry failed', actions.retryFailed);
    button('Clear list', () => log.clear());
    header.append(el('h2', 'title', 'cif-kpi-logger'), this.#status, actionBar);
    this.#ids = el('dl', 'context');
    this.#stats = el('ul', 'stats');
    this.#stats.setAttribute('aria-label', 'Counts');
    this.#events = el('ol', 'events');
    this.#events.setAttribute('aria-label', 'Recent events');
    this.#events.setAttribute('aria-live', 'polite');
    this.#events.tabIndex = 0;
    this.#section.append(header, this.#ids, this.#stats, this.#events);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.#sheet];
    root.append(this.#section);
    this.render();
  }

  /** Renders on the next frame (many changes in one task render once). */
  schedule(): void {
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      this.render();
    });
  }

  render(): void {
    const view = this.#view();
    this.#status.textContent = view.hostReady ? 'CIF host: ready' : 'CIF host: waiting';
    this.#status.className = `status ${view.hostReady ? 'ready' : 'waiting'}`;

    const ids: Node[] = [];
    for (const field of CALL_FIELDS) {
      ids.push(el('dt', undefined, attributeOf(field)), el('dd', undefined, view.ids[field] ?? '—'));
    }
    const { context } = view;
    const note =
      context.status === 'incomplete'
        ? `events wait for ${context.missing.join(' and ')}`
        : context.status === 'invalid'
          ? context.problem.message
          : '';
    if (note) ids.push(el('dt', undefined, 'note'), el('dd', undefined, note));
    if (!view.hostReady) ids.push(el('dt', undefined, 'host'), el('dd', undefined, HOST_HINT));
    this.#ids.replaceChildren(...ids);

    this.#stats.replaceChildren(
      ...Object.entries(view.stats).map(([name, count]) => el('li', 'stat', `${name} ${count}`)),
    );

    const items = this.#log.entries
      .slice()
      .reverse()
      .map((entry) => {
        const li = el('li', `event event-${entry.state}`);
        const state = el('span', undefined, entry.state);
        state.className = `state ${entry.state}`;
        li.append(state, el('span', undefined, `${entry.name} · ${new Date(entry.at).toLocaleTimeString()}`));
        if (entry.message) {
          const why = el('span', undefined, entry.message);
          why.className = 'why';
          li.append(why);
        }
        return li;
      });
    this.#events.replaceChildren(...items);
  }

  destroy(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#root.adoptedStyleSheets = this.#root.adoptedStyleSheets.filter((sheet) => sheet !== this.#sheet);
    this.#section.remove();
  }
}
