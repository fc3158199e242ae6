/**
 * Reporting: what became of each event and of the logger's set-up, told to the page. The one place that turns
 * capture and queue outcomes into the logger's DOM events (typed against their event map), keeps the inspector's
 * activity log, and counts what `stats` reports besides the queue's own counts. Every drop goes through one
 * method, so `stats.dropped` is always the sum of the `cif-kpi-dropped` counts.
 */
import type { CifAnalyticsCall, CifKpiEvent } from '../vocabulary/cif-contract.js';
import {
  type CifKpiLoggerEventMap,
  type CifKpiStats,
  type DeliveryStats,
  type DropReason,
} from '../vocabulary/logger-events.js';
import type { CifKpiProblem, CifKpiWarning } from '../vocabulary/problems.js';
import type { DeliveryReporter } from '../queue/delivery-reporter.js';
import type { QueuedEvent } from '../queue/queued-event.js';
import type { ActivityNote } from './activity-log.js';
import type { ActivityProblem } from './problem-count.js';
import type { Diagnostics, Said } from './diagnostics.js';
import { DEFAULT_LOG_LEVEL, prints, type LogLevel } from '../vocabulary/log-level.js';
import { StallHints } from './stall-hints.js';
import { lazy } from '../vocabulary/lazy.js';
import type { StalledLogger, StallView } from './stall-reasons.js';
import type { DebugInspector, InspectorActions, InspectorView } from './debug-inspector.js';

/**
 * The code that prints and counts what loggers report (the diagnostics chunk); loggers load it the first time they
 * have something to say, and say it synchronously from then on.
 */
export const loadDiagnostics = lazy(() => import('./diagnostics.js'));
/** The stall reasons, loaded the first time events have been held for a while. */
const loadStallReasons = lazy(() => import('./stall-reasons.js'));
/** The inspector and its activity log, loaded when `debug` is on. */
export const loadInspector = lazy(() => import('./debug-inspector.js'));

export class Reporter implements DeliveryReporter {
  #target: EventTarget;
  #counts = { captured: 0, invalid: 0, dropped: 0 };
  /** Drops of this task not yet fired, by reason: a burst is reported once per reason. */
  #drops = new Map<DropReason, { count: number; events: CifKpiEvent[] }>();
  /** Hears what becomes of each event, while the inspector is on (its activity log); nothing otherwise. */
  #tap: ((note: ActivityNote) => void) | undefined;
  #inspector: DebugInspector | undefined;
  /** What is printed to the console (`log-level`). */
  level: LogLevel = DEFAULT_LOG_LEVEL;
  /** Prints and counts what is said, once loaded. */
  #diagnostics: Diagnostics | undefined;
  /** Why events are still held, said after a while; looks with what `explainStalls` was given. */
  #stalls: StallHints | undefined;
  /** Each problem and warning reported, counted, for the inspector (even one opened later). */
  #problems = new Map<string, ActivityProblem>();

  constructor(target: EventTarget) {
    this.#target = target;
  }

  /**
   * Fires one of the logger's events on it: bubbling and composed, so the page can listen anywhere above it; and
   * prints it, at its level: errors and failures, warnings and drops, calls (`info`).
   */
  fire<K extends keyof CifKpiLoggerEventMap>(type: K, detail: CifKpiLoggerEventMap[K]): void {
    // A problem is always counted (an inspector opened later lists it); a call is printed at `info` only.
    if (type !== 'cif-kpi-sent' || prints(this.level, 'info')) this.#say({ type, detail } as Said);
    this.#target.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
  }

