/**
 * Which ids each of a logger's events is sent with. An event is stamped when it is heard, with the ids in force then
 * (`stampNow`): a later change of ids never moves it to another conversation. Heard while they are missing, it waits
 * in the queue and takes the next ids in force (`idsFor`). With `auto-context`, unless a session of this provider is
 * known to be focused, it is bound to the session the focus decides, and takes that session's ids
 * (`session-context.ts`). `waitingFor` tells the stall hints which ids held events wait for.
 */
import {
  ContextBinding,
  resolveContext,
  type ContextInput,
  type ContextTracker,
} from '../normalise/delivery-context.js';
import type { QueuedEvent } from '../queue/queued-event.js';
import type { StallView } from '../report/stall-reasons.js';
import { CALL_FIELDS, type DeliveryContext } from '../vocabulary/cif-contract.js';
import type { CifAwareFeatures } from './cif-aware-features.js';

/** What an event is stamped with when heard: its ids, or with `auto-context` its binding; none while they are missing. */
export type Stamp = DeliveryContext | ContextBinding | undefined;

/** The logger's element: its ids as its properties hold them now, and whether `auto-context` is on. */
type Logger = ContextInput & { readonly autoContext: boolean };
/** `auto-context`'s sessions, while it is on (see `CifAwareFeatures`). */
type Sessions = CifAwareFeatures['sessions'];

/** With `auto-context`, the binding of an event read back without one: no session, the ids set on the logger. */
const UNBOUND = new ContextBinding(undefined, 0);
UNBOUND.s = null;

/**
 * What an event heard now is sent with: the ids in force (`context`) when they are complete; with `auto-context`,
 * unless a session of this provider is known to be focused, what it waits for (its session is decided by the focus).
 */
export function stampNow(logger: Logger, context: ContextTracker, sessions: Sessions): Stamp {
  const ids = complete(context);
  if (!logger.autoContext || (ids && sessions?.focused)) return ids;
  const explicit: Record<string, unknown> = {};
  for (const field of CALL_FIELDS) explicit[field] = logger[field];
  const binding = new ContextBinding(explicit, Date.now());
  sessions?.bind(binding);
  return binding;
}

/**
 * The ids an event held without them is sent with, once there are: with `auto-context`, its session's and the ids
 * set then (an event read back without a session is bound to none); otherwise the ids in force once complete.
 */
export function idsFor(
  item: QueuedEvent,
  logger: Logger,
  context: ContextTracker,
  sessions: Sessions,
): DeliveryContext | undefined {
  return logger.autoContext ? sessions?.resolve?.(item.binding ?? UNBOUND, logger) : complete(context);
}

/** What the events `held` wait for, for the stall hints: the ids missing, and whether some have no session. */
export function waitingFor(
  held: readonly QueuedEvent[],
  logger: Logger,
  context: ContextTracker,
): Pick<StallView, 'missingIds' | 'unbound'> {
  // With `auto-context`, events heard with no session focused wait for the ids set on the logger alone.
  const unbound = held.some((item) => item.state === 'waiting' && item.binding?.s === null);
  const state = unbound ? resolveContext(logger).state : context.current();
  return { missingIds: state.status === 'incomplete' ? state.missing : [], unbound };
}

/** The ids in force, once they are complete. */
function complete(context: ContextTracker): DeliveryContext | undefined {
  const state = context.current();
  return state.status === 'complete' ? state.context : undefined;
}
