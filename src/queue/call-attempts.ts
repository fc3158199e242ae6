/**
 * The calls the sender makes, and what each answer does to the events it carried: a call has `callTimeout` to be
 * answered; accepted, its events are sent; failed, they await their retry after a backoff that grows with each
 * retry (none while a flush waits for them), or are given up after the last retry; and a call that timed out but is
 * then accepted late counts as sent after all, once, wherever its events are by then. It knows nothing of batches or
 * timers: the sender (DeliveryQueue) chooses what goes and when.
 */
import { buildCall } from '../normalise/delivery-context.js';
import { callLogAnalyticsEvent, type CallOutcome, type CifFramework } from '../deliver/cif-host.js';
import type { CifAnalyticsCall } from '../vocabulary/cif-contract.js';
import type { DeliveryOptions } from './delivery-options.js';
import type { DeliveryReporter } from './delivery-reporter.js';
import type { Outbox } from './outbox.js';
import type { QueuedEvent } from './queued-event.js';
import { retryDelay } from './retry-policy.js';

/** What the attempts tell of the events they carry. */
type AttemptReporter = Pick<DeliveryReporter, 'sent' | 'attemptFailed' | 'failed'>;

/** What the attempts ask of the sender around them. */
export interface AttemptHooks {
  /** The settings in force. */
  options(): DeliveryOptions;
  /** Whether a flush waits for events: a retry then goes without backoff. */
  flushing(): boolean;
  /** An answer changed what is held: the sender says so, and sends what is next. */
  answered(): void;
}

export class CallAttempts {
  /** Events the host accepted (`sent`), and events sent again in a retry (`retried`). */
  readonly stats = { sent: 0, retried: 0 };
  /** When the events awaiting their retry may go (a flush sets it to 0: at once). */
  retryAt = 0;
  #outbox: Outbox;
  #reporter: AttemptReporter;
  #hooks: AttemptHooks;

  constructor(outbox: Outbox, reporter: AttemptReporter, hooks: AttemptHooks) {
    this.#outbox = outbox;
    this.#reporter = reporter;
    this.#hooks = hooks;
  }

  /** Calls the host with `batch`, which the outbox has just put in flight (`retry`: again, after a failed call). */
  send(framework: CifFramework, batch: QueuedEvent[], retry: boolean): void {
    if (retry) this.stats.retried += batch.length;
    const call = buildCall(
      batch[0]!.context!,
      batch.map((item) => item.event),
    );
    void callLogAnalyticsEvent(framework, call, this.#hooks.options().callTimeout).then((outcome) =>
      this.#onAnswer(batch, call, outcome),
    );
  }

  #onAnswer(sentBatch: QueuedEvent[], call: CifAnalyticsCall, outcome: CallOutcome): void {
    // Events an earlier attempt's late answer delivered meanwhile are done, whatever this answer is.
    const batch = this.#outbox.answered(sentBatch);
    if (batch.length === 0) {
      // Nothing of it left to settle.
    } else if (outcome.ok) {
      this.#sent(batch, call, outcome.result);
    } else {
      // A call that timed out may still be accepted late, after its retry or even after its last attempt: its
      // events then count as sent, once, and are not sent again.
      void outcome.late?.then((late) => late.ok && this.#acceptedLate(batch, call, late.result));
      const attempts = batch[0]!.attempts + 1;
      for (const item of batch) item.attempts = attempts;
      const options = this.#hooks.options();
      if (attempts > options.maxRetries) {
        this.#reporter.attemptFailed(call, batch, outcome.problem, undefined);
        this.#outbox.giveUp(batch, outcome.problem);
        this.#reporter.failed(batch, outcome.problem);
        this.#outbox.trimFailed();
      } else {
        const delay = this.#hooks.flushing() ? 0 : retryDelay(attempts, options.retryDelay);
        this.#outbox.toRetry(batch);
        this.retryAt = Date.now() + delay;
        this.#reporter.attemptFailed(call, batch, outcome.problem, delay);
      }
    }
    // Events that arrived during the call have waited long enough: they go now.
    this.#hooks.answered();
  }

  /** A call that timed out was accepted after all: its events count as sent, wherever they are now, once. */
  #acceptedLate(batch: readonly QueuedEvent[], call: CifAnalyticsCall, result: unknown): void {
    const late = this.#outbox.takeLate(batch);
    if (late.length === 0) return;
    this.#sent(late, call, result);
    this.#hooks.answered();
  }

  #sent(batch: QueuedEvent[], call: CifAnalyticsCall, result: unknown): void {
    this.stats.sent += batch.length;
    this.#outbox.settle(batch, { status: 'sent', call, result });
    this.#reporter.sent(call, batch, result);
  }
}
