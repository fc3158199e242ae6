/**
 * Reading `data-kpi-*` markup into KPI events: a part loaded the first time a `data-kpi` element fires (or markup
 * asks for an event type, or the stub kept a click), so that pages that only dispatch `cif-kpi` events do not carry
 * it. Until it is there, the logger keeps what each element said at its event (`snapshotOf`) and holds the event.
 */
import {
  columnNameLike,
  customAttributeProblem,
  failure,
  normaliseKpiEvent,
  restamped,
  type NormaliseResult,
} from '../normalise/kpi-event.js';
import { CUSTOM_PREFIX, MARKUP_ATTRIBUTES } from '../vocabulary/attribute-names.js';
import { problem } from '../vocabulary/problems.js';
import type { CopiedAttributes } from '../vocabulary/stub.js';
import { withAdvice } from './advice.js';
import type { CaptureSink, HeardAt } from './held-events.js';
import { markupDetail, snapshotOf, type MarkupSnapshot } from './markup-attributes.js';

/** The `data-kpi*` attributes markup knows besides `data-kpi-custom-*`; any other is a typo, passed on to be reported. */
const KNOWN = new Set<string>(MARKUP_ATTRIBUTES);

/**
 * Events that fire by themselves, with no user at all: resource and lifecycle events, animations and
 * transitions, media progress. Markup may not map them: `<img src=x data-kpi="CallRejected" data-kpi-on="error">`
 * in a chat transcript would otherwise log a KPI event as soon as it renders. (A `<cif-kpi-rule>` is the provider's
 * own configuration, inside the logger, and may.)
 */
const SELF_FIRING = new Set(
  (
    'load error abort loadstart progress loadend loadeddata loadedmetadata timeout readystatechange ' +
    'domcontentloaded beforeunload unload pagehide pageshow visibilitychange resize scroll scrollend ' +
    'slotchange toggle beforetoggle message messageerror storage online offline hashchange popstate ' +
    'securitypolicyviolation selectionchange fullscreenchange play playing pause ended timeupdate ' +
    'durationchange volumechange ratechange seeking seeked waiting stalled suspend emptied canplay ' +
    'canplaythrough cuechange'
  ).split(' '),
);

/** Whether markup may be fired by events of `type` (see `SELF_FIRING`). */
export function userCanFire(type: string): boolean {
  const name = type.toLowerCase();
  return !SELF_FIRING.has(name) && !name.startsWith('animation') && !name.startsWith('transition');
}

/**
 * What a `data-kpi` element's attributes describe: the detail (`markupDetail`), its KPI event, stamped when it was
 * read, or, when a `data-kpi-custom-*` name cannot be a column, why not, said with the attribute it came from and
 * the name it should have; and the `data-kpi-*` attributes markup does not know (a typo such as `data-kpi-reasn`,
 * or another tool's), which are not sent.
 */
export function markupOf(attributes: CopiedAttributes, localName: string): MarkupRead {
  const detail = markupDetail(attributes);
  const unknown = Object.keys(attributes).filter((name) => !name.startsWith(CUSTOM_PREFIX) && !KNOWN.has(name));
  const read: MarkupRead = { detail, result: normaliseKpiEvent(detail, Date.now()) };
  if (unknown.length) read.unknown = unknown;
  for (const { attribute } of (detail.customData as Array<{ attribute: string }> | undefined) ?? []) {
    const refused = customAttributeProblem(attribute);
    if (!refused) continue;
    const name = CUSTOM_PREFIX + attribute;
    const like = columnNameLike(attribute);
    const why = like
      ? `"${attribute}" is not a column name (letters, digits and underscores): write ${CUSTOM_PREFIX}${like}`
      : refused.message;
    const kpi = String(detail.kpiEventName).slice(0, 60);
    read.result = failure(problem(refused.code, `${name} on <${localName} data-kpi="${kpi}">: ${why}`, name), []);
    break;
  }
  return read;
}

/** What a `data-kpi` element describes, read once: the detail, its KPI event (or why there is none) and typos. */
export interface MarkupRead {
  detail: Record<string, unknown>;
  /** The event its attributes make, stamped when it was read; `eventAt` stamps it anew. */
  result: NormaliseResult;
  /** The `data-kpi-*` attributes markup does not know, until the first event of a live read has said them. */
  unknown?: string[];
}

/** A read element's event as captured at `capturedAt`: a payload of its own, stamped then. */
export function eventAt({ result }: MarkupRead, capturedAt: number): NormaliseResult {
  if (!result.ok) return result;
  const { warnings, size } = result;
  return { ok: true, event: restamped(result.event, capturedAt), warnings, size, capturedAt };
}

/**
 * A logger's markup reading. Live, it reads each `data-kpi` element once until its attributes change: a click on
 * an element met before costs a fresh timestamp, not a parse (each element read is watched for attribute changes,
 * and changes made just before an event, before the observer was told, are taken into account at once). Held, it
 * reads what the element said at the event.
 */
export class MarkupTaker {
  #sink: CaptureSink;
  #read = new WeakMap<Element, MarkupRead>();
  #observer = new MutationObserver((records) => this.#forget(records));

  constructor(sink: CaptureSink) {
    this.#sink = sink;
  }

  /**
   * Whether markup may ask for events of `type` (`data-kpi-on`): one that fires by itself is refused, said once
   * per element, a moment later (the words, and what was said already, are in the advice part).
   */
  allows(type: string, element: Element): boolean {
    if (userCanFire(type)) return true;
    withAdvice(({ refusedMarkup }) => refusedMarkup(this.#sink, type, element));
    return false;
  }

  /**
   * Hands on the event a `data-kpi` element makes: `source` read now, or what it said at an event heard `at`
   * (nothing for an event of a type markup may not ask for, heard before that was known). It is stamped when it
   * was heard (refused when, say, a custom name cannot be a column); what the element describes goes with it only
   * when there is something to report. Attributes markup does not know are said once per element, a moment later.
   */
  take(source: Element | MarkupSnapshot, at?: HeardAt): void {
    let markup: MarkupRead;
    let element: Element;
    if (source instanceof Element) {
      markup = this.#readNow((element = source));
    } else {
      if (!userCanFire(source.type)) return;
      markup = markupOf(source.attributes, (element = source.element).localName);
    }
    const { unknown } = markup;
    if (unknown) {
      withAdvice(({ unknownAttributes }) => unknownAttributes(this.#sink, element, unknown));
      // Said once per logger and element: the next events of this read need not ask again.
      if (source === element) markup.unknown = undefined;
    }
    const result = eventAt(markup, at?.capturedAt ?? Date.now());
    this.#sink.mapped(result, result.ok && result.warnings.length === 0 ? undefined : { ...markup.detail }, at);
  }

  /** Forgets every element read (they are read again when next met). */
  clear(): void {
    this.#observer.disconnect();
    this.#read = new WeakMap();
  }

  #readNow(element: Element): MarkupRead {
    this.#forget(this.#observer.takeRecords());
    let read = this.#read.get(element);
    if (!read) {
      read = markupOf(snapshotOf(element, '').attributes, element.localName);
      this.#read.set(element, read);
      this.#observer.observe(element, { attributes: true });
    }
    return read;
  }

  #forget(records: MutationRecord[]): void {
    for (const record of records) this.#read.delete(record.target as Element);
  }
}
