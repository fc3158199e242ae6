import { CIF_KPI_EVENT } from '../vocabulary/logger-events.js';
import { EARLIER_STUB_KEY, STUB_KEY } from '../vocabulary/stub.js';
import { internalError, problem } from '../vocabulary/problems.js';
import { lazy } from '../vocabulary/lazy.js';
import { ScopedCapture } from './event-capture.js';
import { HeldEvents, type CaptureSink, type HeardAt } from './held-events.js';
import { RULE_CHANGE_EVENT } from './kpi-rule-element.js';
import { kpiSourceOf, lightPathOf, snapshotOf } from './markup-attributes.js';
import { MarkupIntake } from './markup-intake.js';
import { RuleSet } from './rule-set.js';
import { ScopeBinding } from './scope-binding.js';
import { ScopeScanner } from './scope-scanner.js';

export type { CaptureSink, HeardAt, HeldEvent } from './held-events.js';

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

/** The element capture hooks into: Lit's `ReactiveControllerHost`, as far as capture needs it. */
export interface CaptureHost extends HTMLElement {
  addController(controller: { hostConnected(): void; hostDisconnected(): void }): void;
}

/**
 * Capturing for one logger, a reactive controller of it: owns the listeners in its scope (`ScopeBinding` says which
 * node that is) and in the open shadow roots inside it, the logger's `<cif-kpi-rule>` children, markup, the events
 * the stub kept before the bundle loaded, and the events held while code they need loads (the rule compiler, the
 * markup reader, the stub's take-over). It hands what it hears to a `CaptureSink` as plain details (or, for rules
 * and markup, normalised events) and knows nothing of queues or delivery.
 */
