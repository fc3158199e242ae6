import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../src/define.js';
import type { CifKpiDroppedDetail, CifKpiErrorDetail, CifKpiFailedDetail } from '../src/vocabulary/logger-events.js';
import type { HostReply } from '../src/testing/simulated-cif-host.js';
import { DEFAULTS } from '../src/queue/delivery-options.js';
import { normaliseKpiEvent } from '../src/normalise/kpi-event.js';
import { parseEntry } from '../src/persist/stored-segments.js';
import { collect, fakeClock, readyHost, reportKpi, startHost, type Logger } from './support/harness.js';

async function mount(attrs: string): Promise<{ root: HTMLElement; logger: Logger; widget: HTMLElement }> {
  const root = await fixture<HTMLElement>(html`<div><button>w</button><cif-kpi-logger></cif-kpi-logger></div>`);
  const logger = root.querySelector('cif-kpi-logger')!;
  for (const match of `conversation-id="c" provider-session-id="p" flush-delay="0" ${attrs}`.matchAll(
    /([\w-]+)(?:="([^"]*)")?/g,
  )) {
    logger.setAttribute(match[1]!, match[2] ?? '');
  }
  await logger.updateComplete;
  return { root, logger, widget: root.querySelector('button')! };
}

const reasons = (events: unknown[]) => events.map((e) => (e as { kpiEventReason: string }).kpiEventReason);

