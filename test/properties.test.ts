import { expect, fixture, html } from '@open-wc/testing';
import fc from 'fast-check';
import '../src/define.js';
import type { HostReply } from '../src/testing/simulated-cif-host.js';
import sinon from 'sinon';
import { SimulatedCifHost } from '../src/testing/simulated-cif-host.js';
import { propertyRuns, type Logger } from './support/harness.js';

/**
 * The element driven with random sequences of details (valid, invalid, hostile), id changes of random types, on a
 * page whose `Object.prototype` may be polluted,
 * host answers (success, each rejection shape, late success, none) and flushes, on a fake clock. After each run the
 * promises the README makes must hold: nothing reached the page as an error, every payload passed the simulated
 * host's contract check, every captured event is exactly one of sent / failed / dropped / invalid / held, and every
 * event was sent with the ids in force when it was captured (or, if they were not usable then, the first usable
 * ones after). Seeded and short in `npm test`; `FC_RUNS=2000 FC_SEED=random npm test` for a longer run.
 */

type IdField = 'conversationId' | 'providerSessionId' | 'clientSessionId';
const ID_FIELDS: IdField[] = ['conversationId', 'providerSessionId', 'clientSessionId'];

type Action =
  | { kind: 'valid'; name: string; reason?: string; big: boolean }
  | { kind: 'odd'; make: () => unknown }
  | { kind: 'log' }
  | { kind: 'id'; field: IdField; value: () => unknown }
  | { kind: 'reply'; reply: HostReply }
  | { kind: 'flush' }
  | { kind: 'wait'; ms: number };

const cyclic = () => {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
};

/** Details no widget should send, each the logger must survive. */
const oddDetails: Array<() => unknown> = [
  () => null,
  () => 42,
  () => 'CallHold',
  () => ({}),
  () => ({ kpiEventName: '' }),
  () => ({ kpiEventName: 'x'.repeat(101) }),
  () => ({ kpiEventName: 'A', eventTimestamp: 'yesterday' }),
  () => ({ kpiEventName: 'A', additionalData: 10n }),
  () => ({ kpiEventName: 'A', additionalData: cyclic() }),
  () => ({ kpiEventName: 'A', customData: Array.from({ length: 60 }, (_, i) => ({ attribute: `c${i}`, value: i })) }),
  () => ({ kpiEventName: 'A', customData: { 'not a column': 1 } }),
  () => ({
    get kpiEventName(): string {
      throw new Error('getter threw');
    },
  }),
  () =>
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    ),
];

const idValues: Array<() => unknown> = [
  () => 'conv-a',
  () => 'conv-b',
  () => '  padded  ',
  () => '',
  () => null,
  () => 314,
  () => true,
  () => ({ id: 1 }),
  () => ['a'],
  () => Symbol('id'),
  () => 'z'.repeat(101),
];

const replies: HostReply[] = [
  { kind: 'resolve' },
  { kind: 'reject', shape: 'map', message: 'busy' },
  { kind: 'reject', shape: 'json', message: 'busy' },
  { kind: 'reject', shape: 'object', message: 'busy' },
  { kind: 'reject', shape: 'error', message: 'busy' },
  { kind: 'reject', shape: 'failure', message: '' },
  { kind: 'throw', message: 'postMessage failed' },
  { kind: 'resolve', delay: 1500 }, // later than call-timeout: accepted late
  { kind: 'stall' }, // never answered: the library gives up
];

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      name: fc.constantFrom('CallHold', 'CallEnded'),
      reason: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
      big: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('odd' as const), make: fc.constantFrom(...oddDetails) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'log' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('id' as const),
      field: fc.constantFrom(...ID_FIELDS),
      value: fc.constantFrom(...idValues),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reply' as const), reply: fc.constantFrom(...replies) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, 10, 600, 3000) }) },
);

/** The ids as the logger reads them: text, or `invalid`, or nothing. */
function idText(value: unknown): string | undefined | 'invalid' {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return undefined;
  return 'invalid';
}

/** The ids in force, as a key, or undefined while they are not usable. */
function usableIds(ids: Record<IdField, unknown>): string | undefined {
  const texts = ID_FIELDS.map((field) => idText(ids[field]));
  if (texts.includes('invalid') || texts.some((t) => t !== undefined && t.length > 100)) return undefined;
  if (texts[0] === undefined || texts[1] === undefined) return undefined;
  return JSON.stringify([texts[0], texts[1], texts[2] ?? null]);
}

/** What a polluted page has added to `Object.prototype`: none of it may reach a payload. */
const POLLUTION = {
  kpiEventReason: 'polluted',
  clientSessionId: 'polluted',
  participantId: 'polluted',
  eventName: 'polluted',
  customData: { polluted: 'yes' },
};

async function run(actions: Action[], polluted: boolean): Promise<void> {
  const proto = Object.prototype as Record<string, unknown>;
  if (polluted) Object.assign(proto, POLLUTION);
  try {
    await runActions(actions);
  } finally {
    for (const key of Object.keys(POLLUTION)) delete proto[key];
  }
}

