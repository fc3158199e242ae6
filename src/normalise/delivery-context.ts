/**
 * The ids in force on a logger: read from its attributes, checked against the CIF contract, and turned into
 * the arguments of one `logAnalyticsEvent` call.
 */
import {
  CALL_FIELDS,
  CIF_LIMITS,
  CONTEXT_FIELDS,
  GUID_PATTERN,
  REQUIRED_CONTEXT_FIELDS,
  type CallField,
  type CifAnalyticsCall,
  type CifAnalyticsData,
  type CifKpiEvent,
  type DeliveryContext,
} from '../vocabulary/cif-contract.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';

/** The ids and call arguments in force on the logger, as its attributes give them. */
export type ContextInput = { readonly [field in CallField]?: string | null };

export type ContextState =
  | { status: 'complete'; context: DeliveryContext }
  | { status: 'incomplete'; missing: Array<(typeof REQUIRED_CONTEXT_FIELDS)[number]> }
  | { status: 'invalid'; problem: CifKpiProblem };

export interface ResolvedContext {
  state: ContextState;
  /** Set when `correlation-id` is given but is not a GUID (it is then left out of calls). */
  correlationProblem?: CifKpiProblem;
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

  const missing = REQUIRED_CONTEXT_FIELDS.filter((f) => ids[f] === undefined);
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
function eventNameFor(context: DeliveryContext, event: CifKpiEvent): string {
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

/**
 * The context in force on a logger, resolved again only after an id changed (`invalidate()`), so that an event
 * captured right after a change gets the new ids while a burst resolves them once. A `correlation-id` that is not
 * a GUID is reported once per distinct value.
 */
export class ContextTracker {
  #input: ContextInput;
  #onChange: (state: ContextState, correlationProblem: CifKpiProblem | undefined) => void;
  #state: ContextState = { status: 'incomplete', missing: [...REQUIRED_CONTEXT_FIELDS] };
  #dirty = true;
  #correlationMessage: string | undefined;

  /**
   * `input` is read on each resolve; `onChange` hears each new state, with the correlation problem when it is new.
   */
  constructor(
    input: ContextInput,
    onChange: (state: ContextState, correlationProblem: CifKpiProblem | undefined) => void,
  ) {
    this.#input = input;
    this.#onChange = onChange;
  }

  /** An id or call argument changed: the next `current()` resolves again. */
  invalidate(): void {
    this.#dirty = true;
  }

  /** The context in force now. */
  current(): ContextState {
    if (!this.#dirty) return this.#state;
    this.#dirty = false;
    const { state, correlationProblem } = resolveContext(this.#input);
    this.#state = state;
    const message = correlationProblem?.message;
    const isNew = message !== undefined && message !== this.#correlationMessage;
    this.#correlationMessage = message;
    this.#onChange(state, isNew ? correlationProblem : undefined);
    return state;
  }
}

/** Whether a property name is one of the ids or call arguments a context is resolved from. */
export function isCallField(name: PropertyKey): name is CallField {
  return (CALL_FIELDS as readonly PropertyKey[]).includes(name);
}
