/**
 * Events still held a while after they were captured are explained once instead of left silent: 5 s after an
 * event is held, the reasons are looked for (`stall-reasons.ts`, loaded then) and each new one is said once while it
 * lasts, and again if it comes back.
 */
import type { CifKpiWarning } from '../vocabulary/problems.js';

/** How long events are held before the logger says why. */
export const STALL_HINT_DELAY = 5000;

/** Looks `STALL_HINT_DELAY` after an event is held, and says each new reason once. */
export class StallHints {
  #look: () => Promise<readonly CifKpiWarning[]>;
  #say: (warning: CifKpiWarning) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #said = new Set<CifKpiWarning['code']>();

  constructor(look: () => Promise<readonly CifKpiWarning[]>, say: (warning: CifKpiWarning) => void) {
    this.#look = look;
    this.#say = say;
  }

  /** Nothing is held any more (by a removed logger): the look that was due is not. */
  rest(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** An event was held: look again in `STALL_HINT_DELAY`, unless a look is already due. */
  held(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      void this.#look()
        .catch(() => [])
        .then((found) => {
          this.#timer = undefined;
          const codes = new Set(found.map((w) => w.code));
          for (const code of this.#said) if (!codes.has(code)) this.#said.delete(code);
          for (const warning of found) {
            if (this.#said.has(warning.code)) continue;
            this.#said.add(warning.code);
            this.#say(warning);
          }
          if (found.length > 0) this.held();
        });
    }, STALL_HINT_DELAY);
  }
}
