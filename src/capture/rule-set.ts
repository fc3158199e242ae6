import type { KpiRule } from './kpi-rule.js';
import { lazy } from '../vocabulary/lazy.js';

/** The tag of a rule element, a child of its logger. */
const RULE_TAG = 'cif-kpi-rule';

export type Compiler = typeof import('./kpi-rule.js');

/**
 * The rule compiler: a module of its own, loaded the first time a page has a rule, so that pages without rules
 * do not carry it. Once loaded, every logger compiles its rules synchronously.
 */
const loadCompiler = lazy(() => import('./kpi-rule.js'));

/** Tells the owner which event types the rules need heard, which rules are malformed, and when rules arrive. */
export interface RuleSetHost {
  listen(type: string): void;
  unlisten(type: string): void;
  malformed(description: string, message: string): void;
  /** The compiler arrived and the rules are compiled: events held for them can be mapped now. */
  compiled(): void;
  /** The compiler could not be loaded: events held for rules cannot be mapped. */
  unavailable(error: unknown): void;
}

/**
 * The `<cif-kpi-rule>` children of a logger, compiled and indexed by event type. `refresh()` rereads them; each
 * malformed rule is reported once per distinct problem, and the others keep working.
 *
 * Until the compiler has loaded, rules are heard by their `on` alone: while `holding`, an event of a type they
 * `cover` must be held (with its capture time and path) and mapped once `compiled()` is called, so nothing is lost
 * meanwhile.
 */
/** What an event type no rule maps gets: nothing, made once. */
const NO_RULES: readonly KpiRule[] = Object.freeze([]);

export class RuleSet {
  #host: RuleSetHost;
  #byType = new Map<string, KpiRule[]>();
  #types = new Set<string>();
  #reported = new WeakMap<Element, string>();
  #ready: Promise<void> | undefined;
  #load: () => Promise<Compiler>;
  #loaded: Compiler | undefined;

  /** `load` fetches the compiler; the default loads the module next to this one (once per page). */
  constructor(host: RuleSetHost, load: () => Promise<Compiler> = loadCompiler) {
    this.#host = host;
    this.#load = load;
  }

  /** How many event types the rules listen for. */
  get size(): number {
    return this.#types.size;
  }

  rulesFor(type: string): readonly KpiRule[] {
    return this.#byType.get(type) ?? NO_RULES;
  }

  /** Whether rules were read and the compiler has not arrived yet: events heard now must wait for it. */
  get holding(): boolean {
    return this.#ready !== undefined;
  }

  /** Whether rules listen for events of `type` (while the compiler loads, by their `on` alone). */
  covers(type: string): boolean {
    return this.#types.has(type);
  }

  /** Resolves once the rules read so far are compiled and the events held for them were handed over. */
  whenReady(): Promise<void> {
    return this.#ready ?? Promise.resolve();
  }

  refresh(container: Element): void {
    const elements = [...container.children].filter((element) => element.localName === RULE_TAG);
    let byType = new Map<string, KpiRule[]>();
    const types = new Set<string>();
    if (elements.length > 0 && !this.#compiler) {
      for (const element of elements) {
        const on = element.getAttribute('on')?.trim();
        if (on) types.add(on);
      }
      this.#ready ??= this.#load().then(
        (loaded) => {
          this.#loaded = loaded;
          this.#ready = undefined;
          this.refresh(container);
          this.#host.compiled();
        },
        (error: unknown) => {
          this.#ready = undefined;
          this.#host.unavailable(error);
        },
      );
    } else if (elements.length > 0) {
      byType = this.#compiler!.compileRules(elements, this.#reported, (rule, message) =>
        this.#host.malformed(rule, message),
      );
      for (const type of byType.keys()) types.add(type);
    }
    this.#listenFor(types);
    this.#byType = byType;
  }

  /** The compiler this set uses: its own loader's result, or the page's shared one once any logger loaded it. */
  get #compiler(): Compiler | undefined {
    return this.#loaded ?? (this.#load === loadCompiler ? loadCompiler.loaded : undefined);
  }

  #listenFor(types: Set<string>): void {
    for (const type of this.#types) if (!types.has(type)) this.#host.unlisten(type);
    for (const type of types) if (!this.#types.has(type)) this.#host.listen(type);
    this.#types = types;
  }
}