export class CaptureController {
  #logger: CaptureHost;
  #sink: CaptureSink;
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
    type: (type, element) => this.#markup.asks(type, element),
    shadowRoot: (root) => this.#capture.addInnerRoot(root),
    wants: (root) => root !== this.#logger.shadowRoot,
  });
  #markup: MarkupIntake;
  #rules: RuleSet;
  /** Events heard while code they need loads, in the order they were heard. */
  #held: HeldEvents;
  /** The stub's take-over last asked for, while it loads: events heard meanwhile wait behind the stub's. */
  #stubTaken: Promise<void> | undefined;
  /**
   * Sees rules changed without a synchronous notice (an `Attr` node's value set directly), by the next microtask;
   * every other change is told synchronously by the rule element.
   */
  #ruleObserver = new MutationObserver(() => this.#rules.refresh(this.#logger));
  #scope: ScopeBinding;

  constructor(logger: CaptureHost, sink: CaptureSink) {
    this.#logger = logger;
    this.#sink = sink;
    this.#held = new HeldEvents(sink);
    this.#scope = new ScopeBinding(logger, sink, {
      attach: (root) => {
        this.#scanner.disconnect();
        this.#capture.attach(root);
        this.#scanner.observe(root as Node);
        this.#takeStubbed(root);
      },
      detach: () => {
        this.#scanner.disconnect();
        this.#capture.detach();
      },
    });
    const listen = (type: string) => this.#capture.listen(type);
    const unlisten = (type: string) => this.#capture.unlisten(type);
    this.#rules = new RuleSet({
      listen,
      unlisten,
      malformed: (rule, message) => sink.problem(problem('invalid-rule', `${rule}: ${message}`)),
      compiled: () => this.release(),
      // What waited is handed on; what only rules map is counted dropped (Firefox also ends the load this way when
      // the page goes).
      unavailable: (error) => {
        sink.problem(problem('internal-error', `The <cif-kpi-rule> code could not be loaded: ${String(error)}`));
        this.#held.dropRules();
        this.release();
      },
    });
    this.#markup = new MarkupIntake(sink, {
      listen,
      unlisten,
      arrived: () => this.release(),
      unavailable: () => this.release(),
    });
    this.#capture.listen(CIF_KPI_EVENT);
    // Heard only to meet shadow roots attached late, before their non-composed events happen.
    this.#capture.listen('focusin');
    logger.addEventListener(RULE_CHANGE_EVENT, () => this.#rules.refresh(logger));
    logger.addController(this);
  }

  /**
   * Resolves once nothing held events wait for is loading (the stub's take-over, the rule compiler, the markup
   * reader) and the events held were handed on.
   */
  async whenReady(): Promise<void> {
    while (this.#waiting) await Promise.all([this.#stubTaken, this.#rules.whenReady(), this.#markup.loading]);
  }

  /** Whether events heard wait here for code (not the stub's, which it keeps itself until they are taken). */
  get holding(): boolean {
    return this.#held.size > 0;
  }

  /** The node the logger listens on; undefined while it is not capturing or its scope is not there. */
  get scopeRoot(): EventTarget | undefined {
    return this.#capture.root;
  }

  /** Starts capturing: the logger is in the document. */
  hostConnected(): void {
    this.#connected = true;
    this.#rules.refresh(this.#logger);
    this.#ruleObserver.observe(this.#logger, { childList: true, subtree: true, attributes: true });
    this.#scope.bind();
  }

  /** Stops capturing: the logger left the document. */
  hostDisconnected(): void {
    this.#connected = false;
    this.#scope.unbind();
    this.#markup.clear();
    this.#ruleObserver.disconnect();
  }

  /** Applies `scope` and `disabled`; a change takes effect at once. */
  configure(scope: string | null, disabled: boolean): void {
    if (this.#scope.set(scope, disabled) && this.#connected) this.#scope.bind();
  }

  /** Whether events heard now must wait: code that events held need is loading. */
  get #waiting(): boolean {
    return this.#rules.holding || !!this.#stubTaken || !!this.#markup.loading;
  }

  /**
   * Turns an event heard in scope into KPI events: a `cif-kpi` detail, `data-kpi-*` markup, matching rules. While
   * code that events held need is loading, every KPI event heard waits for it (with what its markup says now, and
   * the ids in force), so that all are logged in the order they happened and with the ids of that moment.
   */
  #onEvent(event: Event, pathOf: () => readonly EventTarget[]): boolean {
    const type = event.type;
    if (type === CIF_KPI_EVENT) {
      const detail = (event as CustomEvent<unknown>).detail;
      if (this.#waiting) return this.#held.hold({ detail });
      this.#sink.detail(detail);
      return true;
    }
    const root = this.#capture.root!;
    const markupType = this.#markup.hears(type);
    // Most events come from light DOM: then their path is walked up to the scope, without the composed path.
    const light = markupType || type === 'focusin' ? lightPathOf(event, root) : undefined;
    // A shadow root met on the way of a focus or click (attached after its host was scanned) is listened in from
    // now on, so that its non-composed events (`change`, `submit`) are heard too.
    if (!light && (type === 'focusin' || type === 'click')) {
      for (const node of pathOf())
        if (node instanceof ShadowRoot && node !== this.#logger.shadowRoot) this.#scanner.adopt(node);
    }
    const source = markupType ? kpiSourceOf(event, light ?? pathOf(), root) : undefined;
    // The first `data-kpi` element heard loads the markup reader: this event and those after it wait for it.
    if (source) this.#markup.need();
    if (this.#waiting) {
      const rules = this.#rules.covers(type) ? { event, path: [...pathOf()] } : undefined;
      const markup = source && snapshotOf(source, type);
      return markup || rules ? this.#held.hold({ markup, rules }) : false;
    }
    if (source) this.#markup.take(source);
    return this.#mapByRules(event, pathOf) || source !== undefined;
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
        this.#held.before(taken);
        if (taken.some((held) => held.markup)) this.#markup.need();
        this.release();
      }));
  }

  /**
   * Hands on the events held, in order, once nothing they wait for is loading; or at once when the page goes
   * (`leaving`, on `pagehide`), so that they are stored with the rest: then what only rules can map, while their
   * code is not there, is counted as dropped (`rules-unavailable`), and markup is read without the reader (see
   * `MarkupIntake.take`; what it cannot take so is `code-unavailable`). The stub's own events, while its take-over
   * loads, stay where it keeps them.
   */
  release(leaving?: boolean): void {
    if (!leaving && this.#waiting) return;
    if (this.#rules.holding) this.#held.dropRules();
    let unread = 0;
    for (const { at, detail, markup, rules } of this.#held.take()) {
      if (detail !== undefined) this.#sink.detail(detail, at);
      if (markup && !this.#markup.take(markup, at)) unread++;
      if (rules) this.#mapByRules(rules.event, () => rules.path, at);
    }
    if (unread) this.#sink.dropped('code-unavailable', unread);
  }

  /**
   * Ids are complete now (`stamp`): events held without any (heard while they were missing) take these, as they
   * would have in the queue: the ids next in force, not those in force when what they wait for arrives.
   */
  stampHeld(stamp: unknown): void {
    this.#held.stamp(stamp);
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
