/**
 * What the logger says of its reports besides firing them: each error, warning, failure and drop printed to the
 * console at `log-level` and counted for the inspector's problem list; at `info` each call, at `debug` each event.
 * A chunk of its own, loaded the first time there is something to say (a problem, or a line at `info`/`debug`).
 */
import type { CifKpiLoggerEventMap, DropReason } from '../vocabulary/logger-events.js';
import type { CifKpiProblem } from '../vocabulary/problems.js';
import { ConsoleLog } from './console-log.js';
import type { LogLevel } from '../vocabulary/log-level.js';
import { countProblem, type ActivityProblem } from './problem-count.js';

/** What a reporter hands over: one of the logger's events, or an event held (`held`, said at `debug`). */
export type Said =
  | { [K in keyof CifKpiLoggerEventMap]: { type: K; detail: CifKpiLoggerEventMap[K] } }[keyof CifKpiLoggerEventMap]
  | { type: 'held'; detail: string };

export class Diagnostics {
  readonly console: ConsoleLog;
  #problems: Map<string, ActivityProblem>;

  /** `problems` is where problems are counted for the inspector (the reporter's). */
  constructor(target: EventTarget, problems: Map<string, ActivityProblem>) {
    this.console = new ConsoleLog(target);
    this.#problems = problems;
  }

  /** Prints and counts what was said, at `level`. */
  say({ type, detail }: Said, level: LogLevel): void {
    this.console.level = level;
    if (type === 'held') return this.console.note('debug', `held ${detail}`);
    if (type === 'cif-kpi-sent') {
      return this.console.note('info', `sent ${detail.data.events.length} event(s) as "${detail.eventName}"`);
    }
    let kind: 'error' | 'warn' | 'info' = 'warn';
    let code: string;
    let source: string | undefined;
    let message: string;
    if (type === 'cif-kpi-failed') {
      const { events, error, attempts } = detail;
      [kind, code, source] = ['error', error.code, 'failed'];
      message = `${events.length} event(s) given up after ${attempts} call(s): ${error.message}`;
    } else if (type === 'cif-kpi-dropped') {
      ({ reason: code, message } = detail);
      source = 'dropped';
    } else {
      ({ code, field: source, message } = detail as CifKpiProblem<string>);
      if (type === 'cif-kpi-error') kind = 'error';
      else if (code === 'placeholder-empty') {
        // Its source is the rule and placeholder, named before "read nothing"; it may be meant, so it is info.
        [kind, source] = ['info', message.slice(0, message.indexOf(' read nothing'))];
      }
    }
    this.console.problem(kind, code, source, message);
    countProblem(this.#problems, kind === 'error' ? 'error' : 'warning', code, source ?? '', message);
  }
}

/** Why events of each reason were dropped, as `cif-kpi-dropped` says it. */
const DROP_REASONS: Record<DropReason, string> = {
  'queue-full': 'more events were held than max-queue allows',
  'context-timeout': 'conversation-id and provider-session-id were not both set within context-timeout',
  disabled: 'the logger is disabled',
  'failed-overflow': 'more failed events were kept than max-queue allows (the oldest go first)',
  'rules-unavailable':
    'the <cif-kpi-rule> code was not there to map them (it could not be loaded, or the page went first)',
  'markup-unavailable':
    'the data-kpi markup code was not there to read them (it could not be loaded, or the page went first)',
  'stored-unreadable':
    'they could not be read back from storage after a reload (damaged or not written by this logger)',
  'before-load': 'they happened before the logger loaded, beyond the 500 the stub keeps',
};

/** The message of a `cif-kpi-dropped` event. */
export function dropMessage(reason: DropReason, count: number): string {
  return `${count === 1 ? '1 event was' : `${count} events were`} dropped: ${DROP_REASONS[reason]}`;
}
