/**
 * How much a logger prints to the console (`log-level`): the levels, the default, and the level to use for a value
 * as given (what to say of one that is not a level is in option-problems.ts). The printing itself is in the
 * diagnostics chunk (`console-log.ts`), loaded the first time there is something to print.
 */

/** How much the logger prints: nothing, errors, warnings too (the default), each delivered call, each event. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

/** The levels, least to most. */
export const LOG_LEVELS: readonly LogLevel[] = ['none', 'error', 'warn', 'info', 'debug'];

export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';

/** The level to use for a `log-level` as given: the default for a removed one or one that is not a level. */
export function logLevel(given: unknown): LogLevel {
  return LOG_LEVELS.includes(given as LogLevel) ? (given as LogLevel) : DEFAULT_LOG_LEVEL;
}

/** Whether a logger at `level` prints lines of level `line`. */
export function prints(level: LogLevel, line: Exclude<LogLevel, 'none'>): boolean {
  return RANK[level] >= RANK[line];
}

const RANK: Readonly<Record<LogLevel, number>> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };
