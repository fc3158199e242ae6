import type { ContextInput, ContextState } from '../normalise/delivery-context.js';
import { attributeOf } from '../vocabulary/attribute-names.js';
import { CALL_FIELDS } from '../vocabulary/cif-contract.js';
import type { CifKpiStats } from '../vocabulary/logger-events.js';
import { ActivityLog, activityTap, type ActivityEntry } from './activity-log.js';

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

const STYLES = `
  :host([debug]) { display: block; }
  [part~='inspector'] {
    font: var(--cif-kpi-inspector-font, 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    color: var(--cif-kpi-inspector-color, #1b2430);
    background: var(--cif-kpi-inspector-background, #f8fafc);
    border: 1px solid var(--cif-kpi-inspector-border-color, #c8d1dc);
    border-radius: var(--cif-kpi-inspector-radius, 6px);
    padding: 0.5em 0.75em;
    min-width: 0;
  }
  [hidden] { display: none !important; }
  header { display: flex; flex-wrap: wrap; gap: 0.5em 1em; align-items: center; justify-content: space-between; }
  h2, h3 { font-size: 1em; margin: 0; }
  h3 { margin-top: 0.5em; }
  dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0 0.75em; margin: 0.5em 0; }
  dt { opacity: 0.75; }
  dd { margin: 0; overflow-wrap: anywhere; }
  [part~='stats'] { display: flex; flex-wrap: wrap; gap: 0.25em 1em; margin: 0.5em 0; padding: 0; list-style: none; }
  [part~='problems'] { margin: 0.25em 0; padding: 0; list-style: none; max-height: var(--cif-kpi-inspector-max-height, 16em); overflow: auto; }
  [part~='problem'] { padding: 0.15em 0; border-top: 1px solid rgb(0 0 0 / 0.08); overflow-wrap: anywhere; }
  [part~='events'] { margin: 0; padding: 0; list-style: none; max-height: var(--cif-kpi-inspector-max-height, 16em); overflow: auto; }
  [part~='events']:focus-visible, button:focus-visible, summary:focus-visible {
    outline: 2px solid var(--cif-kpi-inspector-accent, #2563eb); outline-offset: 1px;
  }
  [part~='event'] { padding: 0.15em 0; border-top: 1px solid rgb(0 0 0 / 0.08); }
  summary { display: flex; flex-wrap: wrap; gap: 0 0.5em; cursor: pointer; list-style: none; }
  summary::-webkit-details-marker { display: none; }
  summary::before { content: '▸'; width: 0.8em; }
  details[open] > summary::before { content: '▾'; }
  summary .state { min-width: 5.5em; }
  summary .name { flex: 1 1 10em; min-width: 0; overflow-wrap: anywhere; }
  .why, .note { flex-basis: 100%; padding-left: 1.3em; overflow-wrap: anywhere; }
  [part~='payload'] { margin: 0.25em 0 0.25em 1.3em; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 20em; overflow: auto; }
  .state, .kind { font-weight: 600; }
  .held, .retrying, .note, .kind.warning { color: var(--cif-kpi-inspector-pending-color, #8a5a00); }
  .sent { color: var(--cif-kpi-inspector-sent-color, #17663a); }
  .failed, .dropped, .invalid, .kind.error { color: var(--cif-kpi-inspector-error-color, #b42318); }
  button {
    font: inherit; color: inherit; background: var(--cif-kpi-inspector-button-background, #fff);
    border: 1px solid currentColor; border-radius: 4px; padding: 0.1em 0.6em; cursor: pointer;
  }
  .actions { display: flex; flex-wrap: wrap; gap: 0.5em; }
  .status.ready { color: var(--cif-kpi-inspector-sent-color, #17663a); }
  .status.waiting { color: var(--cif-kpi-inspector-pending-color, #8a5a00); }
  [part~='badge'] {
    position: fixed; inset: auto var(--cif-kpi-inspector-badge-right, 1em) var(--cif-kpi-inspector-badge-bottom, 1em) auto;
    z-index: 2147483000; font: var(--cif-kpi-inspector-font, 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    color: var(--cif-kpi-inspector-color, #1b2430); background: var(--cif-kpi-inspector-background, #f8fafc);
    border: 1px solid var(--cif-kpi-inspector-border-color, #c8d1dc); border-radius: 999px; padding: 0.3em 0.8em;
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.2);
  }
`;

