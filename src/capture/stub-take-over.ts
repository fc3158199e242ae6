/**
 * Taking over what the stub (`cif-kpi-stub.js`) kept before the bundle loaded: a chunk of its own, loaded by a
 * logger only on a page where a stub left its buffer, so that other pages do not carry it.
 *
 * What is at the buffer's keys may be anything a page put there (and, at the key earlier stubs used, anything its
 * markup names): only records of the buffer's shape are taken, and nothing read there may throw out of here. The
 * stub kept each event as it was (a copy of its detail, the `data-kpi*` attributes on its path): that is what is
 * read, not the page as it is now.
 */
import type { CaptureSink, HeldEvent } from './held-events.js';
import { kpiSourceOf, snapshotOf, type MarkupElement, type MarkupSnapshot } from './markup-attributes.js';
import { CIF_KPI_EVENT } from '../vocabulary/logger-events.js';
import { internalError } from '../vocabulary/problems.js';
import { EARLIER_STUB_KEY, STUB_KEY, type CopiedAttributes } from '../vocabulary/stub.js';

/** What the take-over says: what the stub could not keep, and faults while reading what it kept. */
export type TakeOverSink = Pick<CaptureSink, 'dropped' | 'problem'>;

/**
 * The events the stub kept that happened in `root`'s scope, in the order they happened, as a logger holds an event
 * it heard (with `stamp`, the ids in force when it asked for them). They are taken from the stub's buffer, so that
 * each is taken by one logger; what the stub could not keep is said dropped. Never throws.
 */
export function takeStubbed(root: EventTarget, stamp: unknown, sink: TakeOverSink): HeldEvent[] {
  const taken: HeldEvent[] = [];
  for (const key of [STUB_KEY, EARLIER_STUB_KEY]) {
    try {
      const buffer = (window as unknown as Record<PropertyKey, { heard: unknown; lost: unknown }>)[key]!;
      const heard = buffer.heard;
      if (!Array.isArray(heard)) continue;
      const lost = buffer.lost;
      if (typeof lost === 'number' && lost > 0) {
        buffer.lost = 0;
        sink.dropped('before-load', lost);
      }
      const ours: HeldEvent[] = [];
      // Given back first: if the buffer cannot be written, nothing of it is taken (another logger would take it again).
      buffer.heard = heard.filter((record: unknown) => {
        const held = heldOf(record, root, stamp, sink);
        if (held) ours.push(held);
        return held === undefined;
      });
      taken.push(...ours);
    } catch {
      // Not a stub's buffer: an element, a collection, a window, a getter that throws or a Proxy.
    }
  }
  return taken;
}

/**
 * A record of the stub's, as a held event, if it has the record's shape and happened in `root`'s scope; `null`
 * when it did but could not be read (said as a fault: it is taken all the same, as reading it again would fail).
 */
function heldOf(record: unknown, root: EventTarget, stamp: unknown, sink: TakeOverSink): HeldEvent | null | undefined {
  let event: unknown, capturedAt: unknown, path: unknown, copy: unknown;
  try {
    if (!Array.isArray(record)) return undefined;
    [event, capturedAt, path, copy] = record as unknown[];
    if (!(event instanceof Event) || !Number.isFinite(capturedAt) || !Array.isArray(path) || !path.includes(root))
      return undefined;
  } catch {
    return undefined;
  }
  try {
    const at = { capturedAt: capturedAt as number, stamp };
    if (event.type === CIF_KPI_EVENT) {
      // The detail as it was, or (not copied: a getter threw, or an earlier stub) as it is.
      return { at, detail: copy === undefined ? (event as CustomEvent<unknown>).detail : copy };
    }
    return { at, markup: markupAt(event, path, root, copy), rules: { event, path } };
  } catch (error) {
    sink.problem(internalError(error));
    return null;
  }
}

/**
 * What the `data-kpi` element this event fired said at the event: the attributes the stub copied (by the index of
 * their element on the path), or, when it copied none, what the page says now.
 */
function markupAt(event: Event, path: EventTarget[], root: EventTarget, copy: unknown): MarkupSnapshot | undefined {
  if (!Array.isArray(copy)) {
    const element = kpiSourceOf(event, path, root);
    return element && snapshotOf(element, event.type);
  }
  const copied = new Map<EventTarget, CopiedElement>();
  path.forEach((node, index) => {
    const attributes: unknown = copy[index];
    if (node instanceof Element && typeof attributes === 'object' && attributes)
      copied.set(node, new CopiedElement(node, attributes as Record<string, unknown>));
  });
  const source = kpiSourceOf(event, path, root, (node) => copied.get(node));
  return source && { type: event.type, element: source.element, attributes: source.attributes };
}

/**
 * An element as markup reads it, with the `data-kpi*` attributes the stub copied at the event: its own string values
 * only (what is at the stub's key is the page's), with no prototype.
 */
class CopiedElement implements MarkupElement {
  /** The element copied. */
  readonly element: Element;
  readonly attributes: CopiedAttributes = Object.create(null);

  constructor(element: Element, copied: Record<string, unknown>) {
    this.element = element;
    for (const name of Object.keys(copied)) {
      const value = copied[name];
      if (typeof value === 'string') this.attributes[name] = value;
    }
  }

  /** Its name, which an element keeps for life. */
  get localName(): string {
    return this.element.localName;
  }

  hasAttribute(name: string): boolean {
    return name in this.attributes;
  }

  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }

  getAttributeNames(): string[] {
    return Object.keys(this.attributes);
  }
}
