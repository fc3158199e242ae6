/**
 * The ids in force on a logger: read from its attributes, checked against the CIF contract, and turned into
 * the arguments of one `logAnalyticsEvent` call.
 */
import {
  CALL_FIELDS,
  CIF_LIMITS,
  GUID_PATTERN,
  REQUIRED_CONTEXT_FIELDS,
  type CallField,
  type CifAnalyticsCall,
  type CifAnalyticsData,
  type CifKpiEvent,
  type DeliveryContext,
} from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
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

/**
 * With `auto-context`, what an event heard without its ids waits for: the CIF session it was heard in (`s`: its id,
 * null for none, undefined while that is not decided yet), the ids set on the logger then (`x`; none for an event
 * read back after a reload), and when it was heard. The session's conversation, once read, is kept on it (`c`: the
 * id, null when the session gave none usable, false when it is gone).
 */
export class ContextBinding {
  s?: string | null;
  c?: string | null | false;
  constructor(
    readonly x: ContextInput | undefined,
    public at: number,
  ) {}
}

/** The longest `eventName` argument: it names the analytics event, like `kpiEventName`, whose column holds 100. */
export const EVENT_NAME_LIMIT = CIF_LIMITS.kpiEventName;

/**
 * An id as text: a string trimmed; a number, boolean or BigInt as its text, as an attribute would give it (frameworks
 * set camel-case props as properties, and numbers are common ids); nothing for null, undefined or blank; a problem
 * for anything else (an object, an array, a symbol, a function).
 */
function idText(value: unknown, field: CallField): string | undefined | CifKpiProblem {
  switch (typeof value) {
    case 'string':
      return value.trim() || undefined;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return undefined;
    case 'object':
      if (value === null) return undefined;
  }
  const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return problem('invalid-context', `${field} must be text (a string, number or boolean); got ${kind}`, field);
}

const LIMITS: Readonly<Record<Exclude<CallField, 'correlationId'>, number>> = {
  ...CIF_LIMITS,
  eventName: EVENT_NAME_LIMIT,
};

/**
 * Reads the context from the logger's ids and call arguments (its properties, of whatever type a page set) and
 * checks it against the CIF contract. Never throws.
 */
export function resolveContext(input: ContextInput, fallback?: ContextInput): ResolvedContext {
  const ids: Partial<Record<CallField, string>> = Object.create(null) as Partial<Record<CallField, string>>;
  let correlationProblem: CifKpiProblem | undefined;
  for (const field of CALL_FIELDS) {
    const text = idText(input[field] ?? fallback?.[field], field);
    if (field === 'correlationId') {
      if (typeof text === 'object') correlationProblem = { ...text, code: 'invalid-correlation-id' };
      else if (text !== undefined && !GUID_PATTERN.test(text)) {
        correlationProblem = problem(
          'invalid-correlation-id',
          `correlation-id "${text.slice(0, 60)}" is not a GUID (8-4-4-4-12 hex digits); it is left out of calls`,
          'correlationId',
        );
      } else ids.correlationId = text;
      continue;
    }
    if (typeof text === 'object') return { state: { status: 'invalid', problem: text }, correlationProblem };
    if (text === undefined) continue;
    if (text.length > LIMITS[field]) {
      const holds = field === 'eventName' ? 'the longest allowed is' : 'its column holds';
      const p = problem('invalid-context', `${field} is ${text.length} characters; ${holds} ${LIMITS[field]}`, field);
      return { state: { status: 'invalid', problem: p }, correlationProblem };
    }
    ids[field] = text;
  }

  const missing = REQUIRED_CONTEXT_FIELDS.filter((f) => ids[f] === undefined);
  if (missing.length > 0) return { state: { status: 'incomplete', missing }, correlationProblem };

  const context: DeliveryContext = {
    conversationId: ids.conversationId!,
    providerSessionId: ids.providerSessionId!,
  };
  for (const field of ['clientSessionId', 'participantId', 'eventName', 'correlationId'] as const) {
    if (ids[field]) context[field] = ids[field];
  }
  return { state: { status: 'complete', context }, correlationProblem };
}

/** The `eventName` argument for an event sent in `context`. */
function eventNameFor(context: DeliveryContext, event: CifKpiEvent): string {
  return (own(context, 'eventName') as string | undefined) ?? event.kpiEventName;
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
      own(context, 'clientSessionId') ?? null,
      own(context, 'participantId') ?? null,
      own(context, 'correlationId') ?? null,
    ];
    key = JSON.stringify([...ids, name]);
    // A page with endless distinct names must not grow this without bound: the key is only ever compared.
    if (keys.size < 1000) keys.set(name, key);
  }
  return key;
}

/** Builds one call for events that share a batch key (the first one's context is used). */
export function buildCall(context: DeliveryContext, events: CifKpiEvent[]): CifAnalyticsCall {
  const data = {
    conversationId: context.conversationId,
    providerSessionId: context.providerSessionId,
  } as CifAnalyticsData;
  for (const field of ['clientSessionId', 'participantId'] as const) {
    const value = own(context, field) as string | undefined;
    if (value) data[field] = value;
  }
  data.events = events;
  const call: CifAnalyticsCall = { data, eventName: eventNameFor(context, events[0]!) };
  const correlationId = own(context, 'correlationId') as string | undefined;
  if (correlationId) call.correlationId = correlationId;
  return call;
}

/**
 * The context in force on a logger, resolved again only after an id changed (`invalidate()`), so that an event
 * captured right after a change gets the new ids while a burst resolves them once. Each problem (an unusable id, a
 * `correlation-id` that is not a GUID) is told once, when it appears.
 */
export class ContextTracker {
  #input: ContextInput;
  #onChange: (state: ContextState, problems: CifKpiProblem[]) => void;
  #state: ContextState = { status: 'incomplete', missing: [...REQUIRED_CONTEXT_FIELDS] };
  #dirty = true;
  #told = new Set<string>();
  #fallback: ContextInput | undefined;

  /** `input` is read on each resolve; `onChange` hears each new state, with the problems that are new in it. */
  constructor(input: ContextInput, onChange: (state: ContextState, problems: CifKpiProblem[]) => void) {
    this.#input = input;
    this.#onChange = onChange;
  }

  /**
   * Ids that stand in for those the input leaves unset (the focused session's, with `auto-context`): the context is
   * resolved again at once.
   */
  fallBackTo(ids: ContextInput | undefined): void {
    this.#fallback = ids;
    this.#dirty = true;
    this.current();
  }

  /** An id or call argument changed: the next `current()` resolves again. */
  invalidate(): void {
    this.#dirty = true;
  }

  /** The context in force now. */
  current(): ContextState {
    if (!this.#dirty) return this.#state;
    const { state, correlationProblem } = resolveContext(this.#input, this.#fallback);
    this.#state = state;
    this.#dirty = false;
    const problems = [state.status === 'invalid' ? state.problem : undefined, correlationProblem].filter(
      (p): p is CifKpiProblem => p !== undefined,
    );
    const fresh = problems.filter((p) => !this.#told.has(p.message));
    this.#told = new Set(problems.map((p) => p.message));
    this.#onChange(state, fresh);
    return state;
  }
}

/** Whether a property name is one of the ids or call arguments a context is resolved from. */
export function isCallField(name: PropertyKey): name is CallField {
  return (CALL_FIELDS as readonly PropertyKey[]).includes(name);
}
