/**
 * How much a logger prints to the console (`log-level`): the levels, the default, and the level to use for a value
 * as given. The printing itself is in the diagnostics chunk (`console-log.ts`), loaded the first time there is
 * something to print.
 */
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';

/** How much the logger prints: nothing, errors, warnings too (the default), each delivered call, each event. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

/** The levels, least to most. */
export const LOG_LEVELS: readonly LogLevel[] = ['none', 'error', 'warn', 'info', 'debug'];

export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';

/** The level to use for a `log-level` as given, and what to say when it is not one (a removed one is the default). */
export function logLevel(given: unknown): { used: LogLevel; problem?: CifKpiProblem } {
  if (given === null || given === undefined) return { used: DEFAULT_LOG_LEVEL };
  if (LOG_LEVELS.includes(given as LogLevel)) return { used: given as LogLevel };
  const shown = JSON.stringify(String(given).slice(0, 40));
  const message = `log-level ${shown} is not one of ${LOG_LEVELS.join(', ')}: ${DEFAULT_LOG_LEVEL} is used`;
  return { used: DEFAULT_LOG_LEVEL, problem: problem('invalid-attribute', message, 'log-level') };
}

/** Whether a logger at `level` prints lines of level `line`. */
export function prints(level: LogLevel, line: Exclude<LogLevel, 'none'>): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(line);
}
