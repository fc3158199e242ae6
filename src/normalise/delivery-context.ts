import { CIF_LIMITS, CONTEXT_FIELDS, GUID_PATTERN } from './cif-limits.js';
import type { CifKpiEvent } from './kpi-event.js';
import { problem, type CifKpiProblem } from '../report/problems.js';

/** The ids and call arguments in force on the logger, as its attributes give them. */
export interface ContextInput {
  conversationId?: string | null;
  providerSessionId?: string | null;
  clientSessionId?: string | null;
  participantId?: string | null;
  eventName?: string | null;
  correlationId?: string | null;
}

/** A complete, valid context: what every event is stamped with at capture time. */
export interface DeliveryContext {
  conversationId: string;
  providerSessionId: string;
  clientSessionId?: string;
  participantId?: string;
  /** The `eventName` argument; when absent each event's `kpiEventName` is used. */
  eventName?: string;
  /** A GUID, or absent. */
  correlationId?: string;
}

export type ContextState =
  | { status: 'complete'; context: DeliveryContext }
  | { status: 'incomplete'; missing: Array<'conversationId' | 'providerSessionId'> }
  | { status: 'invalid'; problem: CifKpiProblem };

export interface ResolvedContext {
  state: ContextState;
  /** Set when `correlation-id` is given but is not a GUID (it is then left out of calls). */
  correlationProblem?: CifKpiProblem;
}

/** The `data` argument of `logAnalyticsEvent`: exactly the documented fields. */
export interface CifAnalyticsData {
  conversationId: string;
  providerSessionId: string;
  clientSessionId?: string;
  participantId?: string;
  events: CifKpiEvent[];
}

/** One `logAnalyticsEvent(data, eventName, correlationId?)` call. */
export interface CifAnalyticsCall {
  data: CifAnalyticsData;
  eventName: string;
  correlationId?: string;
}

const clean = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/** Reads the context from the logger's attribute values and checks it against the CIF contract. */
export function resolveContext(input: ContextInput): ResolvedContext {
  const ids: Partial<Record<(typeof CONTEXT_FIELDS)[number], string>> = {};
  for (const field of CONTEXT_FIELDS) {
    const value = clean(input[field]);
    if (value === undefined) continue;
    if (value.length > CIF_LIMITS[field]) {
      return {
        state: {
          status: 'invalid',
          problem: problem(
            'invalid-context',
            `${field} is ${value.length} characters; its column holds ${CIF_LIMITS[field]}`,
            field,
          ),
        },
      };
    }
    ids[field] = value;
  }

  let correlationProblem: CifKpiProblem | undefined;
  let correlationId = clean(input.correlationId);
  if (correlationId !== undefined && !GUID_PATTERN.test(correlationId)) {
    correlationProblem = problem(
      'invalid-correlation-id',
      `correlation-id "${correlationId.slice(0, 60)}" is not a GUID (8-4-4-4-12 hex digits); it is left out of calls`,
      'correlationId',
    );
    correlationId = undefined;
  }

  const missing = (['conversationId', 'providerSessionId'] as const).filter((f) => ids[f] === undefined);
  if (missing.length > 0) return { state: { status: 'incomplete', missing }, correlationProblem };

  const context: DeliveryContext = {
    conversationId: ids.conversationId!,
    providerSessionId: ids.providerSessionId!,
  };
  if (ids.clientSessionId) context.clientSessionId = ids.clientSessionId;
  if (ids.participantId) context.participantId = ids.participantId;
  const eventName = clean(input.eventName);
  if (eventName) context.eventName = eventName;
  if (correlationId) context.correlationId = correlationId;
  return { state: { status: 'complete', context }, correlationProblem };
}

/** The `eventName` argument for an event sent in `context`. */
export function eventNameFor(context: DeliveryContext, event: CifKpiEvent): string {
  return context.eventName ?? event.kpiEventName;
}

/** Per context, the key of each event name seen: the same string every time, so its hash is computed once. */
const contextKeys = new WeakMap<DeliveryContext, Map<string, string>>();

/** Events with equal keys may share one call's `events[]`. */
export function batchKey(context: DeliveryContext, event: CifKpiEvent): string {
  let keys = contextKeys.get(context);
  if (keys === undefined) {
    keys = new Map();
    contextKeys.set(context, keys);
  }
  const name = eventNameFor(context, event);
  let key = keys.get(name);
  if (key === undefined) {
    const ids = [
      context.conversationId,
      context.providerSessionId,
      context.clientSessionId ?? null,
      context.participantId ?? null,
      context.correlationId ?? null,
    ];
    key = JSON.stringify([...ids, name]);
    // A page with endless distinct names must not grow this without bound: the key is only ever compared.
    if (keys.size < 1000) keys.set(name, key);
  }
  return key;
}

/** Builds one call for events that share a batch key (the first one's context is used). */
export function buildCall(context: DeliveryContext, events: CifKpiEvent[]): CifAnalyticsCall {
  const data: Omit<CifAnalyticsData, 'events'> = {
    conversationId: context.conversationId,
    providerSessionId: context.providerSessionId,
  };
  if (context.clientSessionId) data.clientSessionId = context.clientSessionId;
  if (context.participantId) data.participantId = context.participantId;
  const call: CifAnalyticsCall = { data: { ...data, events }, eventName: eventNameFor(context, events[0]!) };
  if (context.correlationId) call.correlationId = context.correlationId;
  return call;
}
