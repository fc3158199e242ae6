/** The event type widgets dispatch to report a KPI event. */
export const CIF_KPI_EVENT = 'cif-kpi';

/** Every capture that is listening now, across all loggers on the page. */
const active = new Set<ScopedCapture>();
/** Events one capture has taken: nobody else logs them. */
const claimed = new WeakSet<Event>();

export type CaptureHandler = (event: Event) => void;

/**
 * Listens for events inside one scope root, in the capture phase so that a widget that stops propagation of
 * its own event does not hide it. Where the scopes of several loggers contain the same event, only the
 * innermost one gets it: an outer capture steps aside when an inner scope root is on the event's path, and
 * the first capture to take an event claims it.
 */
export class ScopedCapture {
  #root: EventTarget | undefined;
  #types = new Map<string, number>();
  #handler: CaptureHandler;
  #listener = (event: Event) => this.#onEvent(event);

  constructor(handler: CaptureHandler) {
    this.#handler = handler;
  }

  /** The node listened on, if attached. */
  get root(): EventTarget | undefined {
    return this.#root;
  }

  /** Starts listening on `root` (stops listening on any previous root). */
  attach(root: EventTarget): void {
    if (this.#root === root) return;
    this.detach();
    this.#root = root;
    for (const type of this.#types.keys()) root.addEventListener(type, this.#listener, true);
    active.add(this);
  }

  /** Stops listening. The event types stay registered for the next attach. */
  detach(): void {
    if (!this.#root) return;
    for (const type of this.#types.keys()) this.#root.removeEventListener(type, this.#listener, true);
    this.#root = undefined;
    active.delete(this);
  }

  /** Adds interest in an event type; counted, so several users of one type share one listener. */
  listen(type: string): void {
    const count = this.#types.get(type) ?? 0;
    this.#types.set(type, count + 1);
    if (count === 0) this.#root?.addEventListener(type, this.#listener, true);
  }

  /** Removes one interest in an event type added by `listen`. */
  unlisten(type: string): void {
    const count = this.#types.get(type);
    if (count === undefined) return;
    if (count > 1) {
      this.#types.set(type, count - 1);
      return;
    }
    this.#types.delete(type);
    this.#root?.removeEventListener(type, this.#listener, true);
  }

  #hears(type: string): boolean {
    return this.#root !== undefined && this.#types.has(type);
  }

  #onEvent(event: Event): void {
    if (claimed.has(event)) return;
    if (active.size > 1 && this.#innerCaptureWillHear(event)) return;
    claimed.add(event);
    this.#handler(event);
  }

  /** Whether another capture whose root lies between the event's origin and ours will get it. */
  #innerCaptureWillHear(event: Event): boolean {
    const path = event.composedPath();
    const own = path.indexOf(this.#root!);
    if (own <= 0) return false;
    for (const other of active) {
      if (other === this || !other.#hears(event.type)) continue;
      const index = path.indexOf(other.#root!);
      if (index >= 0 && index < own) return true;
    }
    return false;
  }
}
