/**
 * Taking over what the stub (`cif-kpi-stub.js`) kept before the bundle loaded: a chunk of its own, loaded by a
 * logger only on a page where a stub left its buffer, so that other pages do not carry it.
 *
 * What is at the buffer's keys may be anything a page put there (and, at the key earlier stubs used, anything its
 * markup names): only records of the buffer's shape are taken, and nothing read there may throw out of here. The
 * stub kept each event as it was (a copy of its detail, the `data-kpi*` attributes on its path): that is what is
 * read, not the page as it is now.
 */
import type { CaptureSink, HeldEvent } from './capture-controller.js';
import { withAdvice } from './advice.js';
import { kpiSourceOf, markupOf, type MarkupElement, type MarkupRead } from './markup-attributes.js';
import { CIF_KPI_EVENT } from '../vocabulary/logger-events.js';
import { internalError } from '../vocabulary/problems.js';
import { EARLIER_STUB_KEY, STUB_KEY } from '../vocabulary/stub.js';

/**
 * What the take-over says: what the stub could not keep, faults while reading what it kept, and the `data-kpi-*`
 * attributes markup does not know (as a logger says them of what it hears).
 */
export type TakeOverSink = Pick<CaptureSink, 'dropped' | 'problem' | 'warning'>;

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
    return { at, markup: markupAt(event, path, root, copy, sink), rules: { event, path } };
  } catch (error) {
    sink.problem(internalError(error));
    return null;
  }
}

/**
 * What the `data-kpi` element this event fired described at the event: read from the attributes the stub copied
 * (by the index of their element on the path), or from the page now when it copied none. Attributes markup does
 * not know are said, as for an event heard live.
 */
function markupAt(
  event: Event,
  path: EventTarget[],
  root: EventTarget,
  copy: unknown,
  sink: TakeOverSink,
): MarkupRead | undefined {
  let element: Element | undefined;
  let markup: MarkupRead | undefined;
  if (Array.isArray(copy)) {
    const copied = new Map<EventTarget, CopiedElement>();
    path.forEach((node, index) => {
      const attributes: unknown = copy[index];
      if (node instanceof Element && typeof attributes === 'object' && attributes)
        copied.set(node, new CopiedElement(node, attributes as Record<string, unknown>));
    });
    const source = kpiSourceOf(event, path, root, (node) => copied.get(node));
    element = source?.element;
    markup = source && markupOf(source);
  } else {
    element = kpiSourceOf(event, path, root);
    markup = element && markupOf(element);
  }
  const unknown = markup?.unknown;
  if (element && unknown) withAdvice(({ unknownAttributes }) => unknownAttributes(sink, element, unknown));
  return markup;
}

/** An element as markup reads it, with the `data-kpi*` attributes the stub copied at the event. */
class CopiedElement implements MarkupElement {
  /** The element copied. */
  readonly element: Element;
  readonly #attributes: Record<string, unknown>;

  constructor(element: Element, attributes: Record<string, unknown>) {
    this.element = element;
    this.#attributes = attributes;
  }

  /** Its name, which an element keeps for life. */
  get localName(): string {
    return this.element.localName;
  }

  hasAttribute(name: string): boolean {
    return Object.hasOwn(this.#attributes, name) && typeof this.#attributes[name] === 'string';
  }

  getAttribute(name: string): string | null {
    return this.hasAttribute(name) ? (this.#attributes[name] as string) : null;
  }

  getAttributeNames(): string[] {
    return Object.keys(this.#attributes).filter((name) => this.hasAttribute(name));
  }
}