  /**
   * Hands what was said to the diagnostics (printed, counted), loading them the first time; what is said meanwhile
   * waits for them, in order. If they cannot be loaded, nothing is printed.
   */
  #say(said: Said): void {
    const diagnostics = loadDiagnostics.loaded;
    if (!this.#diagnostics && diagnostics) {
      this.#diagnostics = new diagnostics.Diagnostics(this.#target, this.#problems);
    }
    if (this.#diagnostics) {
      this.#diagnostics.say(said, this.level);
      this.refresh();
      return;
    }
    loadDiagnostics().then(
      () => this.#say(said),
      () => {},
    );
  }

  /** The counts of `stats`, given the queue's own. */
  stats({ sent, retried, failed, held }: DeliveryStats): CifKpiStats {
    const { captured, invalid, dropped } = this.#counts;
    return { captured, invalid, sent, retried, failed, dropped, held };
  }

  /** An event was heard or logged (valid or not); its warnings are told with the detail as it was given. */
  captured(warnings: readonly CifKpiWarning[], detail: unknown): void {
    this.#counts.captured += 1;
    // Shown on the event's row in the inspector, once it is queued or refused.
    this.#tap?.(['captured', Date.now(), warnings]);
    for (const warning of warnings) this.fire('cif-kpi-warning', { ...warning, event: detail });
  }

  /** A warning about the set-up, not about one event. */
  warn(warning: CifKpiWarning): void {
    this.fire('cif-kpi-warning', warning);
  }

  /**
   * From now on, events held for a while are explained from what `logger` and `missingIds` (the required ids it
   * lacks) show then; the code that explains is loaded only when it is needed (if it cannot be, nothing is said).
   */
  explainStalls(logger: StalledLogger, ids: () => Pick<StallView, 'missingIds' | 'unbound'>): void {
    const look = () => loadStallReasons().then(({ stallReasonsOf }) => stallReasonsOf(logger, ids()));
    this.#stalls = new StallHints(look, (warning) => this.warn(warning));
  }

  /** An event was refused: it is not delivered. */
  invalid(p: CifKpiProblem, detail: unknown): void {
    this.#counts.invalid += 1;
    this.#tap?.(['invalid', Date.now(), p, detail]);
    this.fire('cif-kpi-error', { ...p, event: detail });
  }

  /** A problem with the logger's set-up or with the page, not with one event. */
  error(p: CifKpiProblem, detail?: unknown): void {
    this.fire('cif-kpi-error', detail === undefined ? p : { ...p, event: detail });
  }

  /**
   * Events dropped without delivery: `events` are what can be shown of them (none for events dropped before
   * they were normalised), `count` how many. Reported once per reason per task, however many a burst drops.
   */
  #reportDrop(reason: DropReason, events: readonly CifKpiEvent[], count = events.length): void {
    this.#counts.dropped += count;
    const pending = this.#drops.get(reason);
    if (pending) {
      pending.count += count;
      pending.events.push(...events);
      return;
    }
    const drop = { count, events: [...events] };
    this.#drops.set(reason, drop);
    queueMicrotask(() => {
      // Its words are in the diagnostics chunk: the event waits for it the first time (drops made meanwhile join it).
      const fire = (message: string) => {
        this.#drops.delete(reason);
        this.fire('cif-kpi-dropped', { count: drop.count, reason, message, events: drop.events });
      };
      const diagnostics = loadDiagnostics.loaded;
      if (diagnostics) fire(diagnostics.dropMessage(reason, drop.count));
      else
        loadDiagnostics().then(
          ({ dropMessage }) => fire(dropMessage(reason, drop.count)),
          () => fire(`${drop.count} event(s) dropped: ${reason}`),
        );
    });
  }

  /**
   * Events dropped as they arrived, before they were normalised: heard while disabled, held for rules that could
   * not be loaded, or unreadable when taken over from storage. They count as captured and as dropped.
   */
  droppedOnArrival(reason: DropReason, count: number, detail?: unknown): void {
    this.#counts.captured += count;
    if (detail !== undefined) this.#tap?.(['arrived', Date.now(), reason, detail]);
    this.#reportDrop(reason, [], count);
  }

  // The queue's outcomes (DeliveryReporter).

  queued(item: QueuedEvent): void {
    this.#stalls?.held();
    if (prints(this.level, 'debug')) this.#say({ type: 'held', detail: `"${item.event.kpiEventName}" (${item.id})` });
    this.#tap?.(['queued', Date.now(), [item]]);
  }

  restored(items: readonly QueuedEvent[]): void {
    if (items.length > 0) this.#stalls?.held();
    this.#counts.captured += items.length;
    this.#tap?.(['restored', Date.now(), items]);
  }

  sent(call: CifAnalyticsCall, items: readonly QueuedEvent[], result: unknown): void {
    this.#tap?.(['sent', Date.now(), items, call]);
    this.fire('cif-kpi-sent', {
      data: call.data,
      eventName: call.eventName,
      correlationId: call.correlationId,
      result,
    });
  }

  attemptFailed(call: CifAnalyticsCall, items: readonly QueuedEvent[], p: CifKpiProblem, retryIn?: number): void {
    if (retryIn !== undefined) this.#tap?.(['retrying', Date.now(), items, `${p.message} (retry in ${retryIn} ms)`]);
    this.fire('cif-kpi-error', {
      ...p,
      call,
      events: call.data.events,
      attempt: items[0]!.attempts,
      ...(retryIn === undefined ? {} : { retryIn }),
    });
  }

  failed(items: readonly QueuedEvent[], error: CifKpiProblem): void {
    this.#tap?.(['failed', Date.now(), items, error.message]);
    this.fire('cif-kpi-failed', { events: items.map((item) => item.event), error, attempts: items[0]!.attempts });
  }

  dropped(items: readonly QueuedEvent[], reason: DropReason): void {
    this.#tap?.(['dropped', Date.now(), items, reason]);
    this.#reportDrop(
      reason,
      items.map((item) => item.event),
    );
  }

  changed(): void {
    this.refresh();
  }

  /** Its logger left the page and holds nothing: no look for stalled events is due. */
  rest(): void {
    this.#stalls?.rest();
  }

  hostReady(): void {
    this.refresh();
  }

  // The debug inspector.

  /**
   * Shows the inspector in `root`. Its code (and its activity log) is loaded now, once; what happens meanwhile is
   * kept, with its time, and listed when it arrives (at most the log's length of it).
   */
  showInspector(root: ShadowRoot, view: () => InspectorView, actions: InspectorActions): void {
    if (this.#tap) return;
    const early: ActivityNote[] = [];
    const keep = (note: ActivityNote) => void (early.push(note) > 200 && early.shift());
    this.#tap = keep;
    loadInspector().then(
      ({ DebugInspector, ActivityLog, activityTap }) => {
        if (this.#tap !== keep) return;
        const log = new ActivityLog(() => this.refresh(), undefined, this.#problems);
        const tap = activityTap(log);
        for (const note of early) tap(note);
        this.#tap = tap;
        this.#inspector = new DebugInspector(root, log, view, actions);
      },
      () => {}, // no inspector: the page goes on
    );
  }

  hideInspector(): void {
    this.#inspector?.destroy();
    this.#inspector = undefined;
    this.#tap = undefined;
  }

  /** Renders the inspector again on its next frame, if it is shown. */
  refresh(): void {
    this.#inspector?.schedule();
  }
}