/** Where the tab remembers whether the inspector was collapsed to its badge. */
const COLLAPSED_KEY = 'cif-kpi-inspector-collapsed';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, part?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (part) node.setAttribute('part', part);
  if (text !== undefined) node.textContent = text;
  return node;
}

function span(className: string, text: string): HTMLSpanElement {
  const node = el('span', undefined, text);
  node.className = className;
  return node;
}

/** One event's row, kept while its entry is listed so that an open row stays open and focus stays put. */
interface Row {
  li: HTMLLIElement;
  details: HTMLDetailsElement;
  summary: HTMLElement;
  payload: HTMLPreElement;
  /** What the row shows now, to skip rewriting an unchanged one. */
  shown: string;
}

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
  #rows = new Map<ActivityEntry, Row>();
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
    this.#renderEvents();
  }

  /** The event rows, newest first; a row is reused while its entry is listed, so an open one stays open. */
  #renderEvents(): void {
    const entries = this.#log.entries.slice().reverse();
    const listed = new Set(entries);
    for (const [entry, row] of this.#rows) {
      if (listed.has(entry)) continue;
      row.li.remove();
      this.#rows.delete(entry);
    }
    entries.forEach((entry, index) => {
      const row = this.#rows.get(entry) ?? this.#newRow(entry);
      this.#fill(row, entry);
      const at = this.#events.children[index];
      if (at !== row.li) this.#events.insertBefore(row.li, at ?? null);
    });
  }

  #newRow(entry: ActivityEntry): Row {
    const li = el('li');
    const details = el('details');
    const summary = el('summary');
    const payload = el('pre', 'payload');
    // It may scroll: reachable from the keyboard.
    payload.tabIndex = 0;
    payload.setAttribute('aria-label', `Payload of ${entry.name}`);
    details.append(summary, payload);
    li.append(details);
    const row: Row = { li, details, summary, payload, shown: '' };
    details.addEventListener('toggle', () => {
      if (details.open) payload.textContent = payloadOf(entry);
    });
    this.#rows.set(entry, row);
    return row;
  }

  #fill(row: Row, entry: ActivityEntry): void {
    const shown = `${entry.state} ${entry.at} ${entry.message ?? ''} ${entry.warnings?.length ?? 0} ${entry.call ? 1 : 0}`;
    if (row.shown === shown) return;
    row.shown = shown;
    row.li.setAttribute('part', `event event-${entry.state}`);
    const parts: Node[] = [
      span(`state ${entry.state}`, entry.state),
      span('name', `${entry.name} · ${new Date(entry.at).toLocaleTimeString()}`),
    ];
    if (entry.message) parts.push(span('why', entry.message));
    for (const warning of entry.warnings ?? []) parts.push(span('note', `warning: ${warning}`));
    row.summary.replaceChildren(...parts);
    if (row.details.open) row.payload.textContent = payloadOf(entry);
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

/**
 * What the row's event is, exactly: once sent, the call's arguments with this event as its `data.events`; while
 * held, the event and the ids it was stamped with; when refused, the detail as it was given.
 */
function payloadOf(entry: ActivityEntry): string {
  const { call, event, context } = entry;
  if (call) {
    const { size, data, ...args } = call;
    const of = size > 1 ? `one of the ${size} events its call carried:\n` : 'the call that carried it:\n';
    return of + json({ ...args, data: { ...data, events: [event] } });
  }
  if (entry.state === 'invalid') return `the detail as given (refused):\n${json(event)}`;
  if (event === undefined) return 'not kept';
  if (!context) return `the event, waiting for its ids:\n${json(event)}`;
  return `the event and the ids it was stamped with:\n${json({ ...context, events: [event] })}`;
}

/** JSON for people: indented; what JSON cannot hold (a cycle, a BigInt, a function) shown instead of throwing. */
function json(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return (
      JSON.stringify(
        value,
        (_key, v: unknown) => {
          if (typeof v === 'bigint') return `${v}n`;
          if (typeof v === 'function' || typeof v === 'symbol') return `[${typeof v}]`;
          if (typeof v === 'object' && v !== null) {
            if (seen.has(v)) return '[cycle]';
            seen.add(v);
          }
          return v;
        },
        2,
      ) ?? String(value)
    );
  } catch (error) {
    return `(cannot be shown: ${String(error)})`;
  }
}
