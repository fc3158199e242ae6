import { KPI_ON_ATTRIBUTE } from './markup-attributes.js';

export interface ScopeScannerCallbacks {
  /** A `data-kpi-on` event type was found in scope. */
  type(type: string, element: Element): void;
  /** An open shadow root was found in scope (non-composed events inside it can be heard there). */
  shadowRoot(root: ShadowRoot): void;
  /** Whether a shadow root is to be watched at all (the logger's own is not). */
  wants(root: ShadowRoot): boolean;
}

/**
 * Finds, in a scope and every open shadow root inside it, the event types `data-kpi-on` asks for and the shadow
 * roots themselves — now and as the DOM changes (framework re-renders, lazy widgets). Added subtrees are scanned
 * after the current task, so that components have rendered their shadow content by then.
 */
export class ScopeScanner {
  #callbacks: ScopeScannerCallbacks;
  #observer: MutationObserver;
  #roots = new WeakSet<Node>();
  #added: Node[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(callbacks: ScopeScannerCallbacks) {
    this.#callbacks = callbacks;
    this.#observer = new MutationObserver((records) => this.#onMutations(records));
  }

  /** Scans `root` and watches it from now on. */
  observe(root: Node): void {
    this.#watch(root);
    this.#scan(root);
  }

  /** Takes in a shadow root met on an event's path that no scan has found yet (attached after its host was). */
  adopt(root: ShadowRoot): void {
    if (this.#roots.has(root)) return;
    this.#watch(root);
    this.#callbacks.shadowRoot(root);
    this.#scan(root);
  }

  disconnect(): void {
    this.#observer.disconnect();
    this.#roots = new WeakSet();
    this.#added = [];
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #watch(root: Node): void {
    if (this.#roots.has(root)) return;
    this.#roots.add(root);
    this.#observer.observe(root, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: [KPI_ON_ATTRIBUTE],
    });
  }

  #scan(node: Node): void {
    const first = node instanceof Element ? node : node.firstChild;
    if (!first) return;
    const walker = (node.ownerDocument ?? (node as Document)).createTreeWalker(node, NodeFilter.SHOW_ELEMENT);
    for (
      let current: Node | null = node instanceof Element ? node : walker.nextNode();
      current;
      current = walker.nextNode()
    ) {
      const element = current as Element;
      const type = element.getAttribute(KPI_ON_ATTRIBUTE)?.trim();
      if (type) this.#callbacks.type(type, element);
      const shadow = element.shadowRoot;
      if (shadow && this.#callbacks.wants(shadow)) this.adopt(shadow);
    }
  }

  #onMutations(records: MutationRecord[]): void {
    for (const record of records) {
      if (record.type === 'attributes') {
        const element = record.target as Element;
        const type = element.getAttribute(KPI_ON_ATTRIBUTE)?.trim();
        if (type) this.#callbacks.type(type, element);
      } else {
        for (const node of record.addedNodes) if (node instanceof Element) this.#added.push(node);
      }
    }
    if (this.#added.length === 0 || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const added = this.#added;
      this.#added = [];
      for (const node of added) if (node.isConnected) this.#scan(node);
    }, 0);
  }
}
