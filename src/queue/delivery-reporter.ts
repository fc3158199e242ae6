/**
 * What the queue tells of each event as it goes: taken in, sent, failed and retried, given up, dropped, taken over
 * from an earlier page; and when what it holds changed or the CIF library became usable. The report layer
 * (src/report/reporter.ts) turns it into the logger's events, stats and activity log.
 */
import type { CifAnalyticsCall } from '../vocabulary/cif-contract.js';
import type { DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';
import type { QueuedEvent } from './queued-event.js';

export interface DeliveryReporter {
  /** An event was taken in (it may still be dropped at once when the queue is full). */
  queued(item: QueuedEvent): void;
  /** The host accepted `call`, which carried `items`. */
  sent(call: CifAnalyticsCall, items: readonly QueuedEvent[], result: unknown): void;
  /** A call failed; it is retried after `retryIn` ms, or not at all when `retryIn` is undefined. */
  attemptFailed(
    call: CifAnalyticsCall,
    items: readonly QueuedEvent[],
    problem: CifKpiProblem,
    retryIn: number | undefined,
  ): void;
  /** Events given up after their last retry; they stay in `failed`. */
  failed(items: readonly QueuedEvent[], problem: CifKpiProblem): void;
  /** Events dropped without delivery. */
  dropped(items: readonly QueuedEvent[], reason: DropReason): void;
  /** Events taken over from an earlier page of the tab (held or failed). */
  restored(items: readonly QueuedEvent[]): void;
  /** What the queue holds changed (the inspector shows it). */
  changed(): void;
  /** The CIF library became usable. */
  hostReady(): void;
}
