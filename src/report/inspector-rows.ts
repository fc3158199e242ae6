/**
 * The debug inspector's list of recent events: one row each, newest first, with its state, warnings and (on demand)
 * its exact payload.
 */
import type { ActivityEntry } from './activity-log.js';
import { el, span } from './inspector-dom.js';

/** One event's row, kept while its entry is listed so that an open row stays open and focus stays put. */
interface Row {
  li: HTMLLIElement;
  details: HTMLDetailsElement;
  summary: HTMLElement;
  payload: HTMLPreElement;
  /** What the row shows now, to skip rewriting an unchanged one. */
  shown: string;
}

export class EventRows {
  #list: HTMLOListElement;
  #rows = new Map<ActivityEntry, Row>();

  constructor(list: HTMLOListElement) {
    this.#list = list;
  }

  /** The event rows, newest first; a row is reused while its entry is listed, so an open one stays open. */
  render(listedEntries: readonly ActivityEntry[]): void {
    const entries = listedEntries.slice().reverse();
    const listed = new Set(entries);
    for (const [entry, row] of this.#rows) {
      if (listed.has(entry)) continue;
      row.li.remove();
      this.#rows.delete(entry);
    }
    entries.forEach((entry, index) => {
      const row = this.#rows.get(entry) ?? this.#newRow(entry);
      this.#fill(row, entry);
      const at = this.#list.children[index];
      if (at !== row.li) this.#list.insertBefore(row.li, at ?? null);
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
