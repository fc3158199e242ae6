/** A problem or warning the logger reported, counted: the inspector lists each once. */
export interface ActivityProblem {
  kind: 'error' | 'warning';
  code: string;
  message: string;
  count: number;
  /** Epoch ms of the last time. */
  at: number;
}

/** The most problems counted apart; the oldest goes first. */
const MAX_PROBLEMS = 50;

/**
 * Counts a problem or warning under `source` (its code and field, or whatever tells it apart) in `problems`, which
 * keeps them in the order they were last seen. The reporter counts them always, so that an inspector opened later
 * lists what was reported before.
 */
export function countProblem(
  problems: Map<string, ActivityProblem>,
  kind: ActivityProblem['kind'],
  code: string,
  source: string,
  message: string,
  at = Date.now(),
): void {
  const key = `${kind} ${code} ${source}`;
  const known = problems.get(key);
  problems.delete(key);
  problems.set(key, { kind, code, message, count: (known?.count ?? 0) + 1, at });
  if (problems.size > MAX_PROBLEMS) problems.delete(problems.keys().next().value!);
}
