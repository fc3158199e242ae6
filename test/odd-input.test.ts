import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../src/define.js';
import { LIBRARY_TIMEOUT_MESSAGE } from '../src/testing/simulated-cif-host.js';
import type {
  CifKpiErrorDetail,
  CifKpiFailedDetail,
  CifKpiSentDetail,
  CifKpiStats,
} from '../src/vocabulary/logger-events.js';
import { collect, fakeClock, pageErrorsDuring, readyHost, reportKpi, type Logger } from './support/harness.js';

/**
 * The README's promises under odd but ordinary input and the real CIF library's answers: each case here once
 * broke them (see the issue that introduced this file).
 */
async function mount(attrs = 'conversation-id="c" provider-session-id="p" flush-delay="0" no-persist') {
  const root = await fixture<HTMLElement>(html`<div><button>w</button><cif-kpi-logger></cif-kpi-logger></div>`);
  const logger = root.querySelector('cif-kpi-logger')!;
  for (const match of attrs.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) logger.setAttribute(match[1]!, match[2] ?? '');
  await logger.updateComplete;
  return { root, logger, widget: root.querySelector('button')! };
}

const ids = (call: { data: unknown }) => {
  const { conversationId, providerSessionId } = call.data as Record<string, unknown>;
  return [conversationId, providerSessionId];
};

/** Every captured event is exactly one of sent, failed, dropped, invalid or held. */
function expectAccounted(stats: CifKpiStats): void {
  expect(stats.sent + stats.failed + stats.dropped + stats.invalid + stats.held, JSON.stringify(stats)).to.equal(
    stats.captured,
  );
}

describe('ids of any type a framework passes', () => {
  it('takes a number or boolean id as its text, like an attribute, without an exception', async () => {
    const host = readyHost();
    const { logger, widget } = await mount();
    const errors = await pageErrorsDuring(async () => {
      logger.providerSessionId = 314 as unknown as string;
      reportKpi(widget, { kpiEventName: 'A' });
      await logger.updateComplete;
      logger.conversationId = true as unknown as string;
      reportKpi(widget, { kpiEventName: 'B' });
      await logger.flush();
    });
    expect(errors).to.deep.equal([]);
    expect(host.calls.map(ids)).to.deep.equal([
      ['c', '314'],
      ['true', '314'],
    ]);
  });

  it('never sends an event with the ids in force before an id became unusable', async () => {
    const host = readyHost();
    const { root, logger, widget } = await mount();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const pageErrors = await pageErrorsDuring(async () => {
      logger.conversationId = { id: 'c2' } as unknown as string;
      reportKpi(widget, { kpiEventName: 'AfterObject' });
      logger.providerSessionId = Symbol('p') as unknown as string;
      reportKpi(widget, { kpiEventName: 'AfterSymbol' });
      await logger.updateComplete;
      await logger.flush();
    });
    expect(pageErrors).to.deep.equal([]);
    expect(host.calls, 'nothing sent with the old ids').to.have.length(0);
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([['invalid-context', 'conversationId']]);
    expect(errors[0]!.message).to.contain('got an object');
    expect(logger.pendingCount, 'the events wait for usable ids').to.equal(2);
    logger.conversationId = 'c2';
    await logger.flush();
    expect(errors.map((e) => [e.code, e.field]).at(-1)).to.deep.equal(['invalid-context', 'providerSessionId']);
    expect(errors.at(-1)!.message).to.contain('got a symbol');
    logger.providerSessionId = 'p2';
    await logger.flush();
    expect(host.calls.map(ids)).to.deep.equal([
      ['c2', 'p2'],
      ['c2', 'p2'],
    ]);
    expectAccounted(logger.stats);
  });

  it('delivers when a number id was set before the logger was connected', async () => {
    const host = readyHost();
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const logger = document.createElement('cif-kpi-logger') as Logger;
    const errors = await pageErrorsDuring(async () => {
      logger.conversationId = 42 as unknown as string;
      logger.providerSessionId = 'p';
      logger.noPersist = true;
      root.append(logger);
      const result = await Promise.race([
        logger.log({ kpiEventName: 'Early' }),
        new Promise((resolve) => setTimeout(() => resolve('log() did not resolve'), 1000)),
      ]);
      expect(result).to.have.property('status', 'sent');
    });
    expect(errors).to.deep.equal([]);
    expect(host.calls.map(ids)).to.deep.equal([['42', 'p']]);
  });
});

