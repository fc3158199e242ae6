import type { ContextInput, ContextState } from '../normalise/delivery-context.js';
import { attributeOf } from '../vocabulary/attribute-names.js';
import { CALL_FIELDS } from '../vocabulary/cif-contract.js';
import type { CifKpiStats } from '../vocabulary/logger-events.js';
import { ActivityLog, activityTap } from './activity-log.js';
import { el, span } from './inspector-dom.js';
import { EventRows } from './inspector-rows.js';
import { STYLES } from './inspector-styles.js';

export { ActivityLog, activityTap };

/** What the inspector reads of the logger element itself: what its public properties say. */
export interface InspectedLogger extends ContextInput {
  readonly scope: string | null;
  readonly disabled: boolean;
  readonly hostReady: boolean;
  readonly stats: CifKpiStats;
  readonly parentNode: Node | null;
}

/** What the inspector shows of its logger besides the events. */
export interface InspectorView {
  /** The logger: its ids and call arguments as set, `scope`, whether it is disabled, the host, its counts. */
  logger: InspectedLogger;
  /** The context its ids make. */
  context: ContextState;
  /** The node it listens on; none while it is not capturing or its scope is not there. */
  root: EventTarget | undefined;
  /** `check-kpi-names`: the definitions checked against, while it is on. */
  kpiNames?: { state: 'loading' | 'ready' | 'failed'; names: readonly string[] } | undefined;
}

/** Where the logger listens, in words: `its parent, <div id="widgets">`. */
function describeScope(
  root: EventTarget | undefined,
  { scope: attribute, parentNode: parent, disabled }: InspectedLogger,
): string {
  if (disabled) return 'nowhere: the logger is disabled';
  if (!(root instanceof Node)) return attribute ? `nowhere yet: scope "${attribute}" names no element` : 'nowhere';
  if (root instanceof Document) return 'the whole document';
  const name =
    root instanceof Element ? `<${root.localName}${root.id ? ` id="${root.id.slice(0, 40)}"` : ''}>` : 'a shadow root';
  return root === parent ? `its parent, ${name}` : name;
}

/** What to check while the CIF library has not appeared. */
const HOST_HINT =
  'window.Microsoft.CIFramework not found yet: the page must load msdyn_ciLibrary.js and be open inside Dynamics 365; events wait until then';

export interface InspectorActions {
  flush(): void;
  retryFailed(): void;
}

/** Where the tab remembers whether the inspector was collapsed to its badge. */
const COLLAPSED_KEY = 'cif-kpi-inspector-collapsed';

/**
 * The debug inspector: where the logger listens, the ids in force, the CIF host's status, the counts, the problems
 * reported, and the recent events with their state, warnings and (on demand) exact payload. It collapses to a small
 * floating badge (remembered for the tab; `debug="badge"` starts there). Everything is written as text (never
 * HTML). Rendered into the logger's shadow root; styleable through `::part()` and `--cif-kpi-inspector-*` custom
 * properties.
 */
