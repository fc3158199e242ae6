/**
 * A held event, as the queue, persistence and reports see it: what is stored of it, and where the outbox has it.
 */
import type { ContextBinding } from '../normalise/delivery-context.js';
import type { CifKpiEvent, DeliveryContext } from '../vocabulary/cif-contract.js';
import type { DeliveryOutcome } from '../vocabulary/logger-events.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';

/** Where a held event is: waiting for ids, queued, in a call, awaiting a retry, given up, or done with. */
export type QueuedState = 'waiting' | 'pending' | 'in-flight' | 'retry' | 'failed' | 'done';

/** One valid KPI event held by the logger until the host accepts it or it is given up. */
export interface QueuedEvent {
  /** Unique within the tab; survives a reload, so a restored event is never taken twice. */
  id: string;
  event: CifKpiEvent;
  /** The ids in force when it was captured; absent while they were incomplete. */
  context?: DeliveryContext;
  /** Calls that carried it and failed. */
  attempts: number;
  /** Epoch ms when it was captured (or restored without a context). */
  heldSince: number;
  /** Why it was given up; set on failed events. */
  problem?: CifKpiProblem;
  /** With `auto-context`, the session it waits for the ids of (stored as the session's id). */
  binding?: ContextBinding;
  // Not stored:
  /** Batch key, while it is queued with a context. */
  key?: string;
  /** Where it is now; written by the outbox alone. */
  state?: QueuedState;
  /**
   * Its size as the queue's bounds count it: as normalising counted it, with its ids when they differ from the
   * last.
   */
  size?: number;
  /** Who awaits how it ends (`log()`, `flush()`); usually nobody. */
  waiters?: Array<(outcome: DeliveryOutcome) => void>;
}

/**
 * Who keeps the queue across reloads hears what changes, event by event, so that a write costs what changed: an
 * event held (new, restored, or back from `failed`), its stored form changed (ids stamped, given up), or gone
 * (sent or dropped).
 */
export interface QueueKeeper {
  held(item: QueuedEvent): void;
  changed(item: QueuedEvent): void;
  gone(item: QueuedEvent): void;
}

export const NO_KEEPER: QueueKeeper = { held() {}, changed() {}, gone() {} };

/**
 * An event this page captured, numbered by the queue: its id (`<prefix><n>`) is made only when asked for (for
 * storage, the inspector or a report), never for the many events that are simply sent.
 */
export class NumberedEvent implements QueuedEvent {
  attempts = 0;
  problem: CifKpiProblem | undefined = undefined;
  key: string | undefined = undefined;
  state: QueuedState | undefined = undefined;

  size: number | undefined = undefined;

  constructor(
    readonly prefix: string,
    readonly n: number,
    public event: CifKpiEvent,
    public context: DeliveryContext | undefined,
    public heldSince: number,
    public waiters: Array<(outcome: DeliveryOutcome) => void> | undefined,
  ) {}

  get id(): string {
    return this.prefix + this.n;
  }
}
