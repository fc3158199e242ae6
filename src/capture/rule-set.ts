import { RULE_TAG, describeRule, parseRule, type KpiRule } from './kpi-rule.js';

/** Tells the owner which event types the rules need heard, and which rules are malformed. */
export interface RuleSetHost {
  listen(type: string): void;
  unlisten(type: string): void;
  malformed(description: string, message: string): void;
}

/**
 * The `<cif-kpi-rule>` children of a logger, parsed and indexed by event type. `refresh()` rereads them; each
 * malformed rule is reported once per distinct problem, and the others keep working.
 */
export class RuleSet {
  #host: RuleSetHost;
  #byType = new Map<string, KpiRule[]>();
  #reported = new WeakMap<Element, string>();

  constructor(host: RuleSetHost) {
    this.#host = host;
  }

  /** How many event types the rules listen for. */
  get size(): number {
    return this.#byType.size;
  }

  rulesFor(type: string): readonly KpiRule[] {
    return this.#byType.get(type) ?? [];
  }

  refresh(container: Element): void {
    const byType = new Map<string, KpiRule[]>();
    let index = 0;
    for (const element of container.children) {
      if (element.localName !== RULE_TAG) continue;
      const parsed = parseRule(element);
      if (parsed.ok) {
        this.#reported.delete(element);
        const list = byType.get(parsed.rule.on);
        if (list) list.push(parsed.rule);
        else byType.set(parsed.rule.on, [parsed.rule]);
      } else if (this.#reported.get(element) !== parsed.message) {
        this.#reported.set(element, parsed.message);
        this.#host.malformed(describeRule(element, index), parsed.message);
      }
      index++;
    }
    for (const type of this.#byType.keys()) if (!byType.has(type)) this.#host.unlisten(type);
    for (const type of byType.keys()) if (!this.#byType.has(type)) this.#host.listen(type);
    this.#byType = byType;
  }

  clear(): void {
    for (const type of this.#byType.keys()) this.#host.unlisten(type);
    this.#byType = new Map();
  }
}
