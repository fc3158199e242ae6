/**
 * What is said when storage cannot be used: a chunk of its own, loaded only when storage fails (a page whose
 * storage works never loads it).
 */
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';

/**
 * What went wrong with storage: it is not there, it cannot be read or written (with what it threw), or the code
 * that reads back an earlier page's events could not be loaded.
 */
export type StorageFault = { missing: true } | { read: unknown } | { write: unknown } | { reader: unknown };

/**
 * The `storage-unavailable` problem for `fault`; `kept`, for a write storage refused, is how many events are now
 * in memory only.
 */
export function storageProblem(fault: StorageFault, kept?: number): CifKpiProblem {
  if ('reader' in fault) {
    return problem(
      'storage-unavailable',
      `The code that reads back events an earlier page stored could not be loaded (${describeError(fault.reader)}); they stay stored for the next page`,
    );
  }
  const what =
    'read' in fault
      ? `sessionStorage cannot be read: ${describeError(fault.read)}`
      : 'write' in fault
        ? `the queue could not be stored: ${describeError(fault.write)}`
        : 'sessionStorage is not available on this page';
  const events = kept === undefined ? 'events are' : kept === 1 ? '1 event is' : `${kept} events are`;
  const until = kept === undefined ? '' : ' until it has room';
  return problem('storage-unavailable', `${what}; ${events} kept in memory only and will not survive a reload${until}`);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
