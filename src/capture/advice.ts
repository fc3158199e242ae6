/**
 * Advice about the set-up (events outside every scope, unknown markup attributes, a rule outside a logger): its
 * words are a part loaded the first time there is something to say.
 */
import { lazy } from '../vocabulary/lazy.js';

export const loadAdvice = lazy(() => import('./capture-advice.js'));

/** Gives `say` the advice part; if it cannot be loaded, or `say` throws, nothing is said (nor thrown). */
export function withAdvice(say: (advice: typeof import('./capture-advice.js')) => void): void {
  loadAdvice()
    .then(say)
    .catch(() => {});
}
