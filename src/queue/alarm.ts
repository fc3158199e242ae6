/**
 * One timer that goes off at the earliest time it was set for: set again for a later time while it is set, it
 * keeps the earlier one. The sender's timers (its next send, the oldest event's wait for ids) are alarms.
 */
export interface Alarm {
  /** Sets it to go off in `delay` ms (now, if less than 0), unless it is set to go off sooner. */
  set(delay: number): void;
  clear(): void;
  /** Whether it is set. */
  isSet(): boolean;
}

/** An alarm that calls `ring` when it goes off. */
export function alarm(ring: () => void): Alarm {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let at = Infinity;
  const clear = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    at = Infinity;
  };
  return {
    set(delay) {
      const when = Date.now() + Math.max(0, delay);
      if (timer !== undefined && at <= when) return;
      clear();
      at = when;
      timer = setTimeout(
        () => {
          timer = undefined;
          at = Infinity;
          ring();
        },
        Math.max(0, delay),
      );
    },
    clear,
    isSet: () => timer !== undefined,
  };
}
