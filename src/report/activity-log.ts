import type { CifAnalyticsCall, DeliveryContext } from '../vocabulary/cif-contract.js';
import type { ActivityProblem } from './problem-count.js';
import { dropMessage } from './diagnostics.js';
import type { DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem, CifKpiWarning } from '../vocabulary/problems.js';
import type { QueuedEvent } from '../queue/queued-event.js';
import { own } from '../vocabulary/own.js';

/** What became of an event, as the debug inspector shows it. */
export type ActivityState = 'held' | 'sent' | 'retrying' | 'failed' | 'dropped' | 'invalid';

export interface ActivityEntry {
  /** The queue id, for events that were queued. */
  id?: string;
  name: string;
  state: ActivityState;
  /** Why, for retrying, failed, dropped and invalid events (for dropped ones the reporter gives the reason). */
  message?: string;
  /** Epoch ms of the last change. */
  at: number;
  /** The event as normalised (what is sent), or the detail as given when it was refused. */
  event?: unknown;
  /** The ids it was stamped with, while it is held. */
  context?: DeliveryContext;
  /** The call that delivered it, once sent; `size` is how many events that call carried. */
  call?: { eventName: string; correlationId?: string; data: Omit<CifAnalyticsCall['data'], 'events'>; size: number };
  /** What was changed or left out of it (truncated, unknown field, reserved name, and so on). */
  warnings?: string[];
}

/** Facts about an event the reporter adds when it records it. */
export type ActivityFacts = Pick<ActivityEntry, 'event' | 'context' | 'warnings'>;

/** What the reporter tells the activity log: an event added or moved to a new state, at epoch ms `at`. */
export interface ActivityRecorder {
  record(name: string, state: ActivityState, id?: string, message?: string, at?: number, facts?: ActivityFacts): void;
  update(ids: readonly string[], state: ActivityState, message?: string, at?: number, call?: CifAnalyticsCall): void;
}

/**
 * The most recent events and what became of them, and the problems reported, kept only while the inspector is on
 * (it costs nothing otherwise). Oldest entries go first once `limit` is reached. Part of the inspector's lazily
 * loaded code.
 */
export class ActivityLog implements ActivityRecorder {
  readonly entries: ActivityEntry[] = [];
  /** The problems reported, by source, in the order they were last seen (counted by the reporter). */
  readonly problems: Map<string, ActivityProblem>;
  #byId = new Map<string, ActivityEntry>();
  #limit: number;
  #onChange: () => void;

  constructor(onChange: () => void, limit = 50, problems = new Map<string, ActivityProblem>()) {
    this.#onChange = onChange;
    this.#limit = limit;
    this.problems = problems;
  }

  /** Adds an event, or moves the one with the same id to its new state. */
  record(
    name: string,
    state: ActivityState,
    id?: string,
    message?: string,
    at = Date.now(),
    facts?: ActivityFacts,
  ): void {
    const known = id === undefined ? undefined : this.#byId.get(id);
    const entry: ActivityEntry = known ?? { name, state, at: 0 };
    entry.state = state;
    entry.at = at;
    if (message === undefined) delete entry.message;
    else entry.message = state === 'dropped' ? dropMessage(message as DropReason, 1) : message;
    if (facts) {
      if (facts.event !== undefined) entry.event = facts.event;
      if (facts.context) entry.context = facts.context;
      if (facts.warnings?.length) entry.warnings = facts.warnings;
    }
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

  /** Moves the queued events with these ids to `state` (with the call that sent them). Unknown ids are ignored. */
  update(
    ids: readonly string[],
    state: ActivityState,
    message?: string,
    at = Date.now(),
    call?: CifAnalyticsCall,
  ): void {
    let changed = false;
    for (const id of ids) {
      const entry = this.#byId.get(id);
      if (!entry) continue;
      entry.state = state;
      entry.at = at;
      if (message === undefined) delete entry.message;
      else entry.message = message;
      if (call) {
        const { events, ...data } = call.data;
        entry.call = {
          eventName: call.eventName,
          ...(call.correlationId === undefined ? {} : { correlationId: call.correlationId }),
          data,
          size: events.length,
        };
      }
      changed = true;
    }
    if (changed) this.#onChange();
  }

  clear(): void {
    this.entries.length = 0;
    this.#byId.clear();
    this.problems.clear();
    this.#onChange();
  }
}

/**
 * What the reporter tells the inspector as it happens, with the time: an event captured (with its warnings), refused,
 * dropped as it arrived (with its detail), or queued, restored, sent, retrying, given up or dropped.
 */
export type ActivityNote =
  | ['captured', number, readonly CifKpiWarning[]]
  | ['invalid', number, CifKpiProblem, unknown]
  | ['arrived', number, DropReason, unknown]
  | ['queued' | 'restored', number, readonly QueuedEvent[]]
  | ['sent', number, readonly QueuedEvent[], CifAnalyticsCall]
  | ['retrying' | 'failed', number, readonly QueuedEvent[], string]
  | ['dropped', number, readonly QueuedEvent[], DropReason];

/** Writes what the reporter notes into `log`: each event's row, with the warnings of its capture. */
export function activityTap(log: ActivityRecorder): (note: ActivityNote) => void {
  /** The warnings of the event being captured, for its row once it is queued or refused. */
  let warnings: string[] | undefined;
  const facts = (given: ActivityFacts): ActivityFacts => {
    const said = warnings;
    warnings = undefined;
    return said ? { ...given, warnings: said } : given;
  };
  return (note) => {
    const at = note[1];
    switch (note[0]) {
      case 'captured':
        warnings = note[2].length ? note[2].map((w) => w.message) : undefined;
        return;
      case 'invalid':
        return log.record(nameOf(note[3]), 'invalid', undefined, note[2].message, at, facts({ event: note[3] }));
      case 'arrived':
        return log.record(nameOf(note[3]), 'dropped', undefined, note[2], at);
      case 'queued':
      case 'restored':
        for (const { event, context, id, problem } of note[2]) {
          const state = problem ? 'failed' : 'held';
          log.record(
            event.kpiEventName,
            state,
            id,
            undefined,
            at,
            note[0] === 'queued' ? facts({ event, context }) : { event, context },
          );
        }
        return;
      case 'sent':
        return log.update(ids(note[2]), 'sent', undefined, at, note[3]);
      case 'retrying':
      case 'failed':
        return log.update(ids(note[2]), note[0], note[3], at);
      case 'dropped':
        for (const item of note[2]) log.record(item.event.kpiEventName, 'dropped', item.id, note[3], at);
    }
  };
}

function ids(items: readonly { id: string }[]): string[] {
  return items.map((item) => item.id);
}

/** The name to show for a detail that may not be valid. */
function nameOf(detail: unknown): string {
  try {
    const name = own(detail, 'kpiEventName');
    return typeof name === 'string' && name ? name.slice(0, 60) : '(no kpiEventName)';
  } catch {
    return '(unreadable detail)';
  }
}
