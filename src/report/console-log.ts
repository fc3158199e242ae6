/**
 * The logger's reports printed to the browser console, at the level the page chose (`log-level`): each line
 * prefixed `[cif-kpi-logger]`, with the same message as the event and the element, so that the console links it.
 * A problem repeated (same kind, code and field) is counted rather than printed again; the count is printed at its
 * 10th, 100th, 1000th… time. Nothing here may throw: a page's own `console` replacement is contained.
 */

import { DEFAULT_LOG_LEVEL, prints, type LogLevel } from '../vocabulary/log-level.js';

/** The most distinct problems counted; any further ones are counted together by kind and code. */
const MAX_KEYS = 500;

/** Prints at `level` (set by its owner); part of the diagnostics chunk. */
export class ConsoleLog {
  level: LogLevel = DEFAULT_LOG_LEVEL;
  #element: EventTarget;
  #seen = new Map<string, number>();

  constructor(element: EventTarget) {
    this.#element = element;
  }

  /** A problem, printed the first time its kind, code and source (its field) are seen, then counted. */
  problem(kind: 'error' | 'warn' | 'info', code: string, source: string | undefined, message: string): void {
    if (!this.prints(kind)) return;
    let key = `${kind} ${code} ${source ?? ''}`;
    if (!this.#seen.has(key) && this.#seen.size >= MAX_KEYS) key = `${kind} ${code} *`;
    const count = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, count);
    if (/^10*$/.test(String(count))) this.#print(kind, count === 1 ? message : `${message} (${count} times)`);
  }

  /** A line at `info` (each delivered call) or `debug` (each event); ask `prints` first to spare making it. */
  note(level: 'info' | 'debug', message: string): void {
    if (this.prints(level)) this.#print(level, message);
  }

  /** Whether lines of this level are printed. */
  prints(level: Exclude<LogLevel, 'none'>): boolean {
    return prints(this.level, level);
  }

  #print(method: 'error' | 'warn' | 'info' | 'debug', message: string): void {
    try {
      console[method]('[cif-kpi-logger]', message, this.#element);
    } catch {
      // The page's console threw: nothing more can be said.
    }
  }
}
