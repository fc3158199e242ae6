import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { serialise } from '../../src/persist/stored-format.js';
import { parseEntry } from '../../src/persist/stored-segments.js';
import { normaliseKpiEvent } from '../../src/normalise/kpi-event.js';
import { ContextBinding } from '../../src/normalise/delivery-context.js';
import type { QueuedEvent } from '../../src/queue/queued-event.js';
import { problem } from '../../src/vocabulary/problems.js';
import { propertyRuns } from '../support/harness.js';

const contexts = [
  { conversationId: 'c-1', providerSessionId: 'p' },
  { conversationId: 'c-2', providerSessionId: 'p', clientSessionId: 's', eventName: 'Batch' },
];
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }));
const detail = fc.record(
  {
    kpiEventName: fc.oneof(fc.constantFrom('CallHold', 'CallEnded'), text),
    kpiEventReason: fc.oneof(fc.constantFrom('Customer asked to wait', ''), text),
    additionalData: text,
    eventTimestamp: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
    externalCorrelationId: fc.string({ maxLength: 20 }),
    customData: fc.dictionary(fc.constantFrom('queue_name', 'msdyn_customattribute1'), text),
  },
  { requiredKeys: ['kpiEventName'] },
);
/** Held events as the queue has them: numbered by a page (`<owner>.<n>`) or with another id. */
const held = fc
  .array(
    fc.record({
      id: fc.oneof(
        fc.tuple(fc.constantFrom('3f9a-owner', 'b2c4-other'), fc.nat()).map(([o, n]) => `${o}.${n}`),
        fc.string({ maxLength: 12 }),
        fc.constant('a.b.007'),
      ),
      detail,
      heldSince: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }),
      context: fc.constantFrom(undefined, ...contexts),
      attempts: fc.nat({ max: 6 }),
      problem: fc.option(
        fc.record({ code: fc.constantFrom('host-rejected', 'host-timeout'), message: fc.string({ maxLength: 700 }) }),
        { nil: undefined },
      ),
      session: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null)), { nil: undefined }),
    }),
    { maxLength: 30 },
  )
  .map((raws) =>
    raws.flatMap(({ id, detail, heldSince, context, attempts, problem: p, session }) => {
      const normalised = normaliseKpiEvent(detail, heldSince);
      if (!normalised.ok) return [];
      const item: QueuedEvent = { id, event: normalised.event, context, attempts, heldSince };
      if (p && context) item.problem = problem(p.code, p.message);
      if (!context && session !== undefined) {
        item.binding = new ContextBinding(undefined, heldSince);
        item.binding.s = session;
      }
      return [item];
    }),
  );

/** What a segment keeps of an event: all but what lives in memory only (its waiters, key, state). */
const kept = (item: QueuedEvent) => ({
  id: item.id,
  event: item.event,
  context: item.context,
  attempts: item.attempts,
  heldSince: item.heldSince,
  problem: item.problem && { code: item.problem.code, message: item.problem.message.slice(0, 500) },
  session: item.binding?.s,
});

describe('the stored format', () => {
  it('reads back what it wrote: parse(serialise(events)) is the events', async () => {
    fc.assert(
      fc.property(held, (items) => {
        const read = parseEntry(serialise(items), normaliseKpiEvent);
        expect(read.unreadable).to.equal(0);
        expect(read.items.map(kept)).to.deep.equal(items.map(kept));
      }),
      await propertyRuns(300, 20261203),
    );
  });

  it('writes a usual event in a few characters: its name, reason and ids once per segment', () => {
    const items: QueuedEvent[] = [];
    for (let n = 0; n < 1000; n++) {
      const normalised = normaliseKpiEvent(
        { kpiEventName: 'CallHold', kpiEventReason: 'Customer asked to wait' },
        n * 37,
      );
      if (!normalised.ok) throw new Error(normalised.problem.message);
      items.push({ id: `3f9a.${n}`, event: normalised.event, context: contexts[0], attempts: 0, heldSince: n * 37 });
    }
    const stored = serialise(items);
    expect(stored.length / items.length).to.be.below(24);
    expect(stored.split('Customer asked to wait')).to.have.length(2);
  });
});

describe('a damaged segment', () => {
  const ctx = { conversationId: 'c-1', providerSessionId: 'p' };
  const segment = (rows: unknown[], t: unknown = Date.UTC(2026, 11, 3)) =>
    JSON.stringify({ v: 4, t, owners: ['o'], contexts: [ctx], problems: [], texts: ['Good', 'r', 'Bad'], items: rows });
  const good = [0, 0, 0, 0, 1, 0];

  it('is read row by row: a damaged row is unreadable, never misread, and the others are read', () => {
    const damaged: unknown[] = [
      [0, 1, 1e16, 2, 1, 0], // a time no page captured
      [0, 2, -1e20, 2, 1, 0],
      [0, 3, 0, 2, 99, 0], // a reason that is not there
      [0, 4, 0, 99, 1, 0], // nor a name
      [0, 5, 0, 2, 1, 0, { e: { externalCorrelationId: { a: 1 } } }], // a value the logger never writes
      [0, 6, 0, 2, 1, 0, { e: { additionalData: 'x'.repeat(5000) } }], // longer than its column
      [0, 7, 0, 2, 1, 7], // ids that are not there
      [9, 8, 0, 2, 1, 0], // an owner that is not there, and no id
      [0, 9, 0, 2, 1, 0, { ts: '2026-12-03T10:00:00+01:00' }], // a timestamp not as the logger writes it
      'not a row',
    ];
    const read = parseEntry(segment([good, ...damaged]), normaliseKpiEvent);
    expect(read.items.map((item) => [item.id, item.event.kpiEventName, item.event.kpiEventReason])).to.deep.equal([
      ['o.0', 'Good', 'r'],
    ]);
    expect(read.unreadable).to.equal(damaged.length);
  });

  it('with a time no page captured, is unreadable whole, without throwing', () => {
    for (const t of [1e20, -1e20, 'now', null])
      expect(parseEntry(segment([good], t), normaliseKpiEvent)).to.deep.equal({ items: [], unreadable: 1 });
  });
});
