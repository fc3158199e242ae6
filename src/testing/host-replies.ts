/**
 * How the simulated host answers a `logAnalyticsEvent` call: the replies a test scripts, and each error shape the real
 * library rejects with. Like the real library it gives up on a call after its timeout, and a later answer is lost.
 */

/** The message of the real library's timeout rejection. */
export const LIBRARY_TIMEOUT_MESSAGE = 'Timeout occurred as no response was received from listener window';

/** How the host answers one call. */
export type HostReply =
  | { kind: 'resolve'; value?: unknown; delay?: number }
  | {
      kind: 'reject';
      /** `failure`: the host's own failure answer, `Map{value: "Failure"}` (no message). */
      shape: 'map' | 'json' | 'object' | 'error' | 'failure';
      message: string;
      name?: string;
      delay?: number;
    }
  | { kind: 'throw'; message: string }
  /** The host never answers: the library rejects after `libraryTimeout` (never, when that is null). */
  | { kind: 'stall' };

export interface RecordedCall {
  /** The `data` argument as the host received it (a structured clone). */
  data: unknown;
  eventName: unknown;
  correlationId: unknown;
  /** How many arguments were passed (2 when `correlationId` was omitted). */
  argumentCount: number;
  /** `performance.now()` when the call was made. */
  at: number;
  reply: HostReply;
  /**
   * How the call ended, once it has: `timed-out` when the library gave up waiting (the host may still have
   * processed it: its answer is lost).
   */
  outcome?: 'resolved' | 'rejected' | 'threw' | 'timed-out';
  /** Contract violations found in the call; empty for a valid call. */
  violations: string[];
}

/** Runs `fn` after `delay` ms, on a timer the host cancels when it is uninstalled. */
export type Later = (fn: () => void, delay: number) => void;

/**
 * The answer to a recorded call, as its reply says: a promise that settles after the reply's delay (or `latency`),
 * or rejects with the library's timeout after `libraryTimeout`; a `throw` reply throws now. `settled` is told once
 * the call has ended (its `outcome` set).
 */
export function answer(
  call: RecordedCall,
  { later, latency, libraryTimeout }: { later: Later; latency: number; libraryTimeout: number | null },
  settled: (call: RecordedCall) => void,
): Promise<string> {
  const { reply } = call;
  if (reply.kind === 'throw') {
    call.outcome = 'threw';
    settled(call);
    throw new TypeError(reply.message);
  }
  return new Promise<string>((resolve, reject) => {
    const settle = (outcome: NonNullable<RecordedCall['outcome']>, answer: () => void) => {
      if (call.outcome !== undefined) return; // the library already gave up: the answer is lost
      call.outcome = outcome;
      answer();
      settled(call);
    };
    if (libraryTimeout !== null) {
      later(() => settle('timed-out', () => reject(new Map([['message', LIBRARY_TIMEOUT_MESSAGE]]))), libraryTimeout);
    }
    if (reply.kind === 'stall') return;
    later(() => {
      if (reply.kind === 'resolve') settle('resolved', () => resolve((reply.value ?? 'Success') as string));
      else settle('rejected', () => reject(hostError(reply)));
    }, reply.delay ?? latency);
  });
}

function hostError(reply: Extract<HostReply, { kind: 'reject' }>): unknown {
  const name = reply.name ?? 'logAnalyticsEvent';
  switch (reply.shape) {
    case 'map':
      return new Map([
        ['message', reply.message],
        ['msdyn_name', name],
      ]);
    case 'json':
      return JSON.stringify({ message: reply.message, msdyn_name: name });
    case 'object':
      return { message: reply.message, msdyn_name: name };
    case 'error':
      return new Error(reply.message);
    case 'failure':
      return new Map([['value', 'Failure']]);
  }
}
