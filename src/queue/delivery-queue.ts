import { batchKey, buildCall, type ContextBinding } from '../normalise/delivery-context.js';
import { callLogAnalyticsEvent, type CallOutcome, type CifHostAccess } from '../deliver/cif-host.js';
import type { CifAnalyticsCall, CifKpiEvent, DeliveryContext } from '../vocabulary/cif-contract.js';
import type { DeliveryOutcome, DeliveryStats, DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';
import { DEFAULTS, type DeliveryOptions } from './delivery-options.js';
import { Fifo } from './fifo.js';
import { retryDelay } from './retry-policy.js';

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
  /** Where it is now. */
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

export interface DeliveryQueueOptions extends Partial<DeliveryOptions> {
  /** The CIF library: nothing is sent before it is usable. */
  host: CifHostAccess;
  reporter: DeliveryReporter;
  /** What the id of an event numbered by the queue starts with (`<owner>.`); default: none. */
  idPrefix?: string;
  /** The ids an event held without them is sent with, once they are complete; default: none yet. */
  contextFor?: (item: QueuedEvent) => DeliveryContext | undefined;
  /** Told after what it holds changed, once the reporter was (a removed logger lets go when it holds nothing). */
  changed?: () => void;
}

/**
 * An event this page captured, numbered by the queue: its id (`<prefix><n>`) is made only when asked for (for
 * storage, the inspector or a report), never for the many events that are simply sent.
 */
class NumberedEvent implements QueuedEvent {
  attempts = 0;
  problem: CifKpiProblem | undefined = undefined;
  key: string | undefined = undefined;
  state: QueuedState | undefined = undefined;

  constructor(
    readonly prefix: string,
    readonly n: number,
    public event: CifKpiEvent,
    public context: DeliveryContext | undefined,
    public heldSince: number,
    public size: number,
    public waiters: Array<(outcome: DeliveryOutcome) => void> | undefined,
  ) {}

  get id(): string {
    return this.prefix + this.n;
  }
}

interface Retry {
  items: QueuedEvent[];
  notBefore: number;
}

const NO_KEEPER: QueueKeeper = { held() {}, changed() {}, gone() {} };

/**
 * Holds valid events and delivers them through `logAnalyticsEvent`: batched by context and event name, one
 * call in flight at a time so capture order is kept, nothing sent before the host is usable or before the
 * ids are complete, failed calls retried with backoff (the retry goes first: no retry storm, no reordering),
 * and everything bounded by count and by size.
 *
 * Every operation on an event costs O(1) whatever the queue holds: queued events sit in one first-in-first-out
 * list per batch key, with one list of them all in capture order that says which key goes next; taking a batch
 * takes from the front of its key's list, and an event that nobody awaits is settled without any lookup.
 */
export class DeliveryQueue {
  #options: DeliveryOptions;
  #host: CifHostAccess;
  #hostWait: (() => void) | undefined;
  #reporter: DeliveryReporter;
  #keeper: QueueKeeper = NO_KEEPER;
  /** Events whose ids were incomplete at capture, in capture order. */
  #waiting: QueuedEvent[] = [];
  /** Queued events by batch key, each list in capture order. */
  #byKey = new Map<string, Fifo<QueuedEvent>>();
  /** Every queued event in capture order; events taken since are skipped when they reach the front. */
  #order = new Fifo<QueuedEvent>();
  #pendingCount = 0;
  #inFlight: QueuedEvent[] | undefined;
  #retry: Retry | undefined;
  #failed: QueuedEvent[] = [];
  /** The stored size of everything held and failed. */
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #contextTimer: ReturnType<typeof setTimeout> | undefined;
  #paused = false;
  #flushing = 0;
  #contextFor: (item: QueuedEvent) => DeliveryContext | undefined;
  /**
   * The ids whose stored size was counted last. Ids are stored once per segment of events in a row: an event
   * whose ids differ from the event before it pays for them.
   */
  #counted: DeliveryContext | undefined;
  #stats = { sent: 0, retried: 0 };

  #idPrefix: string;
  #onChange: (() => void) | undefined;

  constructor({
    host,
    reporter,
    idPrefix = '',
    contextFor = () => undefined,
    changed,
    ...options
  }: DeliveryQueueOptions) {
    this.#host = host;
    this.#contextFor = contextFor;
    this.#reporter = reporter;
    this.#idPrefix = idPrefix;
    this.#onChange = changed;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** The settings in force. */
  get options(): Readonly<DeliveryOptions> {
    return this.#options;
  }

  /** Applies new settings; they take effect from the next event, batch, call or retry. */
  configure(options: DeliveryOptions): void {
    this.#options = { ...options };
  }

  /** Tells `keeper` (persistence) of every event held, changed and gone from now on. */
  keep(keeper: QueueKeeper | undefined): void {
    this.#keeper = keeper ?? NO_KEEPER;
  }

  /** Events held now: waiting for ids, queued, in flight or awaiting retry. */
  get size(): number {
    return this.#waiting.length + this.#pendingCount + (this.#inFlight?.length ?? 0) + (this.#retry?.items.length ?? 0);
  }

  /** The stored size (in characters) of everything held and failed. */
  get heldSize(): number {
    return this.#size;
  }

  get stats(): DeliveryStats {
    return { ...this.#stats, failed: this.#failed.length, held: this.size };
  }

  /** Events given up after their last retry, oldest first. */
  get failed(): readonly QueuedEvent[] {
    return this.#failed;
  }

  /** Everything held, oldest first, then the failed events. */
  snapshot(): QueuedEvent[] {
    return [
      ...(this.#retry?.items ?? []),
      ...(this.#inFlight ?? []),
      ...this.#queued(),
      ...this.#waiting,
      ...this.#failed,
    ];
  }

  /**
   * Queues a valid event captured at `capturedAt`, stamped with `context` (or waiting for one when undefined, bound
   * to `binding` with `auto-context`); its id is `n` after the queue's `idPrefix`.
   * Returns false, and reports a drop, when the queue is full (by count or by size). `onSettled` is called once
   * with how delivery ended.
   */
  enqueue(
    n: number,
    event: CifKpiEvent,
    context: DeliveryContext | undefined,
    onSettled: ((outcome: DeliveryOutcome) => void) | undefined,
    size: number,
    capturedAt = Date.now(),
    binding?: ContextBinding,
  ): boolean {
    const waiters = onSettled ? [onSettled] : undefined;
    const counted = this.#withIds(size, context);
    const queued: QueuedEvent = new NumberedEvent(this.#idPrefix, n, event, context, capturedAt, counted, waiters);
    if (binding) queued.binding = binding;
    this.#reporter.queued(queued);
    if (!this.#fits(queued.size!) && !this.#makeRoom(queued.size!)) {
      this.#drop([queued], 'queue-full');
      return false;
    }
    this.#size += queued.size!;
    this.#admit(queued);
    this.#keeper.held(queued);
    this.#changed();
    this.#schedule();
    return true;
  }

  /**
   * Takes back events stored by an earlier page: held ones go before anything captured since (they are older),
   * failed ones back to `failed`. Events whose id is already held are skipped, and held ones beyond the queue's
   * bounds are dropped. Each comes with its `size` as normalising it again counted it. Returns how many were taken.
   */
  restore(items: readonly QueuedEvent[]): number {
    const known = new Set(this.snapshot().map((item) => item.id));
    const fresh = items.filter((item) => !known.has(item.id) && (known.add(item.id), true));
    if (fresh.length === 0) return 0;
    this.#reporter.restored(fresh);
    const held: QueuedEvent[] = [];
    const overflow: QueuedEvent[] = [];
    for (const item of fresh) {
      item.size = this.#withIds(item.size!, item.context);
      item.key = undefined;
      item.waiters = undefined;
      if (item.problem) continue;
      if (this.#fits(item.size, held.length)) {
        held.push(item);
        this.#size += item.size;
      } else overflow.push(item);
    }
    // Restored events are older than anything captured here, and may come from several earlier pages: everything
    // queued goes in the order it was captured (a merge of two lists in that order; of equal times, restored first).
    const queued = merge(
      held.sort((a, b) => a.heldSince - b.heldSince),
      this.#queued(),
    );
    const waiting = this.#waiting;
    this.#byKey.clear();
    this.#order = new Fifo();
    this.#pendingCount = 0;
    this.#waiting = [];
    for (const item of [...queued, ...waiting]) this.#admit(item);
    for (const item of fresh) {
      if (!item.problem) continue;
      item.state = 'failed';
      this.#size += item.size!;
      this.#failed.push(item);
    }
    for (const item of fresh) if (item.state !== undefined) this.#keeper.held(item);
    this.#trimFailed();
    if (overflow.length > 0) this.#drop(overflow, 'queue-full');
    this.#changed();
    this.#schedule();
    return fresh.length;
  }

  /** The ids in force, or a session's, changed: the events that waited and now have their ids are queued. */
  recheck(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    let queued = false;
    for (const item of waiting) {
      this.#admit(item);
      if (item.context) {
        this.#keeper.changed(item);
        queued = true;
      }
    }
    if (!queued) return;
    this.#changed();
    this.#schedule();
  }

  /**
   * Sends everything queued now without waiting for `flushDelay` (or a retry's backoff). Resolves once every
   * event queued before the call (not those waiting for ids) has been sent, given up or dropped; it waits for
   * the host to become usable.
   */
  flush(): Promise<void> {
    const items = [...(this.#retry?.items ?? []), ...(this.#inFlight ?? []), ...this.#queued()];
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let remaining = items.length;
      const settled = () => {
        if (--remaining > 0) return;
        this.#flushing -= 1;
        resolve();
      };
      for (const item of items) (item.waiters ??= []).push(settled);
      this.#flushing += 1;
      if (this.#retry) this.#retry.notBefore = 0;
      this.pump();
    });
  }

  /** Puts the failed events back in the queue with fresh retries. Resolves when they have been tried. */
  retryFailed(): Promise<void> {
    if (this.#failed.length === 0) return Promise.resolve();
    const failed = this.#failed;
    this.#failed = [];
    for (const item of failed) {
      item.attempts = 0;
      item.problem = undefined;
      this.#admit(item);
      this.#keeper.changed(item);
    }
    this.#changed();
    return this.flush();
  }

  /** Stops sending (and its timers) until `resume()`; events are still accepted. */
  pause(): void {
    this.#paused = true;
    this.#clearTimer();
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  /** Whether the CIF library is usable now. */
  get hostReady(): boolean {
    return this.#host.framework !== undefined;
  }

  /**
   * Waits for the CIF library if it is not usable (once at a time): when it is, the reporter hears of it and
   * what is queued is sent. Called whenever there is something to send and no library, so a library that goes away
   * is waited for again.
   */
  watchHost(): void {
    if (this.#hostWait || this.#host.framework) return;
    this.#hostWait = this.#host.whenReady(() => {
      this.#hostWait = undefined;
      this.#reporter.hostReady();
      this.pump();
    });
  }

  /**
   * Lets go of its timers and of its wait for the CIF library; for a queue that holds nothing (its logger left the
   * page): anything held from now on takes them again.
   */
  rest(): void {
    this.#clearTimer();
    clearTimeout(this.#contextTimer);
    this.#contextTimer = undefined;
    this.#hostWait?.();
    this.#hostWait = undefined;
  }

  /** Tries to send now. */
  pump(): void {
    if (this.#paused || this.#inFlight || !(this.#retry || this.#pendingCount)) return;
    const framework = this.#host.framework;
    if (!framework) return this.watchHost();
    let batch: QueuedEvent[];
    if (this.#retry) {
      const wait = this.#retry.notBefore - Date.now();
      if (wait > 0) {
        this.#setTimer(wait);
        return;
      }
      batch = this.#retry.items;
      this.#retry = undefined;
      this.#stats.retried += batch.length;
      for (const item of batch) item.state = 'in-flight';
    } else {
      batch = this.#takeBatch(); // in flight already
    }
    this.#clearTimer();
    this.#inFlight = batch;
    const call = buildCall(
      batch[0]!.context!,
      batch.map((item) => item.event),
    );
    void callLogAnalyticsEvent(framework, call, this.#options.callTimeout).then((outcome) =>
      this.#onAnswer(batch, call, outcome),
    );
  }

  #onAnswer(sentBatch: QueuedEvent[], call: CifAnalyticsCall, outcome: CallOutcome): void {
    this.#inFlight = undefined;
    // Events an earlier attempt's late answer delivered meanwhile are done, whatever this answer is.
    const batch = sentBatch.filter((item) => item.state === 'in-flight');
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
      if (attempts > this.#options.maxRetries) {
        this.#reporter.attemptFailed(call, batch, outcome.problem, undefined);
        this.#giveUp(batch, outcome.problem);
      } else {
        const delay = this.#flushing > 0 ? 0 : retryDelay(attempts, this.#options.retryDelay);
        for (const item of batch) item.state = 'retry';
        this.#retry = { items: batch, notBefore: Date.now() + delay };
        this.#reporter.attemptFailed(call, batch, outcome.problem, delay);
      }
    }
    this.#changed();
    // Events that arrived during the call have waited long enough: send them now.
    this.pump();
  }

  /** A call that timed out was accepted after all: its events count as sent, wherever they are now, once. */
  #acceptedLate(batch: readonly QueuedEvent[], call: CifAnalyticsCall, result: unknown): void {
    const late = batch.filter((item) => item.state !== 'done');
    if (late.length === 0) return;
    const lateSet = new Set(late);
    const keep = (item: QueuedEvent) => !lateSet.has(item);
    if (this.#retry) {
      this.#retry.items = this.#retry.items.filter(keep);
      if (this.#retry.items.length === 0) this.#retry = undefined;
    }
    // One in flight again is done now: that call's answer is then ignored.
    if (this.#inFlight) this.#inFlight = this.#inFlight.filter(keep);
    this.#failed = this.#failed.filter(keep);
    for (const item of late) {
      if (item.state !== 'pending') continue;
      this.#byKey.get(item.key!)?.retain(keep);
      this.#pendingCount -= 1; // passed over when it reaches the front of the capture order, once sent below
    }
    this.#sent(late, call, result);
    this.#changed();
    this.pump();
  }

  #sent(batch: QueuedEvent[], call: CifAnalyticsCall, result: unknown): void {
    this.#stats.sent += batch.length;
    this.#settle(batch, { status: 'sent', call, result });
    this.#reporter.sent(call, batch, result);
  }

  #giveUp(batch: QueuedEvent[], reason: CifKpiProblem): void {
    for (const item of batch) {
      item.problem = reason;
      item.state = 'failed';
      this.#keeper.changed(item);
    }
    this.#failed.push(...batch);
    this.#settleWaiters(batch, { status: 'failed', problem: reason });
    this.#reporter.failed(batch, reason);
    this.#trimFailed();
  }

  /**
   * Whether an event of `size` fits the bounds: count (`maxQueue` held) and size (`maxQueueBytes`, counting failed
   * events too). `extra` events are about to be added.
   */
  #fits(size: number, extra = 0): boolean {
    return this.size + extra < this.#options.maxQueue && (this.#size + size) * 2 <= this.#options.maxQueueBytes;
  }

  /**
   * Makes room for an event of `size` by dropping the oldest failed events (`failed-overflow`): events given up
   * on make way for new ones. False when even that is not enough.
   */
  #makeRoom(size: number): boolean {
    if (this.size >= this.#options.maxQueue) return false;
    let n = 0;
    let total = this.#size + size;
    while (n < this.#failed.length && total * 2 > this.#options.maxQueueBytes) total -= this.#failed[n++]!.size!;
    if (total * 2 > this.#options.maxQueueBytes) return false;
    this.#drop(this.#failed.splice(0, n), 'failed-overflow', false);
    return true;
  }

  /** Failed events are kept for `retryFailed()` within the bounds: the oldest go first. */
  #trimFailed(): void {
    let excess = Math.max(0, this.#failed.length - this.#options.maxQueue);
    let size = this.#size;
    while (excess < this.#failed.length && size * 2 > this.#options.maxQueueBytes)
      size -= this.#failed[excess++]!.size!;
    if (excess > 0) this.#drop(this.#failed.splice(0, excess), 'failed-overflow', false);
  }

  /** Drops events; `settle` is false for failed events, whose waiters heard already. */
  #drop(items: QueuedEvent[], reason: DropReason, settle = true): void {
    if (settle) this.#settle(items, { status: 'dropped', reason });
    else this.#release(items);
    this.#reporter.dropped(items, reason);
    this.#changed();
  }

  /** `size` and, when they differ from the last ones counted, the stored size of `context`. */
  #withIds(size: number, context: DeliveryContext | undefined): number {
    if (context === undefined || context === this.#counted) return size;
    this.#counted = context;
    return size + JSON.stringify(context).length + 1;
  }

  /** Places an event by whether its ids are complete; one without them takes its ids if they are known now. */
  #admit(item: QueuedEvent): void {
    if (!item.context) {
      const context = this.#contextFor(item);
      if (context) this.#stamp(item, context);
    }
    if (!item.context) {
      item.state = 'waiting';
      this.#waiting.push(item);
      this.#armContextTimer();
      return;
    }
    const key = batchKey(item.context, item.event);
    item.key = key;
    item.state = 'pending';
    let list = this.#byKey.get(key);
    if (list === undefined) this.#byKey.set(key, (list = new Fifo()));
    list.push(item);
    this.#order.push(item);
    this.#pendingCount += 1;
  }

  /** The queued events in capture order (an event queued again, by `retryFailed()`, is listed once). */
  #queued(): QueuedEvent[] {
    return [...new Set(this.#order.toArray().filter((item) => item.state === 'pending'))];
  }

  #armContextTimer(): void {
    if (this.#contextTimer !== undefined || this.#waiting.length === 0) return;
    const oldest = this.#waiting[0]!.heldSince;
    const wait = Math.max(0, oldest + this.#options.contextTimeout - Date.now());
    this.#contextTimer = setTimeout(() => {
      this.#contextTimer = undefined;
      const limit = Date.now() - this.#options.contextTimeout;
      const expired = this.#waiting.filter((item) => item.heldSince <= limit);
      if (expired.length > 0) {
        this.#waiting = this.#waiting.filter((item) => item.heldSince > limit);
        this.#drop(expired, 'context-timeout');
      }
      this.#armContextTimer();
    }, wait);
  }

  #schedule(): void {
    if (this.#paused || this.#inFlight) return;
    const urgent = this.#retry !== undefined || this.#flushing > 0 || this.#headBatchIsFull();
    // A send is already due (the hot path of a burst), or nothing can be sent without a host: the host watcher
    // (watching while there is something to send) calls pump() when it appears.
    if (!urgent && this.#timer !== undefined) return;
    if (!this.#host.framework) return this.pump();
    if (urgent) this.pump();
    else if (this.#pendingCount > 0) this.#setTimer(this.#options.flushDelay);
  }

  #setTimer(delay: number): void {
    const at = Date.now() + Math.max(0, delay);
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Infinity;
        this.pump();
      },
      Math.max(0, delay),
    );
  }

  /** Gives an event that waited the ids it is sent with, counting their size. */
  #stamp(item: QueuedEvent, context: DeliveryContext): void {
    item.context = context;
    const size = this.#withIds(item.size!, context);
    if (item.state !== undefined) this.#size += size - item.size!;
    item.size = size;
  }

  /** The oldest queued event (events taken since their turn in the capture order are passed over). */
  #head(): QueuedEvent | undefined {
    let head = this.#order.peek();
    while (head !== undefined && head.state !== 'pending') {
      this.#order.shift();
      head = this.#order.peek();
    }
    return head;
  }

  #headBatchIsFull(): boolean {
    const head = this.#head();
    return head !== undefined && this.#byKey.get(head.key!)!.length >= this.#options.maxBatch;
  }

  /** The oldest event and every later one with the same key, up to `maxBatch`, in capture order. */
  #takeBatch(): QueuedEvent[] {
    const key = this.#head()!.key!;
    const list = this.#byKey.get(key)!;
    const batch: QueuedEvent[] = [];
    for (let n = Math.min(list.length, Math.max(1, this.#options.maxBatch)); n > 0; n--) {
      const item = list.shift()!;
      item.state = 'in-flight';
      batch.push(item);
    }
    if (list.length === 0) this.#byKey.delete(key);
    this.#pendingCount -= batch.length;
    return batch;
  }

  /** Events done with: their waiters hear how it ended, and they leave the bounds and storage. */
  #settle(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
    this.#settleWaiters(items, outcome);
    this.#release(items);
  }

  #settleWaiters(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
    for (const item of items) {
      const waiters = item.waiters;
      if (waiters === undefined) continue; // the common case: nobody awaits it
      item.waiters = undefined;
      for (const waiter of waiters) waiter(outcome);
    }
  }

  #release(items: readonly QueuedEvent[]): void {
    for (const item of items) {
      if (item.state === undefined || item.state === 'done') continue; // never admitted, or released already
      item.state = 'done';
      this.#size -= item.size!;
      this.#keeper.gone(item);
    }
  }

  /** What it holds changed: the reporter hears it, then `changed`. */
  #changed(): void {
    this.#reporter.changed();
    this.#onChange?.();
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}

/** Two lists in capture order as one, in capture order; of equal times, `first`'s go first. */
function merge(first: QueuedEvent[], second: QueuedEvent[]): QueuedEvent[] {
  const out: QueuedEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) {
    out.push(first[i]!.heldSince <= second[j]!.heldSince ? first[i++]! : second[j++]!);
  }
  return out.concat(first.slice(i), second.slice(j));
}
