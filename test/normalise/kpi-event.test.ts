import { expect } from '@open-wc/testing';
import { normaliseKpiEvent, type NormaliseResult } from '../../src/normalise/kpi-event.js';
import { toCifText, truncateText } from '../../src/normalise/cif-text.js';

const AT = Date.UTC(2026, 10, 28, 10, 15, 30, 123);

function ok(result: NormaliseResult) {
  if (!result.ok) throw new Error(`expected a valid event, got ${result.problem.code}: ${result.problem.message}`);
  return result;
}
function bad(result: NormaliseResult) {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.event)}`);
  return result.problem;
}

describe('normaliseKpiEvent', () => {
  it('writes every timestamp as Date#toISOString does, across days, years and the whole Dataverse range', () => {
    const min = Date.UTC(1753, 0, 1);
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const times = [min, max, 0, -1, 1, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999)];
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 2000; i++) times.push(min + Math.floor(random() * (max - min)));
    for (let i = 0; i < 200; i++) times.push(Date.UTC(2026, 11, 1) + random() * 5000); // fractions of a millisecond
    for (const time of times) {
      const { event } = ok(normaliseKpiEvent({ kpiEventName: 'A', eventTimestamp: time }, AT));
      expect(event.eventTimestamp, String(time)).to.equal(new Date(time).toISOString());
      expect(ok(normaliseKpiEvent({ kpiEventName: 'A' }, time)).event.eventTimestamp).to.equal(
        new Date(time).toISOString(),
      );
    }
  });

  it('says of a misspelt key even when the event is refused for it: the refusal then explains itself', () => {
    const result = normaliseKpiEvent({ kpiEventNam: 'CallHold' }, AT);
    expect(bad(result).code).to.equal('missing-kpi-event-name');
    expect(result.warnings.map((w) => [w.code, w.message])).to.deep.equal([
      ['unknown-field', '"kpiEventNam" is not a CIF KPI event field and was not sent: did you mean "kpiEventName"?'],
    ]);
  });

  it('stamps the capture time, as ISO 8601 UTC with milliseconds, when no timestamp is given', () => {
    const { event, warnings } = ok(normaliseKpiEvent({ kpiEventName: 'CallHold' }, AT));
    expect(event).to.deep.equal({ kpiEventName: 'CallHold', eventTimestamp: '2026-11-28T10:15:30.123Z' });
    expect(warnings).to.deep.equal([]);
  });

  it('accepts a Date, epoch ms or an ISO string with a zone, and writes UTC', () => {
    const iso = (eventTimestamp: unknown) =>
      ok(normaliseKpiEvent({ kpiEventName: 'A', eventTimestamp }, AT)).event.eventTimestamp;
    expect(iso(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).to.equal('2026-01-02T03:04:05.006Z');
    expect(iso(Date.UTC(2026, 0, 2))).to.equal('2026-01-02T00:00:00.000Z');
    expect(iso('2026-01-02T05:04:05+02:00')).to.equal('2026-01-02T03:04:05.000Z');
    expect(iso('2026-01-02T03:04:05.5Z')).to.equal('2026-01-02T03:04:05.500Z');
  });

  it('rejects timestamps that are not dates, have no zone, or fall outside a DateTime column', () => {
    for (const eventTimestamp of [
      '2026-01-02 03:04:05',
      '2026-01-02T03:04:05',
      'yesterday',
      new Date('x'),
      NaN,
      {},
      true,
      -1e15,
    ]) {
      const p = bad(normaliseKpiEvent({ kpiEventName: 'A', eventTimestamp }, AT));
      expect(p.code, String(eventTimestamp)).to.equal('invalid-timestamp');
      expect(p.field).to.equal('eventTimestamp');
    }
  });

  it('rejects a detail that is not an object, naming what it got', () => {
    for (const detail of [undefined, null, 'CallHold', 42, ['CallHold']]) {
      const p = bad(normaliseKpiEvent(detail, AT));
      expect(p.code).to.equal('invalid-detail');
      expect(p.message).to.match(/must be an object/);
    }
  });

  it('rejects a detail whose getter throws, without throwing', () => {
    const detail = {
      kpiEventName: 'A',
      get kpiEventReason(): string {
        throw new Error('boom');
      },
    };
    const p = bad(normaliseKpiEvent(detail, AT));
    expect(p.code).to.equal('invalid-detail');
    expect(p.message).to.contain('boom');
  });

  it('reads a detail as JSON does: its own enumerable fields, not inherited or hidden ones', () => {
    const detail = Object.create({ kpiEventReason: 'inherited' }) as Record<string, unknown>;
    detail.kpiEventName = 'Seen';
    Object.defineProperty(detail, 'additionalData', { value: 'hidden', enumerable: false });
    const { event } = ok(normaliseKpiEvent(detail, AT));
    expect(event).to.deep.equal({ kpiEventName: 'Seen', eventTimestamp: new Date(AT).toISOString() });
    expect(JSON.parse(JSON.stringify(detail))).to.deep.equal({ kpiEventName: 'Seen' });
  });

  it('requires kpiEventName as a non-empty string', () => {
    for (const kpiEventName of [undefined, '', '   ', 7, null]) {
      expect(bad(normaliseKpiEvent({ kpiEventName }, AT)).code).to.equal('missing-kpi-event-name');
    }
  });

  it('rejects names and identifiers over their 100-character column, and accepts exactly 100', () => {
    const at100 = 'x'.repeat(100);
    const at101 = 'x'.repeat(101);
    ok(normaliseKpiEvent({ kpiEventName: at100, notificationResponseAction: at100, externalCorrelationId: at100 }, AT));
    for (const field of ['kpiEventName', 'notificationResponseAction', 'externalCorrelationId']) {
      const p = bad(normaliseKpiEvent({ kpiEventName: 'A', [field]: at101 }, AT));
      expect(p.code).to.equal('value-too-long');
      expect(p.field).to.equal(field);
      expect(p.message).to.contain('101').and.contain('100');
    }
  });

  it('truncates free text to its column and reports it', () => {
    const { event, warnings } = ok(
      normaliseKpiEvent({ kpiEventName: 'A', kpiEventReason: 'r'.repeat(150), additionalData: 'd'.repeat(2500) }, AT),
    );
    expect(event.kpiEventReason).to.equal('r'.repeat(100));
    expect(event.additionalData).to.equal('d'.repeat(2000));
    expect(warnings.map((w) => [w.code, w.field])).to.deep.equal([
      ['value-truncated', 'kpiEventReason'],
      ['value-truncated', 'additionalData'],
    ]);
  });

  it('never splits a surrogate pair when truncating', () => {
    expect(truncateText('a'.repeat(99) + '😀', 100)).to.equal('a'.repeat(99));
    expect(truncateText('a'.repeat(98) + '😀', 100)).to.equal('a'.repeat(98) + '😀');
  });

  it('converts non-string values to text and serialises JSON additionalData', () => {
    const { event } = ok(
      normaliseKpiEvent(
        {
          kpiEventName: 'A',
          kpiEventReason: 42,
          additionalData: { queue: 'billing', waitSeconds: 12, vip: true, tags: ['a'] },
          notificationResponseAction: true,
          externalCorrelationId: 991,
        },
        AT,
      ),
    );
    expect(event.kpiEventReason).to.equal('42');
    expect(event.additionalData).to.equal('{"queue":"billing","waitSeconds":12,"vip":true,"tags":["a"]}');
    expect(event.notificationResponseAction).to.equal('true');
    expect(event.externalCorrelationId).to.equal('991');
  });

  it('refuses values that cannot be serialised, with a clear message and no exception', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const cases: Array<[unknown, RegExp]> = [
      [cycle, /cycle/],
      [() => 1, /function/],
      [10n, /BigInt/],
      [{ deep: { n: 10n } }, /additionalData\.n holds a BigInt/],
      [{ f: () => 1 }, /function/],
      [Symbol('s'), /symbol/],
      [{ n: Infinity }, /Infinity/],
      [NaN, /NaN/],
    ];
    for (const [additionalData, message] of cases) {
      const p = bad(normaliseKpiEvent({ kpiEventName: 'A', additionalData }, AT));
      expect(p.code).to.equal('unserialisable-value');
      expect(p.field).to.equal('additionalData');
      expect(p.message).to.match(message);
    }
  });

  it('takes customData as an object map or the CIF array, keeping attribute names exactly', () => {
    const fromMap = ok(
      normaliseKpiEvent(
        { kpiEventName: 'A', customData: { msdyn_customattribute1: 'gold', Queue_2: 3, flag: false } },
        AT,
      ),
    ).event.customData;
    expect(fromMap).to.deep.equal([
      { attribute: 'msdyn_customattribute1', value: 'gold' },
      { attribute: 'Queue_2', value: '3' },
      { attribute: 'flag', value: 'false' },
    ]);
    const fromArray = ok(
      normaliseKpiEvent(
        { kpiEventName: 'A', customData: [{ attribute: 'msdyn_customattribute2', value: { tier: 1 } }] },
        AT,
      ),
    ).event.customData;
    expect(fromArray).to.deep.equal([{ attribute: 'msdyn_customattribute2', value: '{"tier":1}' }]);
  });

  it('leaves customData out when it is empty', () => {
    expect(ok(normaliseKpiEvent({ kpiEventName: 'A', customData: {} }, AT)).event).to.not.have.property('customData');
  });

  it('rejects malformed customData with invalid-custom-data', () => {
    const cases: unknown[] = [
      'text',
      42,
      [{ value: 'no attribute' }],
      ['x'],
      { 'not a column': 'v' },
      { '1starts_with_digit': 'v' },
      [
        { attribute: 'a', value: 1 },
        { attribute: 'a', value: 2 },
      ],
      [{ attribute: 7, value: 1 }],
    ];
    for (const customData of cases) {
      expect(bad(normaliseKpiEvent({ kpiEventName: 'A', customData }, AT)).code, JSON.stringify(customData)).to.equal(
        'invalid-custom-data',
      );
    }
  });

  it('rejects a customData value over 100 characters, naming the attribute', () => {
    const p = bad(
      normaliseKpiEvent({ kpiEventName: 'A', customData: { msdyn_customattribute1: 'v'.repeat(101) } }, AT),
    );
    expect(p.code).to.equal('value-too-long');
    expect(p.field).to.equal('customData.msdyn_customattribute1');
  });

  it('warns about fields CIF does not know and does not send them', () => {
    const { event, warnings } = ok(
      normaliseKpiEvent({ kpiEventName: 'A', kpiEventreason: 'typo', conversationId: 'x' }, AT),
    );
    expect(Object.keys(event)).to.deep.equal(['kpiEventName', 'eventTimestamp']);
    expect(warnings.map((w) => [w.code, w.field])).to.deep.equal([
      ['unknown-field', 'kpiEventreason'],
      ['unknown-field', 'conversationId'],
    ]);
  });

  it('suggests the field a misspelled one was meant to be, and nothing for a name unlike any', () => {
    const { warnings } = ok(
      normaliseKpiEvent({ kpiEventName: 'A', kpiEventReasn: 'x', aditionalData: 'y', queue: 'z' }, AT),
    );
    expect(warnings.map((w) => w.message)).to.deep.equal([
      '"kpiEventReasn" is not a CIF KPI event field and was not sent: did you mean "kpiEventReason"?',
      '"aditionalData" is not a CIF KPI event field and was not sent: did you mean "additionalData"?',
      '"queue" is not a CIF KPI event field and was not sent',
    ]);
  });

  it('suggests the column name a customData name with dashes or spaces was meant to be', () => {
    for (const [given, like] of [
      ['queue-name', 'queue_name'],
      ['queue name', 'queue_name'],
      ['msdyn.custom', 'msdyn_custom'],
    ]) {
      const result = normaliseKpiEvent({ kpiEventName: 'A', customData: { [given!]: 'v' } }, AT);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.problem.message).to.contain(`did you mean "${like}"?`);
    }
    const result = normaliseKpiEvent({ kpiEventName: 'A', customData: { '1st': 'v' } }, AT);
    if (!result.ok) expect(result.problem.message).to.not.contain('did you mean');
  });

  it('warns when a custom KPI uses a name CIF logs itself', () => {
    const { warnings } = ok(normaliseKpiEvent({ kpiEventName: 'SessionStarted' }, AT));
    expect(warnings.map((w) => w.code)).to.deep.equal(['reserved-kpi-event-name']);
  });

  it('writes fields in the documented order and omits null or undefined ones', () => {
    const { event } = ok(
      normaliseKpiEvent(
        {
          customData: { a: '1' },
          externalCorrelationId: 'ext',
          notificationResponseAction: 'Accept',
          additionalData: 'more',
          kpiEventReason: null,
          kpiEventName: 'A',
        },
        AT,
      ),
    );
    expect(Object.keys(event)).to.deep.equal([
      'kpiEventName',
      'eventTimestamp',
      'additionalData',
      'notificationResponseAction',
      'externalCorrelationId',
      'customData',
    ]);
    // The usual shapes, made whole at once, in the same order.
    const keys = (detail: object) => Object.keys(ok(normaliseKpiEvent(detail, AT)).event);
    expect(keys({ customData: { a: '1' }, kpiEventReason: 'why', kpiEventName: 'A' })).to.deep.equal([
      'kpiEventName',
      'kpiEventReason',
      'eventTimestamp',
      'customData',
    ]);
    expect(keys({ customData: { a: '1' }, kpiEventName: 'A' })).to.deep.equal([
      'kpiEventName',
      'eventTimestamp',
      'customData',
    ]);
    expect(keys({ customData: {}, kpiEventName: 'A' })).to.deep.equal(['kpiEventName', 'eventTimestamp']);
  });
});

describe('toCifText', () => {
  it('passes strings, converts scalars and Dates, and serialises objects', () => {
    const text = (v: unknown) => {
      const r = toCifText(v, 'f');
      return r.ok ? r.text : r.problem.code;
    };
    expect(text('a')).to.equal('a');
    expect(text(1.5)).to.equal('1.5');
    expect(text(false)).to.equal('false');
    expect(text(null)).to.equal('null');
    expect(text(new Date(0))).to.equal('1970-01-01T00:00:00.000Z');
    expect(text([1, 'a'])).to.equal('[1,"a"]');
    expect(text(undefined)).to.equal('unserialisable-value');
  });
});
