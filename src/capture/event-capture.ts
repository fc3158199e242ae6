/** Every capture that is listening now, across all loggers on the page. */
const active = new Set<ScopedCapture>();
/** Events one capture has taken: nobody else logs them. */
const claimed = new WeakSet<Event>();

/** Whether any logger's capture hears events of `type` at a root on `path`. */
export function anyCaptureHears(type: string, path: readonly EventTarget[]): boolean {
  for (const capture of active) if (capture.hearsOn(type, path)) return true;
  return false;
}

/**
 * Gets each event heard, and a function giving its composed path (computed once, on first use, and only if
 * asked: most events never need it); returns whether it took the event (logged something). An event nobody
 * takes may go to an outer capture.
 */
export type CaptureHandler = (event: Event, path: () => readonly EventTarget[]) => boolean;

/**
 * Listens for events inside one scope root, in the capture phase so that a widget that stops propagation of
 * its own event does not hide it, with one listener per event type. Where the scopes of several loggers contain
 * the same event, the innermost one that takes it logs it, once.
 */
export class ScopedCapture {
  #root: EventTarget | undefined;
  /** Open shadow roots inside the scope, where non-composed events (`change`, `submit`) can be heard. */
  #innerRoots = new Set<EventTarget>();
  #types = new Map<string, number>();
  #handler: CaptureHandler;
  /** The event being handled and its path once computed; saved and restored around nested dispatches. */
  #event: Event | undefined;
  #path: EventTarget[] | undefined;
  /** The composed path of the event being handled. One function for every event: nothing allocated per event. */
  #pathOf = (): readonly EventTarget[] => (this.#path ??= this.#event!.composedPath());
  #listener = (event: Event) => this.#onEvent(event);
  /** Inside a shadow root of the scope only non-composed events are new: composed ones passed the scope root. */
  #innerListener = (event: Event) => {
    if (!event.composed) this.#onEvent(event);
  };

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
    for (const type of this.#types.keys()) this.#addListeners(type);
    active.add(this);
  }

  /** Stops listening. The event types stay registered for the next attach. */
  detach(): void {
    if (!this.#root) return;
    for (const type of this.#types.keys()) this.#removeListeners(type);
    this.#root = undefined;
    this.#innerRoots.clear();
    active.delete(this);
  }

  /**
   * Also listens inside a shadow root of the scope: events that are not composed never leave it. An event heard
   * at both places is taken once (the scope root hears it first).
   */
  addInnerRoot(root: EventTarget): void {
    if (!this.#root || this.#innerRoots.has(root)) return;
    this.#innerRoots.add(root);
    for (const type of this.#types.keys()) root.addEventListener(type, this.#innerListener, true);
  }

  #addListeners(type: string): void {
    this.#root?.addEventListener(type, this.#listener, true);
    for (const inner of this.#innerRoots) inner.addEventListener(type, this.#innerListener, true);
  }

  #removeListeners(type: string): void {
    this.#root?.removeEventListener(type, this.#listener, true);
    for (const inner of this.#innerRoots) inner.removeEventListener(type, this.#innerListener, true);
  }

  /** Adds interest in an event type; counted, so several users of one type share one listener. */
  listen(type: string): void {
    const count = this.#types.get(type) ?? 0;
    this.#types.set(type, count + 1);
    if (count === 0) this.#addListeners(type);
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
    this.#removeListeners(type);
  }

  #hears(type: string): boolean {
    return this.#root !== undefined && this.#types.has(type);
  }

  /** Whether this capture hears events of `type` whose path is `path`. */
  hearsOn(type: string, path: readonly EventTarget[]): boolean {
    return this.#hears(type) && (path.includes(this.#root!) || [...this.#innerRoots].some((r) => path.includes(r)));
  }

  #onEvent(event: Event): void {
    // With one logger on the page the event is simply ours: no path or claim needed (the hot path).
    if (active.size === 1) {
      this.#handle(event, undefined);
      return;
    }
    if (claimed.has(event)) return;
    claimed.add(event);
    const path = event.composedPath();
    // The outermost listener hears the event first (capture phase); it hands it to the innermost capture whose
    // root is on the path, then outwards, until one takes it.
    for (const capture of this.#capturesOnPath(event.type, path)) {
      if (capture.#handle(event, path)) return;
    }
  }

  #handle(event: Event, path: EventTarget[] | undefined): boolean {
    const outerEvent = this.#event;
    const outerPath = this.#path;
    this.#event = event;
    this.#path = path;
    try {
      return this.#handler(event, this.#pathOf);
    } finally {
      this.#event = outerEvent;
      this.#path = outerPath;
    }
  }

  /** Captures hearing `type` whose root is on `path` at or inside ours, innermost first. */
  #capturesOnPath(type: string, path: EventTarget[]): ScopedCapture[] {
    if (active.size === 1) return [this];
    const own = path.indexOf(this.#root!);
    const found: Array<[number, ScopedCapture]> = [];
    for (const capture of active) {
      if (!capture.#hears(type)) continue;
      const index = capture === this ? own : path.indexOf(capture.#root!);
      if (index >= 0 && (own < 0 || index <= own)) found.push([index, capture]);
    }
    if (!found.some(([, capture]) => capture === this)) found.push([Infinity, this]);
    return found.sort((a, b) => a[0] - b[0]).map(([, capture]) => capture);
  }
}
