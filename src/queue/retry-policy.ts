/**
 * Delay before retry number `attempt` (1 for the first retry): exponential backoff from `baseDelay`, capped at
 * `maxDelay`, with "equal jitter" — half the delay is fixed, half random — so that many loggers failing together
 * do not retry in lockstep, while no retry comes sooner than half its nominal delay.
 */
export function retryDelay(
  attempt: number,
  baseDelay: number,
  maxDelay = 60_000,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(maxDelay, baseDelay * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