export class DebugInspector {
  #section: HTMLElement;
  #status: HTMLElement;
  #ids: HTMLElement;
  #stats: HTMLElement;
  #problemsTitle: HTMLElement;
  #problems: HTMLUListElement;
  #events: HTMLOListElement;
  #badge: HTMLButtonElement;
  #collapse: HTMLButtonElement;
  #rows: EventRows;
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
    this.#section.id = 'inspector';
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
      return b;
    };
    button('Send now', actions.flush);
    button('Retry failed', actions.retryFailed);
    button('Clear list', () => log.clear());
    this.#collapse = button('Collapse', () => this.#collapseTo(true));
    this.#collapse.setAttribute('aria-expanded', 'true');
    this.#collapse.setAttribute('aria-controls', 'inspector');
    header.append(el('h2', 'title', 'cif-kpi-logger'), this.#status, actionBar);
    this.#ids = el('dl', 'context');
    this.#stats = el('ul', 'stats');
    this.#stats.setAttribute('aria-label', 'Counts');
    this.#problemsTitle = el('h3', 'problems-title');
    this.#problemsTitle.id = 'problems-title';
    this.#problems = el('ul', 'problems');
    this.#problems.setAttribute('aria-labelledby', 'problems-title');
    this.#events = el('ol', 'events');
    this.#events.setAttribute('aria-label', 'Recent events');
    this.#events.setAttribute('aria-live', 'polite');
    this.#events.tabIndex = 0;
    this.#rows = new EventRows(this.#events);
    this.#section.append(header, this.#ids, this.#stats, this.#problemsTitle, this.#problems, this.#events);
    this.#badge = el('button', 'badge');
    this.#badge.type = 'button';
    this.#badge.setAttribute('aria-expanded', 'false');
    this.#badge.setAttribute('aria-controls', 'inspector');
    this.#badge.addEventListener('click', () => this.#collapseTo(false));
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.#sheet];
    root.append(this.#section, this.#badge);
    const remembered = readCollapsed();
    this.#collapseTo(remembered ?? root.host.getAttribute('debug') === 'badge', false);
    this.render();
  }

  /** Whether only the badge is shown. */
  get collapsed(): boolean {
    return this.#section.hidden === true;
  }

  /** Shows only the floating badge, or the whole inspector; the choice is kept for the tab unless `remember` is false. */
  #collapseTo(collapsed: boolean, remember = true): void {
    const focused = this.#root.activeElement;
    this.#section.hidden = collapsed;
    this.#badge.hidden = !collapsed;
    if (remember) {
      try {
        sessionStorage.setItem(COLLAPSED_KEY, String(collapsed));
      } catch {
        // Not remembered: storage is unavailable.
      }
    }
    // Focus follows the control that replaced the one used.
    if (focused === this.#collapse || focused === this.#badge) (collapsed ? this.#badge : this.#collapse).focus();
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
    const { logger } = view;
    const problems = [...this.#log.problems.values()].reverse();
    if (this.collapsed) {
      const { sent, held } = logger.stats;
      const text = `KPI · ${sent} sent · ${held} held${problems.length ? ` · ${problems.length} problem(s)` : ''}`;
      this.#badge.textContent = text;
      this.#badge.setAttribute('aria-label', `${text}: show the CIF KPI logger inspector`);
      return;
    }
    this.#status.textContent = logger.hostReady ? 'CIF host: ready' : 'CIF host: waiting';
    this.#status.className = `status ${logger.hostReady ? 'ready' : 'waiting'}`;

    const ids: Node[] = [el('dt', undefined, 'listens on'), el('dd', 'scope', describeScope(view.root, logger))];
    const { context } = view;
    for (const field of CALL_FIELDS) {
      // An id the logger does not set may come from the focused session (auto-context): shown as such.
      const resolved = context.status === 'complete' ? context.context[field] : undefined;
      const shown = logger[field] ?? (resolved === undefined ? '—' : `${resolved} (focused session)`);
      ids.push(el('dt', undefined, attributeOf(field)), el('dd', undefined, shown));
    }
    const note =
      context.status === 'incomplete'
        ? `events wait for ${context.missing.join(' and ')}`
        : context.status === 'invalid'
          ? context.problem.message
          : '';
    if (note) ids.push(el('dt', undefined, 'note'), el('dd', undefined, note));
    if (!logger.hostReady) ids.push(el('dt', undefined, 'host'), el('dd', undefined, HOST_HINT));
    if (view.kpiNames) {
      const { state, names } = view.kpiNames;
      const shown =
        state === 'loading'
          ? 'being read once the CIF library is there'
          : state === 'failed'
            ? 'could not be read: names are not checked'
            : `${names.length} active: ${names.join(', ') || 'none'}`;
      ids.push(el('dt', undefined, 'KPI definitions'), el('dd', 'kpi-names', shown));
    }
    this.#ids.replaceChildren(...ids);

    this.#stats.replaceChildren(
      ...Object.entries(logger.stats).map(([name, count]) => el('li', 'stat', `${name} ${count}`)),
    );

    this.#problemsTitle.textContent = `Problems (${problems.length})`;
    this.#problemsTitle.hidden = problems.length === 0;
    this.#problems.hidden = problems.length === 0;
    this.#problems.replaceChildren(
      ...problems.map(({ kind, code, message, count }) => {
        const li = el('li', `problem problem-${kind}`);
        li.append(span(`kind ${kind}`, kind), ` ${code}${count > 1 ? ` ×${count}` : ''}: ${message}`);
        return li;
      }),
    );
    this.#rows.render(this.#log.entries);
  }

  destroy(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#root.adoptedStyleSheets = this.#root.adoptedStyleSheets.filter((sheet) => sheet !== this.#sheet);
    this.#section.remove();
    this.#badge.remove();
  }
}

function readCollapsed(): boolean | undefined {
  try {
    const value = sessionStorage.getItem(COLLAPSED_KEY);
    return value === null ? undefined : value === 'true';
  } catch {
    return undefined;
  }
}