describe('retries and failure', () => {
  it('retries a rejected call and reports each failed attempt with its retry delay', async () => {
    const clock = fakeClock();
    const host = readyHost();
    host.queueReplies({ kind: 'reject', shape: 'map', message: 'Host busy' });
    const { root, logger, widget } = await mount('retry-delay="20" no-persist');
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const sent = collect(root, 'cif-kpi-sent');
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'once' });
    await clock.tickAsync(1); // the host's answer
    expect(errors).to.have.length(1);
    expect(sent).to.have.length(0);
    await clock.tickAsync(errors[0]!.retryIn! - 1);
    expect(host.calls, 'not retried before its delay').to.have.length(1);
    await clock.tickAsync(2);
    expect(sent).to.have.length(1);
    expect(errors[0]).to.deep.include({ code: 'host-rejected', attempt: 1 });
    expect(errors[0]!.retryIn).to.be.within(10, 20);
    expect(host.calls.map((c) => c.outcome)).to.deep.equal(['rejected', 'resolved']);
    expect(logger.stats).to.deep.include({ captured: 1, sent: 1, retried: 1, failed: 0, held: 0 });
  });

  it('fires cif-kpi-failed after max-retries, keeps the events in failed, and retryFailed() delivers them', async () => {
    const clock = fakeClock();
    const host = readyHost();
    host.setReply(() => ({ kind: 'reject', shape: 'json', message: 'Conversation not found' }));
    const { root, logger, widget } = await mount('retry-delay="1000" max-retries="2" no-persist');
    const failed = collect<CifKpiFailedDetail>(root, 'cif-kpi-failed');
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'r1' });
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'r2' });
    await clock.tickAsync(1 + 1000 + 1); // the first answer, the longest first retry delay, its answer
    expect(failed, 'two retries: 0.5–1 s, then 1–2 s').to.have.length(0);
    await clock.tickAsync(2000 + 1);
    expect(host.calls).to.have.length(3);
    expect(reasons(failed[0]!.events)).to.deep.equal(['r1', 'r2']);
    expect(failed[0]!.attempts).to.equal(3);
    expect(failed[0]!.error).to.deep.equal({
      code: 'host-rejected',
      message: 'Conversation not found (logAnalyticsEvent)',
    });
    expect(logger.failed.map((f) => f.event.kpiEventReason)).to.deep.equal(['r1', 'r2']);
    expect(logger.failed[0]!.context).to.deep.equal({ conversationId: 'c', providerSessionId: 'p' });
    expect(logger.stats).to.deep.include({ failed: 2, held: 0 });

    host.setReply(undefined);
    const retried = logger.retryFailed();
    await clock.tickAsync(1);
    await retried;
    expect(logger.failed).to.deep.equal([]);
    expect(host.calls.at(-1)!.outcome).to.equal('resolved');
    expect(logger.stats.sent).to.equal(2);
  });

  it('keeps order: a batch waiting for its retry goes before newer events', async () => {
    const clock = fakeClock();
    const host = readyHost();
    host.queueReplies({ kind: 'reject', shape: 'object', message: 'busy' });
    const { logger, widget } = await mount('retry-delay="30" no-persist');
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'first' });
    await clock.tickAsync(1);
    expect(host.calls.map((c) => c.outcome)).to.deep.equal(['rejected']);
    reportKpi(widget, { kpiEventName: 'B', kpiEventReason: 'second' });
    const flushed = logger.flush();
    await clock.tickAsync(10);
    await flushed;
    const resolved = host.calls.filter((c) => c.outcome === 'resolved');
    expect(reasons(resolved.flatMap((c) => (c.data as { events: unknown[] }).events))).to.deep.equal([
      'first',
      'second',
    ]);
  });

  it('delivers every event exactly once through a storm of rejections, stalls and slow answers', async () => {
    const clock = fakeClock();
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const host = readyHost({
      reply: (): HostReply => {
        const roll = random();
        if (roll < 1 / 3)
          return {
            kind: 'reject',
            shape: (['map', 'json', 'object'] as const)[Math.floor(random() * 3)]!,
            message: 'storm',
          };
        if (roll < 1 / 3 + 1 / 10) return { kind: 'stall' };
        return { kind: 'resolve', delay: Math.floor(random() * 15) };
      },
    });
    const total = 3000;
    const { root, logger } = await mount(
      `retry-delay="1" max-retries="60" call-timeout="40" max-batch="50" max-queue="${total}" no-persist`,
    );
    const failed = collect(root, 'cif-kpi-failed');
    const dropped = collect(root, 'cif-kpi-dropped');
    for (let i = 0; i < total; i++) {
      reportKpi(root, { kpiEventName: `Kpi${i % 3}`, kpiEventReason: String(i) });
    }
    for (let ms = 0; logger.stats.sent < total && ms < 600_000; ms += 1000) await clock.tickAsync(1000);
    const delivered = host.calls
      .filter((c) => c.outcome === 'resolved')
      .flatMap((c) => reasons((c.data as { events: unknown[] }).events));
    expect(delivered.length).to.equal(total);
    expect(new Set(delivered).size).to.equal(total);
    expect(failed).to.deep.equal([]);
    expect(dropped).to.deep.equal([]);
    const outcomes = host.calls.map((c) => c.outcome ?? 'stalled');
    expect(outcomes).to.include.members(['rejected', 'stalled', 'resolved']);
    expect(logger.stats).to.deep.include({ captured: total, sent: total, failed: 0, dropped: 0, held: 0 });
    expect(logger.stats.retried).to.be.greaterThan(0);
  });
});

