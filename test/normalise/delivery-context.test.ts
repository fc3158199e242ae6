import { expect } from '@open-wc/testing';
import { ContextTracker, batchKey, buildCall, resolveContext } from '../../src/normalise/delivery-context.js';

const GUID = '5f2c1d0e-8a3b-4c7d-9e1f-0a2b3c4d5e6f';
const event = { kpiEventName: 'CallHold', eventTimestamp: '2026-11-28T10:15:30.123Z' };

describe('resolveContext', () => {
  it('is incomplete until conversationId and providerSessionId are both set (blank counts as unset)', () => {
    expect(resolveContext({}).state).to.deep.equal({
      status: 'incomplete',
      missing: ['conversationId', 'providerSessionId'],
    });
    expect(resolveContext({ conversationId: 'c', providerSessionId: '   ' }).state).to.deep.equal({
      status: 'incomplete',
      missing: ['providerSessionId'],
    });
  });

  it('keeps only the ids that are set, trimmed', () => {
    const { state } = resolveContext({
      conversationId: ' c ',
      providerSessionId: 'p',
      participantId: '',
      eventName: ' ',
    });
    expect(state).to.deep.equal({ status: 'complete', context: { conversationId: 'c', providerSessionId: 'p' } });
  });

  it('is invalid when an id is longer than its column', () => {
    const { state } = resolveContext({ conversationId: 'c', providerSessionId: 'p', clientSessionId: 'x'.repeat(101) });
    expect(state.status).to.equal('invalid');
    if (state.status !== 'invalid') return;
    expect(state.problem.code).to.equal('invalid-context');
    expect(state.problem.field).to.equal('clientSessionId');
  });

  it('keeps a GUID correlation id and drops anything else with a problem', () => {
    const good = resolveContext({ conversationId: 'c', providerSessionId: 'p', correlationId: GUID.toUpperCase() });
    expect(good.correlationProblem).to.equal(undefined);
    expect(good.state.status === 'complete' && good.state.context.correlationId).to.equal(GUID.toUpperCase());

    const badOne = resolveContext({ conversationId: 'c', providerSessionId: 'p', correlationId: 'call-42' });
    expect(badOne.correlationProblem?.code).to.equal('invalid-correlation-id');
    expect(badOne.state.status === 'complete' && badOne.state.context).to.not.have.property('correlationId');
  });
});

describe('buildCall', () => {
  it('writes exactly the documented data fields, omitting unset ones', () => {
    const call = buildCall({ conversationId: 'c', providerSessionId: 'p' }, [event]);
    expect(call).to.deep.equal({
      data: { conversationId: 'c', providerSessionId: 'p', events: [event] },
      eventName: 'CallHold',
    });
  });

  it('uses the configured event name and correlation id when present', () => {
    const call = buildCall(
      {
        conversationId: 'c',
        providerSessionId: 'p',
        clientSessionId: 's',
        participantId: 'a',
        eventName: 'Softphone',
        correlationId: GUID,
      },
      [event],
    );
    expect(call).to.deep.equal({
      data: { conversationId: 'c', providerSessionId: 'p', clientSessionId: 's', participantId: 'a', events: [event] },
      eventName: 'Softphone',
      correlationId: GUID,
    });
  });
});

describe('batchKey', () => {
  it('differs when the context or the event name differs', () => {
    const ctx = { conversationId: 'c', providerSessionId: 'p' };
    const other = { ...event, kpiEventName: 'CallResume' };
    expect(batchKey(ctx, event)).to.equal(batchKey(ctx, { ...event }));
    expect(batchKey(ctx, event)).to.not.equal(batchKey(ctx, other));
    expect(batchKey({ ...ctx, eventName: 'Softphone' }, event)).to.equal(
      batchKey({ ...ctx, eventName: 'Softphone' }, other),
    );
    expect(batchKey(ctx, event)).to.not.equal(batchKey({ ...ctx, conversationId: 'c2' }, event));
  });
});

describe('ContextTracker', () => {
  it('resolves again only after invalidate(), and reports a bad correlation id once per value', () => {
    const input: Record<string, string | null> = { conversationId: null, providerSessionId: 'p', correlationId: 'x' };
    const heard: string[] = [];
    const tracker = new ContextTracker(input, (state, problems) =>
      heard.push(`${state.status} ${problems.map((p) => p.code).join() || '-'}`),
    );
    expect(tracker.current()).to.deep.equal({ status: 'incomplete', missing: ['conversationId'] });
    input.conversationId = 'c';
    expect(tracker.current().status, 'cached until invalidated').to.equal('incomplete');
    tracker.invalidate();
    expect(tracker.current()).to.deep.equal({
      status: 'complete',
      context: { conversationId: 'c', providerSessionId: 'p' },
    });
    tracker.invalidate();
    input.correlationId = 'y';
    tracker.current();
    expect(heard).to.deep.equal(['incomplete invalid-correlation-id', 'complete -', 'complete invalid-correlation-id']);
  });
});
