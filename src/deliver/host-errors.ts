/**
 * Reading the host's refusals: a chunk of its own, loaded when a call is first refused (a host that accepts every
 * call never loads it). The CIF host rejects in several shapes; this reduces each to one readable problem.
 */
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';

/** How Microsoft's CIF library rejects a call it stopped waiting for (after 10 s; it never re-sends one). */
const LIBRARY_TIMEOUT = /^Timeout occurred as no response was received/i;

export function hostRejection(reason: unknown): CifKpiProblem {
  const message = hostErrorMessage(reason);
  return LIBRARY_TIMEOUT.test(message)
    ? problem('host-timeout', `The CIF library stopped waiting for the host's answer: ${message}`)
    : problem('host-rejected', message);
}

/**
 * The CIF host rejects with a `Map` (`message`, `msdyn_name`; or the host's own failure answer, `value:
 * "Failure"`, with no message), a JSON string, a plain object or an Error, depending on API and version. This
 * reduces all of them to one readable message, reading objects' own fields only.
 */
export function hostErrorMessage(reason: unknown): string {
  const fallback = 'The CIF host rejected the call without a message';
  try {
    if (reason instanceof Map) {
      return fromFields(reason.get('message'), reason.get('msdyn_name')) ?? answered(reason.get('value')) ?? fallback;
    }
    if (typeof reason === 'string') {
      const text = reason.trim();
      if (text.startsWith('{')) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (typeof parsed === 'object' && parsed !== null) return hostErrorMessage(parsed);
        } catch {
          // Not JSON after all: the string is the message.
        }
      }
      return text || fallback;
    }
    if (reason instanceof Error) return reason.message || reason.name || fallback;
    if (typeof reason === 'object' && reason !== null) {
      return (
        fromFields(
          own(reason, 'message') ?? own(reason, 'Message') ?? own(reason, 'errorMsg'),
          own(reason, 'msdyn_name'),
        ) ??
        answered(own(reason, 'value')) ??
        (JSON.stringify(reason) === '{}' ? fallback : JSON.stringify(reason))
      );
    }
    return reason === undefined || reason === null ? fallback : String(reason);
  } catch {
    return fallback;
  }
}

/** The host's answer without a message, such as its own `"Failure"`. */
function answered(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? `The CIF host answered "${value.trim()}"` : undefined;
}

function fromFields(message: unknown, name: unknown): string | undefined {
  const text = typeof message === 'string' && message.trim() ? message.trim() : undefined;
  const label = typeof name === 'string' && name.trim() ? name.trim() : undefined;
  if (text && label && !text.includes(label)) return `${text} (${label})`;
  return text ?? label;
}