describe('bounds and opt-out', () => {
  it('drops events beyond max-queue with one cif-kpi-dropped per burst', async () => {
    startHost({ initDelay: null });
    const { root, logger, widget } = await mount('max-queue="3"');
    const dropped = collect<CifKpiDroppedDetail>(root, 'cif-kpi-dropped');
    for (let i = 0; i < 10; i++) reportKpi(widget, { kpiEventName: 'A', kpiEventReason: String(i) });
    await Promise.resolve();
    expect(dropped).to.have.length(1);
    expect(dropped[0]!.count).to.equal(7);
    expect(dropped[0]!.reason).to.equal('queue-full');
    expect(dropped[0]!.message).to.contain('7 events were dropped');
    expect(reasons(dropped[0]!.events)).to.deep.equal(['3', '4', '5', '6', '7', '8', '9']);
    expect(logger.stats).to.deep.include({ captured: 10, dropped: 7, held: 3 });
  });

  it('drops events whose ids never come within context-timeout', async () => {
    const clock = fakeClock();
    readyHost();
    const { root, logger, widget } = await mount('context-timeout="30000" no-persist');
    logger.conversationId = null;
    const dropped = collect<CifKpiDroppedDetail>(root, 'cif-kpi-dropped');
    reportKpi(widget, { kpiEventName: 'A' });
    expect(logger.pendingCount).to.equal(1);
    await clock.tickAsync(29_999);
    expect(dropped).to.have.length(0);
    await clock.tickAsync(1);
    expect(dropped).to.have.length(1);
    expect(dropped[0]!.reason).to.equal('context-timeout');
    expect(logger.pendingCount).to.equal(0);
  });

  it('disabled stops capture and log(), but still delivers what was held', async () => {
    const host = startHost({ initDelay: null });
    const { root, logger, widget } = await mount('');
    const dropped = collect<CifKpiDroppedDetail>(root, 'cif-kpi-dropped');
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'before' });
    logger.disabled = true;
    await logger.updateComplete;
    expect(logger.hasAttribute('disabled')).to.equal(true);
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'while-disabled' });
    expect(await logger.log({ kpiEventName: 'A' })).to.deep.equal({ status: 'dropped', reason: 'disabled' });
    host.appear();
    await logger.flush();
    expect(reasons(host.events)).to.deep.equal(['before']);
    expect(dropped.map((d) => [d.reason, d.count])).to.deep.equal([['disabled', 1]]);

    logger.disabled = false;
    await logger.updateComplete;
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'after' });
    await logger.flush();
    expect(reasons(host.events)).to.deep.equal(['before', 'after']);
  });

  it('counts events dropped while disabled in stats.dropped, like every other drop', async () => {
    readyHost();
    const { root, logger } = await mount('max-queue="1" no-persist');
    const dropped = collect<CifKpiDroppedDetail>(root, 'cif-kpi-dropped');
    void logger.log({ kpiEventName: 'A' });
    void logger.log({ kpiEventName: 'B' }); // queue-full
    logger.disabled = true;
    void logger.log({ kpiEventName: 'C' }); // disabled
    void logger.log({ kpiEventName: 'D' });
    await Promise.resolve();
    expect(dropped.map((d) => [d.reason, d.count])).to.deep.equal([
      ['queue-full', 1],
      ['disabled', 2],
    ]);
    expect(logger.stats).to.deep.include({ captured: 4, dropped: 3 });
  });
});

describe('persistence in the page', () => {
  afterEach(() => sinon.restore());

  const storedReasons = () =>
    Object.keys(sessionStorage)
      .filter((key) => key.startsWith('cif-kpi-logger:v2:'))
      .map((key) => sessionStorage.getItem(key)!)
      .join();

  it('writes the queue at once on pagehide and when the page is hidden', async () => {
    startHost({ initDelay: null });
    const { logger, widget } = await mount('');
    await logger.updateComplete;
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'persist-me-on-pagehide' });
    expect(storedReasons()).to.not.contain('persist-me-on-pagehide');
    window.dispatchEvent(new Event('pagehide'));
    expect(storedReasons()).to.contain('persist-me-on-pagehide');

    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'persist-me-when-hidden' });
    sinon.stub(document, 'visibilityState').get(() => 'hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(storedReasons()).to.contain('persist-me-when-hidden');
  });

  it('keeps working in memory when storage is full, and says so once', async () => {
    const host = readyHost();
    const { root, logger, widget } = await mount('');
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    sinon.stub(Storage.prototype, 'setItem').throws(new DOMException('quota', 'QuotaExceededError'));
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'full-1' });
    window.dispatchEvent(new Event('pagehide'));
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'full-2' });
    window.dispatchEvent(new Event('pagehide'));
    await logger.flush();
    expect(errors.map((e) => e.code)).to.deep.equal(['storage-unavailable']);
    expect(errors[0]!.message).to.contain('QuotaExceededError').and.contain('memory');
    expect(reasons(host.events).filter((r) => r?.startsWith('full-'))).to.deep.equal(['full-1', 'full-2']);
  });

  it('brings its entry up to date when the page goes, also after it was removed from the page', async () => {
    const host = startHost({ initDelay: null });
    const { logger, widget } = await mount('');
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'removed-then-sent' });
    logger.remove();
    expect(storedReasons()).to.contain('removed-then-sent');
    host.appear();
    await logger.flush();
    window.dispatchEvent(new Event('pagehide'));
    expect(storedReasons()).to.not.contain('removed-then-sent');
  });

  it('removes its entry once everything is delivered', async () => {
    readyHost();
    const { logger, widget } = await mount('');
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'soon-gone' });
    window.dispatchEvent(new Event('pagehide'));
    expect(storedReasons()).to.contain('soon-gone');
    await logger.flush();
    window.dispatchEvent(new Event('pagehide'));
    expect(storedReasons()).to.not.contain('soon-gone');
  });
});

