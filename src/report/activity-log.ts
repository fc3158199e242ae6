/** What became of an event, as the debug inspector shows it. */
export type ActivityState = 'held' | 'sent' | 'retrying' | 'failed' | 'dropped' | 'invalid';

export interface ActivityEntry {
  /** The queue id, for events that were queued. */
  id?: string;
  name: string;
  state: ActivityState;
  /** Why, for retrying, failed, dropped and invalid events. */
  message?: string;
  /** Epoch ms of the last change. */
  at: number;
}

/** What the reporter tells the activity log: an event added or moved to a new state, at epoch ms `at`. */
export interface ActivityRecorder {
  record(name: string, state: ActivityState, id?: string, message?: string, at?: number): void;
  update(ids: readonly string[], state: ActivityState, message?: string, at?: number): void;
}

/**
 * The most recent events and what became of them, kept only while the inspector is on (it costs nothing
 * otherwise). Oldest entries go first once `limit` is reached. Part of the inspector's lazily loaded code.
 */
export class ActivityLog implements ActivityRecorder {
  readonly entries: ActivityEntry[] = [];
  #byId = new Map<string, ActivityEntry>();
  #limit: number;
  #onChange: () => void;

  constructor(onChange: () => void, limit = 50) {
    this.#onChange = onChange;
    this.#limit = limit;
  }

  /** Adds an event, or moves the one with the same id to its new state. */
  record(name: string, state: ActivityState, id?: string, message?: string, at = Date.now()): void {
    const known = id === undefined ? undefined : this.#byId.get(id);
    const entry: ActivityEntry = known ?? { name, state, at: 0 };
    entry.state = state;
    entry.at = at;
    if (message === undefined) delete entry.message;
    else entry.message = message;
    if (!known) {
      if (id !== undefined) {
        entry.id = id;
        this.#byId.set(id, entry);
      }
      this.entries.push(entry);
      while (this.entries.length > this.#limit) {
        const gone = this.entries.shift()!;
        if (gone.id !== undefined) this.#byId.delete(gone.id);
      }
    }
    this.#onChange();
  }

  /** Moves the queued events with these ids to `state`. Ids no longer in the log are ignored. */
  update(ids: readonly string[], state: ActivityState, message?: string, at = Date.now()): void {
    let changed = false;
    for (const id of ids) {
      const entry = this.#byId.get(id);
      if (!entry) continue;
      entry.state = state;
      entry.at = at;
      if (message === undefined) delete entry.message;
      else entry.message = message;
      changed = true;
    }
    if (changed) this.#onChange();
  }

  clear(): void {
    this.entries.length = 0;
    this.#byId.clear();
    this.#onChange();
  }
}
