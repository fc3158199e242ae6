import type { NormaliseResult } from '../normalise/kpi-event.js';
import { CIF_KPI_EVENT, type DropReason } from '../vocabulary/logger-events.js';
import { EARLIER_STUB_KEY, STUB_KEY } from '../vocabulary/stub.js';
import { internalError, problem, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import { ScopedCapture } from './event-capture.js';
import { RULE_CHANGE_EVENT } from './kpi-rule-element.js';
import {
  DEFAULT_TRIGGERS,
  eventAt,
  kpiSourceOf,
  lightPathOf,
  MarkupReader,
  userCanFire,
  type MarkupRead,
} from './markup-attributes.js';
import { RuleSet } from './rule-set.js';
import { withAdvice } from './advice.js';
import { lazy } from '../vocabulary/lazy.js';
import { resolveScopeRoot } from './scope.js';
import { ScopeScanner } from './scope-scanner.js';

/** The events looked at outside a logger's scope: `cif-kpi`, and the ones markup maps by default. */
const OUTSIDE_TYPES = [CIF_KPI_EVENT, ...DEFAULT_TRIGGERS];
/** Taking over the events the stub kept before the bundle loaded: a part loaded only on a page where a stub left them. */
export const loadTakeOver = lazy(() => import('./stub-take-over.js'));

/**
 * Whether a stub left its buffer on this page: under its own key, or under the key earlier stubs used, where markup
 * can put an element (`<div id="__cifKpiStub">`), so only a buffer's shape counts. Reading either may throw (a getter
 * a page defined): that is no buffer.
 */
function stubLeftEvents(): unknown {
  const win = window as unknown as Record<PropertyKey, { heard?: unknown } | undefined>;
  try {
    return win[STUB_KEY] || Array.isArray(win[EARLIER_STUB_KEY]?.heard);
  } catch {
    // No buffer there.
  }
}

/**
 * When an event that waited was heard: its capture time, and what the sink's `stamp()` said then (the ids in force),
 * so that it is logged as if it had been logged at once.
 */
export interface HeardAt {
  capturedAt: number;
  stamp: unknown;
}

/** Where a logger's capture hands what it heard. */
export interface CaptureSink {
  /**
   * A KPI event reported as a detail (a `cif-kpi` event's); `at` when it was heard earlier (it waited for the rule
   * compiler).
   */
  detail(detail: unknown, at?: HeardAt): void;
  /**
   * A KPI event a `<cif-kpi-rule>` or `data-kpi-*` markup made, already normalised; `detail` is what was read (for
   * reports, when there is something to report).
   */
  mapped(result: NormaliseResult, detail: unknown, at?: HeardAt): void;
  /** What an event heard now must keep if it is logged later (the ids in force). */
  stamp(): unknown;
  /**
   * A problem with the set-up (a malformed rule, a scope that is not there, rule code that did not load), or an
   * unexpected fault while hearing an event, caught so that nothing of it reaches the page.
   */
  problem(problem: CifKpiProblem): void;
  /** Advice about the set-up: markup attributes it does not know, events outside the scope. */
  warning(warning: CifKpiWarning): void;
  /** Events heard but not mapped. */
  dropped(reason: DropReason, count: number): void;
  /** Most events held while the rule code loads. */
  maxHeld(): number;
}

/**
 * An event heard while the rule compiler or the stub's take-over loads, or by the stub, with when it was heard and
 * what was read of it then: its `cif-kpi` detail or its markup's, and, for rules, the event and its path.
 */
export interface HeldEvent {
  at: HeardAt;
  detail?: unknown;
  markup?: MarkupRead;
  rules?: { event: Event; path: readonly EventTarget[] };
}

/**
 * Capturing for one logger: owns its scope (resolved from `scope`, waited for when it is not there yet), the
 * listeners in it and in the open shadow roots inside it, the event types markup asks for, the logger's
 * `<cif-kpi-rule>` children, the events the stub kept before the bundle loaded, and the events held while the rule
 * compiler or the stub's take-over loads. It hands what it hears to a `CaptureSink` as plain details (or, for rules
 * and markup, normalised events) and knows nothing of queues or delivery.
 */
export class CaptureController {
  #logger: HTMLElement;
  #sink: CaptureSink;
  #scope: string | null = null;
  #disabled = false;
  #connected = false;
  #capture = new ScopedCapture((event, path) => {
    try {
      return this.#onEvent(event, path);
    } catch (error) {
      // Nothing the logger does while hearing an event may surface as an error of the page.
      this.#sink.problem(internalError(error));
      return false;
    }
  });
  /** Finds `data-kpi-on` types and open shadow roots in scope. */
  #scanner = new ScopeScanner({
    type: (type, element) => this.#markupAsks(type, element),
    shadowRoot: (root) => this.#capture.addInnerRoot(root),
    wants: (root) => root !== this.#logger.shadowRoot,
  });
  #markupTypes = new Set<string>();
  #markup = new MarkupReader();
  #rules: RuleSet;
  /** Events heard while the rule compiler or the stub's take-over loads, in the order they were heard. */
  #held: HeldEvent[] = [];
  /** The stub's take-over last asked for, while it loads: events heard meanwhile wait behind the stub's. */
  #stubTaken: Promise<void> | undefined;
  /**
   * Sees rules changed without a synchronous notice (an `Attr` node's value set directly), by the next microtask;
   * every other change is told synchronously by the rule element.
   */
  #ruleObserver = new MutationObserver(() => this.#rules.refresh(this.#logger));
  /** Waits for a `scope` element that is not there yet. */
  #scopeObserver: MutationObserver | undefined;
  /** The missing scope last reported, so each is reported once. */
  #missingScopeReported: string | null | undefined;
  /** Stops looking for events outside the scope; undefined when not looking. */
  #stopWatching: (() => void) | undefined;
  /** Whether events outside the scope were reported: said once per logger. */
  #saidOutside = false;

  constructor(logger: HTMLElement, sink: CaptureSink) {
    this.#logger = logger;
    this.#sink = sink;
    this.#rules = new RuleSet({
      listen: (type) => this.#capture.listen(type),
      unlisten: (type) => this.#capture.unlisten(type),
      malformed: (rule, message) => sink.problem(problem('invalid-rule', `${rule}: ${message}`)),
      compiled: () => this.release(),
      // What waited is handed on; what only rules map is counted dropped (Firefox also ends the load this way when
      // the page goes).
      unavailable: (error) => {
        sink.problem(problem('internal-error', `The <cif-kpi-rule> code could not be loaded: ${String(error)}`));
        this.release(true, true);
      },
    });
    this.#capture.listen(CIF_KPI_EVENT);
    for (const type of DEFAULT_TRIGGERS) this.#listenForMarkup(type);
    // Heard only to meet shadow roots attached late, before their non-composed events happen.
    this.#capture.listen('focusin');
    logger.addEventListener(RULE_CHANGE_EVENT, () => this.#rules.refresh(logger));
  }

  /**
   * Resolves once the stub's events are taken, the rules read so far are compiled, and the events held for them
   * were mapped.
   */
  whenReady(): Promise<void> {
    return Promise.resolve(this.#stubTaken).then(() => this.#rules.whenReady());
  }

  /** The node the logger listens on; undefined while it is not capturing or its scope is not there. */
  get scopeRoot(): EventTarget | undefined {
    return this.#capture.root;
  }

  /** Starts capturing: the logger is in the document. */
  connect(): void {
    this.#connected = true;
    this.#rules.refresh(this.#logger);
    this.#ruleObserver.observe(this.#logger, { childList: true, subtree: true, attributes: true });
    this.#attach();
  }

  /** Stops capturing: the logger left the document. */
  disconnect(): void {
    this.#connected = false;
    this.#watchOutside(undefined);
    this.#capture.detach();
    this.#scanner.disconnect();
    this.#markup.clear();
    this.#ruleObserver.disconnect();
    this.#stopWaitingForScope();
  }

  /** Applies `scope` and `disabled`; a change takes effect at once. */
  configure(scope: string | null, disabled: boolean): void {
    if (scope === this.#scope && disabled === this.#disabled) return;
    this.#scope = scope;
    this.#disabled = disabled;
    if (this.#connected) this.#attach();
  }

  #attach(): void {
    this.#stopWaitingForScope();
    this.#scanner.disconnect();
    if (this.#disabled) {
      this.#watchOutside(undefined);
      this.#capture.detach();
      return;
    }
    const root = resolveScopeRoot(this.#logger, this.#scope);
    this.#watchOutside(root);
    if (root) {
      this.#missingScopeReported = undefined;
      this.#capture.attach(root);
      this.#scanner.observe(root as Node);
      this.#takeStubbed(root);
      return;
    }
    this.#capture.detach();
    if (this.#missingScopeReported !== this.#scope) {
      this.#missingScopeReported = this.#scope;
      this.#sink.problem(
        problem(
          'scope-not-found',
          `scope "${this.#scope}" names no element in this document; events are heard once it appears`,
          'scope',
        ),
      );
    }
    this.#scopeObserver = new MutationObserver(() => {
      if (resolveScopeRoot(this.#logger, this.#scope)) this.#attach();
    });
    this.#scopeObserver.observe(this.#logger.getRootNode(), {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['id'],
    });
  }

  /**
   * Looks for KPI events outside `root` (`cif-kpi` events, and events of `data-kpi` elements) until it has said
   * once that one was not heard; not for the whole document. It only looks at the event's path here: what to say
   * is a chunk of its own, loaded the first time such an event happens.
   */
  #watchOutside(root: EventTarget | undefined): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    if (this.#saidOutside || !(root instanceof Node) || root instanceof Document) return;
    const view = root.ownerDocument?.defaultView ?? window;
    const listener = (event: Event) => {
      try {
        if (event.target instanceof Node && root.contains(event.target)) return; // the usual case
        const path = event.composedPath(); // now: once the event is dispatched, it is empty
        if (path.includes(root)) return;
        const type = event.type;
        if (type !== CIF_KPI_EVENT && !path.some((node) => node instanceof Element && node.hasAttribute('data-kpi')))
          return;
        withAdvice(({ outsideScope }) => {
          if (this.#stopWatching !== stop) return; // said already, or the scope changed meanwhile
          const warning = outsideScope(type, path, root, this.#logger);
          if (!warning) return;
          stop();
          this.#saidOutside = true;
          this.#sink.warning(warning);
        });
      } catch {
        // Only advice: a fault here must not reach the page.
      }
    };
    const stop = () => {
      for (const type of OUTSIDE_TYPES) view.removeEventListener(type, listener, true);
      if (this.#stopWatching === stop) this.#stopWatching = undefined;
    };
    for (const type of OUTSIDE_TYPES) view.addEventListener(type, listener, true);
    this.#stopWatching = stop;
  }

  #stopWaitingForScope(): void {
    this.#scopeObserver?.disconnect();
    this.#scopeObserver = undefined;
  }

  /**
   * A `data-kpi-on` type found in scope: listened for, unless it fires by itself (then refused, said once per
   * element, a moment later: the words, and what was said already, are in the advice chunk).
   */
  #markupAsks(type: string, element: Element): void {
    if (userCanFire(type)) return this.#listenForMarkup(type);
    withAdvice(({ refusedMarkup }) => refusedMarkup(this.#sink, type, element));
  }

  #listenForMarkup(type: string): void {
    if (this.#markupTypes.has(type)) return;
    this.#markupTypes.add(type);
    this.#capture.listen(type);
  }

  /**
   * Turns an event heard in scope into KPI events: a `cif-kpi` detail, `data-kpi-*` markup, matching rules. While
   * the rule compiler or the stub's take-over loads, every KPI event heard waits for it (what can be read of it is
   * read now, with the ids in force), so that all are logged in the order they happened and with the ids of that
   * moment.
   */
  #onEvent(event: Event, pathOf: () => readonly EventTarget[]): boolean {
    const type = event.type;
    const holding = this.#rules.holding || this.#stubTaken;
    if (type === CIF_KPI_EVENT) {
      const detail = (event as CustomEvent<unknown>).detail;
      if (holding) return this.#hold({ at: this.#heardNow(), detail });
      this.#sink.detail(detail);
      return true;
    }
    const root = this.#capture.root!;
    const markupType = this.#markupTypes.has(type);
    // Most events come from light DOM: then their path is walked up to the scope, without the composed path.
    const light = markupType || type === 'focusin' ? lightPathOf(event, root) : undefined;
    // A shadow root met on the way of a focus or click (attached after its host was scanned) is listened in from
    // now on, so that its non-composed events (`change`, `submit`) are heard too.
    if (!light && (type === 'focusin' || type === 'click')) {
      for (const node of pathOf())
        if (node instanceof ShadowRoot && node !== this.#logger.shadowRoot) this.#scanner.adopt(node);
    }
    let markup: MarkupRead | undefined;
    if (markupType) {
      const source = kpiSourceOf(event, light ?? pathOf(), root);
      if (source) {
        markup = this.#markup.read(source);
        // Said once per element and attribute, a moment later: the words are in the advice chunk.
        const { unknown } = markup;
        if (unknown) withAdvice(({ unknownAttributes }) => unknownAttributes(this.#sink, source, unknown));
      }
    }
    if (holding) {
      const rules = this.#rules.covers(type) ? { event, path: [...pathOf()] } : undefined;
      return markup || rules ? this.#hold({ at: this.#heardNow(), markup, rules }) : false;
    }
    if (markup) this.#takeMarkup(markup);
    return this.#mapByRules(event, pathOf) || markup !== undefined;
  }

  /**
   * Takes what the stub (`cif-kpi-stub.js`) heard in this scope before the bundle loaded, and maps it as if heard
   * live, with its capture time and the ids in force now; what the stub could not keep is reported dropped. The
   * code for it is a chunk, loaded only when a stub left its buffer: events heard meanwhile wait behind the stub's.
   */
  #takeStubbed(root: EventTarget): void {
    if (!stubLeftEvents()) return;
    const stamp = this.#sink.stamp();
    const loading: Promise<void> = (this.#stubTaken = loadTakeOver()
      .then(
        ({ takeStubbed }) => takeStubbed(root, stamp, this.#sink),
        (error: unknown) => {
          this.#sink.problem(internalError(error));
          return [];
        },
      )
      .then((taken) => {
        if (this.#stubTaken === loading) this.#stubTaken = undefined;
        // The stub's events happened before every event heard since.
        this.#held.unshift(...taken);
        this.release();
      }));
  }

  /**
   * Hands on the events held, in order, once nothing they wait for is loading; or at once when the page goes
   * (`leaving`, on `pagehide`), so that they are stored with the rest, or when the rule code could not be loaded
   * (`noRules`): then what only rules can map, while their code is not there, is counted as dropped
   * (`rules-unavailable`). The stub's own events, while its take-over loads, stay where it keeps them.
   */
  release(leaving?: boolean, noRules = this.#rules.holding): void {
    if (!leaving && (this.#rules.holding || this.#stubTaken)) return;
    const held = this.#held;
    this.#held = [];
    let unmapped = 0;
    for (const { at, detail, markup, rules } of held) {
      if (detail !== undefined) this.#sink.detail(detail, at);
      if (markup) this.#takeMarkup(markup, at);
      if (rules && noRules) unmapped++;
      else if (rules) this.#mapByRules(rules.event, () => rules.path, at);
    }
    if (unmapped) this.#sink.dropped('rules-unavailable', unmapped);
  }

  /**
   * Ids are complete now (`stamp`): events held without any (heard while they were missing) take these, as they
   * would have in the queue: the ids next in force, not those in force when what they wait for arrives.
   */
  stampHeld(stamp: unknown): void {
    for (const { at } of this.#held) at.stamp ??= stamp;
  }

  #heardNow(): HeardAt {
    return { capturedAt: Date.now(), stamp: this.#sink.stamp() };
  }

  /** Keeps an event until what it waits for has arrived, as far as `maxHeld` allows. */
  #hold(held: HeldEvent): true {
    if (this.#held.length < this.#sink.maxHeld()) this.#held.push(held);
    else this.#sink.dropped('queue-full', 1);
    return true;
  }

  /**
   * Hands on the event a `data-kpi` element makes, stamped when it was heard (refused when, say, a custom name
   * cannot be a column); what the element describes goes with it only when there is something to report.
   */
  #takeMarkup(markup: MarkupRead, at?: HeardAt): void {
    const result = eventAt(markup, at?.capturedAt ?? Date.now());
    this.#sink.mapped(result, result.ok && result.warnings.length === 0 ? undefined : { ...markup.detail }, at);
  }

  /** Maps an event through the rules for its type; returns whether any rule logged it. */
  #mapByRules(event: Event, pathOf: () => readonly EventTarget[], at?: HeardAt): boolean {
    let taken = false;
    const capturedAt = at?.capturedAt ?? Date.now();
    for (const rule of this.#rules.rulesFor(event.type)) {
      // A rule fills a normalised event directly; what it read is rendered only for a problem's report.
      const result = rule.eventFor(event, pathOf, this.#capture.root ?? document, capturedAt);
      if (result) {
        const reported = result.ok && result.warnings.length === 0 ? undefined : rule.detailFor(event, pathOf);
        this.#sink.mapped(result, reported, at);
        taken = true;
      }
    }
    return taken;
  }
}