async function runActions(actions: Action[]): Promise<void> {
  const clock = sinon.useFakeTimers({
    now: Date.now(),
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    shouldClearNativeTimers: true,
  });
  const host = new SimulatedCifHost({ initDelay: null, latency: 1, libraryTimeout: 2000 });
  host.appear();
  const root = await fixture<HTMLElement>(html`<div><button>widget</button></div>`);
  const logger = document.createElement('cif-kpi-logger') as Logger;
  for (const [name, value] of [
    ['conversation-id', 'conv-0'],
    ['provider-session-id', 'prov-0'],
    ['flush-delay', '5'],
    ['call-timeout', '1000'],
    ['max-retries', '2'],
    ['retry-delay', '50'],
    ['no-persist', ''],
  ])
    logger.setAttribute(name, value!);
  root.append(logger);
  await logger.updateComplete;
  const widget = root.firstElementChild!;

  const ids: Record<IdField, unknown> = {
    conversationId: 'conv-0',
    providerSessionId: 'prov-0',
    clientSessionId: null,
  };
  /**
   * Per marker: the ids it must be sent with, or null while they were not usable at its capture. The logger reads
   * its ids again after they change when it next captures a valid event or runs its update (a microtask later), so
   * ids set one after another in one task count as one change; events that waited take the ids read then.
   */
  const expected = new Map<string, string | null>();
  const pageErrors: string[] = [];
  const onError = (event: ErrorEvent) => pageErrors.push(event.message);
  const onRejection = (event: PromiseRejectionEvent) => pageErrors.push(`rejection: ${String(event.reason)}`);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  let next = 0;
  const pending: Array<Promise<unknown>> = [];
  /** The logger reads its ids: events waiting for usable ones take them. */
  const readIds = () => {
    const now = usableIds(ids);
    if (now) for (const [marker, at] of expected) if (at === null) expected.set(marker, now);
    return now ?? null;
  };
  try {
    for (const step of actions) {
      switch (step.kind) {
        case 'valid': {
          const marker = `m${next++}`;
          expected.set(marker, readIds());
          const detail = {
            kpiEventName: step.name,
            externalCorrelationId: marker,
            kpiEventReason: step.reason,
            additionalData: step.big ? { big: 'y'.repeat(200_000) } : undefined,
          };
          widget.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail }));
          break;
        }
        case 'odd':
          widget.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail: step.make() }));
          break;
        case 'log': {
          const marker = `m${next++}`;
          expected.set(marker, readIds());
          pending.push(logger.log({ kpiEventName: 'Logged', externalCorrelationId: marker }));
          break;
        }
        case 'id':
          ids[step.field] = step.value();
          (logger as unknown as Record<string, unknown>)[step.field] = ids[step.field];
          break;
        case 'reply':
          host.queueReplies(step.reply);
          break;
        case 'flush':
          pending.push(logger.flush());
          break;
        case 'wait':
          readIds(); // the update runs first
          await clock.tickAsync(step.ms);
          break;
      }
    }
    // Drain: usable ids, a host that answers, time for every retry and the library's timeouts.
    ids.conversationId = 'conv-end';
    ids.providerSessionId = 'prov-end';
    ids.clientSessionId = null;
    for (const field of ID_FIELDS) (logger as unknown as Record<string, unknown>)[field] = ids[field];
    readIds();
    host.setReply(() => ({ kind: 'resolve' }));
    pending.push(logger.flush());
    for (let i = 0; i < 20 && logger.pendingCount > 0; i++) await clock.tickAsync(5_000);
    await clock.tickAsync(5_000);
    await Promise.all(pending);
  } finally {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
    logger.remove();
    host.uninstall();
    clock.restore();
  }

  expect(pageErrors, 'errors that reached the page').to.deep.equal([]);
  for (const call of host.calls) expect(call.violations, 'contract violations').to.deep.equal([]);
  expect(JSON.stringify(host.calls.map((call) => [call.data, call.eventName]))).to.not.contain('polluted');
  const { captured, sent, failed, dropped, invalid, held } = logger.stats;
  expect(sent + failed + dropped + invalid + held, JSON.stringify(logger.stats)).to.equal(captured);
  expect(held, 'nothing left held').to.equal(0);
  for (const call of host.calls.filter((c) => c.outcome === 'resolved')) {
    const data = call.data as {
      conversationId: string;
      providerSessionId: string;
      clientSessionId?: string;
      events: Array<{ externalCorrelationId?: string }>;
    };
    const client = Object.hasOwn(data, 'clientSessionId') ? data.clientSessionId : null;
    const sentWith = JSON.stringify([data.conversationId, data.providerSessionId, client]);
    for (const event of data.events) {
      const marker = event.externalCorrelationId;
      if (marker === undefined) continue;
      expect(sentWith, `ids of ${marker}`).to.equal(expected.get(marker));
    }
  }
}

describe('the README promises, under random input and host answers', () => {
  it('hold for every sequence', async function () {
    this.timeout(120_000);
    const runs = await propertyRuns(40, 7_361);
    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), fc.boolean(), run), {
      ...runs,
      includeErrorInReport: true,
    });
  });
});