describe('host answers as the real library gives them', () => {
  it('counts a batch the host accepted late, after its last attempt, as sent once, and never again', async () => {
    const clock = fakeClock();
    const host = readyHost({ libraryTimeout: null });
    host.setReply(() => ({ kind: 'resolve', delay: 3000 }));
    const { root, logger, widget } = await mount(
      'conversation-id="c" provider-session-id="p" flush-delay="0" no-persist call-timeout="1000" max-retries="1" retry-delay="100"',
    );
    const sent = collect<CifKpiSentDetail>(root, 'cif-kpi-sent');
    const failed = collect<CifKpiFailedDetail>(root, 'cif-kpi-failed');
    reportKpi(widget, { kpiEventName: 'Slow' });
    await clock.tickAsync(10_000);
    expect(host.calls.map((c) => c.outcome)).to.deep.equal(['resolved', 'resolved']);
    expect(sent, 'cif-kpi-sent once').to.have.length(1);
    expect(logger.failed).to.deep.equal([]);
    const retried = logger.retryFailed();
    await clock.tickAsync(10_000);
    await retried;
    expect(host.calls, 'nothing offered to retryFailed()').to.have.length(2);
    expect(logger.stats).to.deep.include({ sent: 1, failed: 0, held: 0 });
    expectAccounted(logger.stats);
    expect(
      failed.map((f) => f.attempts),
      'given up after its last attempt, before the late answer',
    ).to.deep.equal([2]);
  });

  it('holds timers to what browsers can: a huge call-timeout does not time every call out at once', async () => {
    const host = readyHost();
    const { logger, widget } = await mount(
      'conversation-id="c" provider-session-id="p" flush-delay="0" no-persist call-timeout="3000000000"',
    );
    for (let i = 0; i < 5; i++) reportKpi(widget, { kpiEventName: 'A' });
    await logger.flush();
    expect(host.calls).to.have.length(1);
    expect(host.events).to.have.length(5);
  });

  it('does not spin timers for a huge context-timeout', async () => {
    readyHost();
    const { logger, widget } = await mount('provider-session-id="p" no-persist context-timeout="3000000000"');
    const timers = sinon.spy(window, 'setTimeout');
    try {
      reportKpi(widget, { kpiEventName: 'Waiting' });
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      expect(timers.callCount, 'timers set while one event waits').to.be.below(5);
      expect(logger.pendingCount).to.equal(1);
    } finally {
      timers.restore();
    }
  });

  it("reports the library's own timeout as host-timeout, with the default call-timeout", async () => {
    const clock = fakeClock();
    const host = readyHost();
    host.queueReplies({ kind: 'stall' });
    const { root, widget } = await mount();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    reportKpi(widget, { kpiEventName: 'Unanswered' });
    await clock.tickAsync(10_001);
    expect(errors.map((e) => e.code)).to.deep.equal(['host-timeout']);
    expect(errors[0]!.message).to.contain(LIBRARY_TIMEOUT_MESSAGE);
    expect(host.calls[0]!.outcome).to.equal('timed-out');
  });

  it("passes on the host's own Failure answer, which has no message", async () => {
    const host = readyHost();
    host.queueReplies({ kind: 'reject', shape: 'failure', message: '' });
    const { root, logger, widget } = await mount();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    reportKpi(widget, { kpiEventName: 'A' });
    await logger.flush();
    expect(errors[0]!.code).to.equal('host-rejected');
    expect(errors[0]!.message).to.contain('Failure');
  });
});

describe('input read and bounded', () => {
  it('reads details and ids through own properties only: a polluted Object.prototype changes nothing', async () => {
    const host = readyHost();
    const { logger, widget } = await mount();
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.kpiEventReason = 'polluted';
      proto.clientSessionId = 'polluted';
      proto.correlationId = 'polluted';
      proto.customData = { polluted: 'yes' };
      proto.attribute = 'polluted';
      reportKpi(widget, { kpiEventName: 'Clean', customData: [{ value: 'v' }] });
      reportKpi(widget, { kpiEventName: 'Clean' });
      await logger.flush();
    } finally {
      delete proto.kpiEventReason;
      delete proto.clientSessionId;
      delete proto.correlationId;
      delete proto.customData;
      delete proto.attribute;
    }
    expect(JSON.stringify(host.calls.map((c) => c.data))).to.not.contain('polluted');
    expect(host.calls.map((c) => c.argumentCount)).to.deep.equal([2]);
    expect(host.events).to.have.length(1);
  });

  it('serialises additionalData only as far as its column: what lies past it is never read', async () => {
    const host = readyHost();
    const { logger, widget } = await mount();
    let readPastTheColumn = false;
    const big = Array.from({ length: 100_000 }, (_, i) => ({ i }));
    Object.defineProperty(big[50_000], 'late', {
      enumerable: true,
      get: () => (readPastTheColumn = true),
    });
    reportKpi(widget, { kpiEventName: 'Big', additionalData: big });
    await logger.flush();
    expect(readPastTheColumn).to.equal(false);
    const [event] = host.events as Array<{ additionalData: string }>;
    expect(event!.additionalData).to.have.length(2000);
    expect(event!.additionalData.startsWith('[{"i":0},{"i":1}')).to.equal(true);
  });

  it('refuses a customData list longer than the limit, and an event-name longer than 100 characters', async () => {
    const host = readyHost();
    const { root, logger, widget } = await mount();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const many = Array.from({ length: 1000 }, (_, i) => ({ attribute: `c${i}`, value: 'x' }));
    reportKpi(widget, { kpiEventName: 'Many', customData: many });
    await logger.flush();
    expect(errors.map((e) => e.code)).to.deep.equal(['invalid-custom-data']);
    expect(errors[0]!.message).to.contain('1000 items').and.contain('50');
    logger.eventName = 'E'.repeat(10_000);
    reportKpi(widget, { kpiEventName: 'LongEventName' });
    await logger.flush();
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([
      ['invalid-custom-data', 'customData'],
      ['invalid-context', 'eventName'],
    ]);
    expect(host.calls).to.have.length(0);
  });
});