/** A logger with nothing set but its two ids, after a widget button. */
async function withDefaults(conversationId: string, providerSessionId: string) {
  const root = await fixture<HTMLElement>(html`<div><button>w</button></div>`);
  const logger = document.createElement('cif-kpi-logger') as Logger;
  logger.setAttribute('conversation-id', conversationId);
  logger.setAttribute('provider-session-id', providerSessionId);
  root.append(logger);
  await logger.updateComplete;
  return { root, logger };
}

describe('bursts and bad days with default settings', () => {
  it('delivers a burst of 10,000 events dispatched in one task against a healthy host, in full', async function () {
    this.timeout(60_000);
    const clock = fakeClock();
    const host = readyHost({ latency: 5 });
    const { root, logger } = await withDefaults('c', 'p');
    const dropped = collect(root, 'cif-kpi-dropped');
    const widget = root.firstElementChild!;
    for (let i = 0; i < 10_000; i++) reportKpi(widget, { kpiEventName: 'CallHold', kpiEventReason: `burst ${i}` });
    for (let i = 0; i < 60 && logger.stats.sent < 10_000; i++) await clock.tickAsync(1000);
    expect(dropped).to.deep.equal([]);
    expect(logger.stats).to.deep.include({ captured: 10_000, sent: 10_000, dropped: 0, held: 0 });
    expect(reasons(host.events)).to.deep.equal(Array.from({ length: 10_000 }, (_, i) => `burst ${i}`));
    expect(host.calls).to.have.length(100);
  });
});

describe('a host that never answers, with default settings', () => {
  const ourStorage = () =>
    Object.keys(sessionStorage)
      .filter((key) => key.startsWith('cif-kpi-logger:'))
      .reduce((sum, key) => sum + key.length + sessionStorage.getItem(key)!.length, 0);

  it('holds memory and storage within max-queue-bytes, dropping what does not fit', async function () {
    this.timeout(60_000);
    const host = readyHost({ libraryTimeout: null });
    host.setReply(() => ({ kind: 'stall' }));
    const { root, logger } = await withDefaults('conversation-0123456789', 'provider-session-0123456789');
    const dropped = collect<CifKpiDroppedDetail>(root, 'cif-kpi-dropped');
    const widget = root.firstElementChild!;
    for (let task = 0; task < 30; task++) {
      for (let i = 0; i < 1000; i++) {
        reportKpi(widget, { kpiEventName: 'CallHold', kpiEventReason: `held ${task}-${i}` });
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    window.dispatchEvent(new Event('pagehide'));
    const { held, dropped: droppedCount, captured } = logger.stats;
    expect(captured).to.equal(30_000);
    expect(held + droppedCount).to.equal(30_000);
    expect(droppedCount, 'the rest is dropped, and said').to.be.greaterThan(0);
    expect(dropped.every((d) => d.reason === 'queue-full')).to.equal(true);
    expect(held).to.be.at.most(DEFAULTS.maxQueue);
    // sessionStorage counts characters: the stored queue stays within max-queue-bytes / 2 of them.
    expect(ourStorage(), 'characters stored').to.be.at.most(DEFAULTS.maxQueueBytes / 2);
    const stored = Object.keys(sessionStorage)
      .filter((key) => key.startsWith('cif-kpi-logger:') && /:\d+$/.test(key))
      .reduce((sum, key) => sum + parseEntry(sessionStorage.getItem(key), normaliseKpiEvent).items.length, 0);
    expect(stored, 'everything held is stored').to.equal(held);
  });
});
