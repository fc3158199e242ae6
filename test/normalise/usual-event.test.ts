import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { normaliseKpiEvent } from '../../src/normalise/kpi-event.js';
import { isoTime, jsonLength, usualEvent } from '../../src/normalise/usual-event.js';
import { CIF_FIRST_PARTY_EVENT_NAMES } from '../../src/vocabulary/cif-contract.js';
import { propertyRuns } from '../support/harness.js';

const AT = Date.UTC(2026, 11, 3, 9, 30, 0, 5);
const text = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 110 }),
  fc.constantFrom('', ' ', 'Hold', 'CallHold', [...CIF_FIRST_PARTY_EVENT_NAMES][0]!, '"quoted\\"', '\u0000\ud800'),
);
const value = fc.oneof(text, fc.constant(undefined), fc.constant(null), fc.integer(), fc.date(), fc.array(fc.nat()));
/** Details near the usual shape: its two fields, with at times another one, and values of every kind. */
const details = fc.oneof(
  fc.record(
    { kpiEventName: fc.string({ minLength: 1, maxLength: 20 }), kpiEventReason: text },
    { requiredKeys: ['kpiEventName'] },
  ),
  fc.record({ kpiEventName: value, kpiEventReason: value }, { requiredKeys: [] }),
  fc.record(
    { kpiEventName: text, kpiEventReason: text, eventTimestamp: value, customData: value },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.constantFrom('kpiEventName', 'kpiEventReason', 'kpiEventNam', '__proto__', 'length'), value),
  value,
);

describe('the usual event', () => {
  it('is what the general normaliser makes of the same detail, whenever it is made', async () => {
    const runs = await propertyRuns(1000, 20261203);
    let made = 0;
    fc.assert(
      fc.property(details, (detail) => {
        const usual = usualEvent(detail, AT);
        if (usual === undefined) return;
        made += 1;
        expect(usual).to.deep.equal(normaliseKpiEvent(detail, AT));
        expect(Object.keys(usual.ok && usual.event)).to.deep.equal(
          Object.keys((normaliseKpiEvent(detail, AT) as { event: object }).event),
        );
      }),
      runs,
    );
    expect(made).to.be.above(runs.numRuns / 20);
  });

  it('is made for every name and reason that fit their columns and draw no warning', async () => {
    fc.assert(
      fc.property(text, fc.option(text, { nil: undefined }), (name, reason) => {
        const detail = reason === undefined ? { kpiEventName: name } : { kpiEventName: name, kpiEventReason: reason };
        const general = normaliseKpiEvent(detail, AT);
        const usual = general.ok && general.warnings.length === 0;
        expect(usualEvent(detail, AT) !== undefined, JSON.stringify(detail)).to.equal(usual);
      }),
      await propertyRuns(1000, 20261203),
    );
  });

  it('writes the timestamp toISOString writes, and counts the characters JSON writes', async () => {
    const runs = await propertyRuns(1000, 20261203);
    const DAY = 86_400_000;
    // Any time a Date holds; times near the edges of days (before 1970 too); fractions of a millisecond.
    const time = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -2, max: 2 })).map(([d, ms]) => d * DAY + ms),
      fc.double({ min: -4e12, max: 4e12, noNaN: true }),
    );
    let previous = 0;
    fc.assert(
      fc.property(time, fc.boolean(), (t, again) => {
        // The same time twice in a row, another time of the day written last, another day: each a path it takes.
        const at = again ? previous : t;
        previous = t;
        expect(isoTime(at), String(at)).to.equal(new Date(Math.trunc(at)).toISOString());
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (s) => {
        expect(jsonLength(s)).to.equal(JSON.stringify(s).length - 2);
      }),
      runs,
    );
  });

  it('leaves arrays, inherited fields and any other field to the general normaliser', () => {
    expect(usualEvent(Object.assign([], { kpiEventName: 'A' }), AT)).to.equal(undefined);
    expect(usualEvent(Object.create({ kpiEventName: 'A' }), AT)).to.equal(undefined);
    expect(usualEvent({ kpiEventName: 'A', eventTimestamp: AT }, AT)).to.equal(undefined);
    expect(usualEvent({ kpiEventName: 'A', kpiEventReason: 'x'.repeat(101) }, AT)).to.equal(undefined);
  });
});
