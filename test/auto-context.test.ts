import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { CifKpiErrorDetail, CifKpiWarningDetail } from '../src/vocabulary/logger-events.js';
import type sinon from 'sinon';
import type { SimulatedCifHostOptions, SimulatedSession } from '../src/testing/simulated-cif-host.js';
import {
  collect,
  fakeClock,
  nextTask,
  pageErrorsDuring,
  readyHost,
  reportKpi,
  untilArrived,
  type Logger,
} from './support/harness.js';

const SESSIONS = {
  'session-A': { conversationId: 'conv-A' },
  'session-B': { conversationId: 'conv-B' },
};

async function mount(attrs: Record<string, string> = {}, host: SimulatedCifHostOptions = {}) {
  const cif = readyHost({ sessions: SESSIONS, focusedSession: 'session-A', latency: 5, ...host });
  // The session API calls the logger makes, counted (the host counts those it answered).
  let asked = 0;
  const api = window.Microsoft?.CIFramework;
  for (const name of ['getFocusedSession', 'getSession'] as const) {
    const call = api?.[name] as ((...args: unknown[]) => unknown) | undefined;
    if (api && call) {
      api[name] = (...args: unknown[]) => {
        asked += 1;
        return call(...args);
      };
    }
  }
  /**
   * Resolves once every session API call the logger made is answered and the logger has had the answer, without
   * asking more: what it reads of the sessions is read.
   */
  const sessionsRead = async () => {
    for (;;) {
      await waitUntil(() => cif.sessionAnswers.length >= asked, 'the session answers', { timeout: 2000, interval: 2 });
      await nextTask();
      if (cif.sessionAnswers.length >= asked) return;
    }
  };
  const root = await fixture<HTMLElement>(html`<div><span></span></div>`);
  const logger = document.createElement('cif-kpi-logger') as Logger;
  for (const [name, value] of Object.entries({
    'provider-session-id': 'prov',
    'flush-delay': '0',
    'no-persist': '',
    'auto-context': '',
    ...attrs,
  }))
    logger.setAttribute(name, value);
  root.append(logger);
  await logger.updateComplete;
  return { cif, root, logger, widget: root.querySelector('span')!, sessionsRead };
}

/** [conversationId, clientSessionId, kpiEventName] of each event the host received. */
const rows = (cif: ReturnType<typeof readyHost>) =>
  cif.calls.flatMap((call) => {
    const data = call.data as {
      conversationId: string;
      clientSessionId?: string;
      events: Array<{ kpiEventName: string }>;
    };
    return data.events.map((e) => [data.conversationId, data.clientSessionId ?? '', e.kpiEventName]);
  });

describe('auto-context', () => {
  it('takes the ids of the focused session: its conversationId, and the CIF session id as clientSessionId', async () => {
    const { cif, logger, widget } = await mount();
    reportKpi(widget, { kpiEventName: 'Early' }); // before the session is read: it waits for it
    await waitUntil(() => logger.pendingCount === 0 && cif.calls.length === 1, 'sent', { timeout: 2000, interval: 5 });
    expect(rows(cif)).to.deep.equal([['conv-A', 'session-A', 'Early']]);
    expect([...cif.handlers.keys()]).to.have.members(['onSessionSwitched', 'onSessionClosed']);
  });

  it('reads a session answered as a plain object too', async () => {
    const { cif, logger, widget } = await mount();
    cif.sessionReply = 'object';
    await cif.focusSession('session-B');
    reportKpi(widget, { kpiEventName: 'X' });
    await waitUntil(() => cif.calls.length === 1 && logger.pendingCount === 0, 'sent', { timeout: 2000, interval: 5 });
    expect(rows(cif)).to.deep.equal([['conv-B', 'session-B', 'X']]);
  });

  it('gives every event of a burst the ids of the session focused when it happened, never the old one', async () => {
    const { cif, logger, widget, sessionsRead } = await mount({}, { latency: 20 });
    await waitUntil(() => logger.stats.held === 0 && cif.calls.length === 0, 'ready', { timeout: 2000, interval: 5 });
    await sessionsRead(); // session A read
    reportKpi(widget, { kpiEventName: 'OnA' });
    await cif.focusSession('session-B'); // both notices delivered; session B is being read (20 ms)
    reportKpi(widget, { kpiEventName: 'AfterSwitch' });
    await sessionsRead();
    reportKpi(widget, { kpiEventName: 'OnB' });
    await cif.focusSession('session-A');
    reportKpi(widget, { kpiEventName: 'BackOnA' });
    await logger.flush();
    await waitUntil(() => logger.pendingCount === 0, 'all sent', { timeout: 2000, interval: 5 });
    expect(rows(cif)).to.deep.equal([
      ['conv-A', 'session-A', 'OnA'],
      ['conv-B', 'session-B', 'AfterSwitch'],
      ['conv-B', 'session-B', 'OnB'],
      ['conv-A', 'session-A', 'BackOnA'],
    ]);
  });

  it('gives no ids while no session of this provider is focused, or after it closed: events wait', async () => {
    const { cif, logger, widget, sessionsRead } = await mount({}, { focusedSession: null });
    reportKpi(widget, { kpiEventName: 'Unfocused' });
    await sessionsRead();
    expect(cif.calls).to.have.length(0);
    expect(logger.pendingCount).to.equal(1);
    await cif.focusSession('session-B');
    await logger.flush();
    await waitUntil(() => cif.calls.length === 1 && logger.pendingCount === 0, 'sent', { timeout: 2000, interval: 5 });
    await cif.closeSession('session-B');
    reportKpi(widget, { kpiEventName: 'AfterClose' });
    await sessionsRead();
    expect(rows(cif)).to.deep.equal([['conv-B', 'session-B', 'Unfocused']]);
    expect(logger.pendingCount).to.equal(1);
  });

  it('lets ids set on the logger win, field by field; the inspector says which came from the session', async () => {
    const { cif, logger, widget, sessionsRead } = await mount({ 'conversation-id': 'conv-explicit', debug: '' });
    await sessionsRead();
    reportKpi(widget, { kpiEventName: 'Mixed' });
    await logger.flush();
    expect(rows(cif)).to.deep.equal([['conv-explicit', 'session-A', 'Mixed']]);
    await waitUntil(
      () => logger.shadowRoot!.querySelector('[part~="context"]')?.textContent?.includes('session-A (focused session)'),
      'the inspector',
      { timeout: 3000, interval: 10 },
    );
    expect(logger.shadowRoot!.querySelector('[part~="context"]')!.textContent).to.contain('conv-explicit');
  });

  it('says once, clearly, when the session APIs refuse (outside Omnichannel), and the attributes still work', async () => {
    const { cif, root, logger, widget, sessionsRead } = await mount({ 'conversation-id': 'conv-attr' });
    cif.sessionReply = 'reject';
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    await cif.focusSession('session-B');
    await cif.focusSession('session-A');
    await waitUntil(() => errors.length > 0, 'the error', { timeout: 2000, interval: 5 });
    await sessionsRead();
    reportKpi(widget, { kpiEventName: 'Attr' });
    await logger.flush();
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([['session-unavailable', 'auto-context']]);
    expect(errors[0]!.message).to.contain(
      'the focused session could not be read (Associated Provider record not found (getFocusedSession))',
    );
    expect(errors[0]!.message).to.contain('only in Omnichannel for Customer Service');
    expect(rows(cif)).to.deep.equal([['conv-attr', '', 'Attr']]);
  });

  it('removes its handlers when it leaves the page or stops following, and adds them again when back', async () => {
    const { cif, root, logger } = await mount();
    await waitUntil(() => cif.handlers.get('onSessionSwitched')?.size === 1, 'added', { timeout: 2000, interval: 5 });
    logger.remove();
    expect(cif.handlers.get('onSessionSwitched')!.size).to.equal(0);
    expect(cif.handlers.get('onSessionClosed')!.size).to.equal(0);
    root.append(logger);
    await waitUntil(() => cif.handlers.get('onSessionSwitched')?.size === 1, 'again', { timeout: 2000, interval: 5 });
    logger.autoContext = false;
    await logger.updateComplete;
    expect(cif.handlers.get('onSessionSwitched')!.size).to.equal(0);
  });

  it('lets nothing reach the page when it stops following while the CIF library is not there', async () => {
    const { cif, root, logger } = await mount({}, { initDelay: null });
    cif.uninstall();
    delete window.Microsoft;
    // Its code arrives (the same module the logger asked for; it has had it a task later): then it waits for the
    // library.
    await import('../src/deliver/cif-aware.js');
    await nextTask();
    const errors = await pageErrorsDuring(async () => {
      logger.remove();
      root.append(logger);
      logger.autoContext = false;
      await logger.updateComplete;
    });
    expect(errors).to.deep.equal([]);
  });
});

describe('auto-context: each event keeps the session it was heard in', function () {
  // Hundreds of steps of a fake clock: quick, but more than the default on a loaded machine.
  this.timeout(20_000);
  /** Conversations by session, slow ones marked with their getSession delay. */
  const SLOW: Record<string, SimulatedSession> = {
    's-1': { conversationId: 'conv-1' },
    's-2': { conversationId: 'conv-2', delay: 400 },
    's-3': { conversationId: 'conv-3', delay: 5 },
  };

  async function mountClocked(attrs: Record<string, string> = {}, host: SimulatedCifHostOptions = {}) {
    const parts = await mount(attrs, { sessions: SLOW, focusedSession: 's-1', latency: 5, ...host });
    // The chunk loaded, the handlers added, the focused session and its conversation read: then time is the test's.
    await waitUntil(() => parts.cif.handlers.get('onSessionSwitched')?.size === 1, 'following', {
      timeout: 2000,
      interval: 5,
    });
    await parts.sessionsRead();
    return { ...parts, clock: fakeClock() };
  }

  /** Sends what is queued and lets the host answer. */
  async function drained(logger: Logger, clock: sinon.SinonFakeTimers) {
    const flushed = logger.flush();
    await clock.tickAsync(100);
    await flushed;
  }

  /** Focus moves as the host moves it: two notices, each a task of its own. */
  async function focus(cif: ReturnType<typeof readyHost>, clock: sinon.SinonFakeTimers, id: string | null) {
    const moved = cif.focusSession(id);
    await clock.tickAsync(1);
    await moved;
  }

  /** [conversationId, clientSessionId] of each event the host received, by kpiEventReason. */
  const byReason = (cif: ReturnType<typeof readyHost>) => {
    const out = new Map<string, string[]>();
    for (const call of cif.calls) {
      const data = call.data as {
        conversationId: string;
        clientSessionId?: string;
        events: Array<{ kpiEventReason: string }>;
      };
      for (const e of data.events) out.set(e.kpiEventReason, [data.conversationId, data.clientSessionId ?? '']);
    }
    return out;
  };

  it('files a steady stream across switches under the session focused at each event, however slow its read', async () => {
    const { cif, logger, widget, clock } = await mountClocked();
    const expected = new Map<string, string[]>();
    let n = 0;
    const stream = async (ms: number, session: string) => {
      for (let t = 0; t < ms; t += 5) {
        const reason = `e${n++}`;
        reportKpi(widget, { kpiEventName: 'Tick', kpiEventReason: reason });
        expected.set(reason, [SLOW[session]!.conversationId as string, session]);
        await clock.tickAsync(5);
      }
    };
    await stream(300, 's-1');
    await focus(cif, clock, 's-2');
    await stream(300, 's-2');
    await focus(cif, clock, 's-1');
    await stream(300, 's-1');
    await focus(cif, clock, 's-2');
    await stream(600, 's-2');
    await clock.tickAsync(2000);
    await drained(logger, clock);
    expect(logger.pendingCount).to.equal(0);
    const got = byReason(cif);
    const wrong = [...expected].filter(([reason, ids]) => got.get(reason)?.join() !== ids.join());
    expect(wrong.map(([reason, ids]) => `${reason}: expected ${ids} got ${got.get(reason)}`)).to.deep.equal([]);
  });

  it('rapid switching back and forth: each event keeps its session; a slow session is never overtaken', async () => {
    const { cif, logger, widget, clock } = await mountClocked();
    for (let i = 0; i < 50; i++) {
      const session = i % 2 === 0 ? 's-2' : 's-1';
      await focus(cif, clock, session);
      reportKpi(widget, { kpiEventName: 'Flip', kpiEventReason: `${session}#${i}` });
    }
    await focus(cif, clock, 's-2');
    reportKpi(widget, { kpiEventName: 'Slow', kpiEventReason: 's-2#slow' });
    await focus(cif, clock, 's-3');
    reportKpi(widget, { kpiEventName: 'Fast', kpiEventReason: 's-3#fast' });
    await clock.tickAsync(1000);
    await drained(logger, clock);
    const got = byReason(cif);
    expect(got.size).to.equal(52);
    for (const [reason, [conversation, session]] of got) {
      expect([reason, session], reason).to.deep.equal([reason, reason.split('#')[0]]);
      expect(conversation, reason).to.equal(SLOW[session!]!.conversationId);
    }
  });

  it('never gives an event heard with no session focused the ids of a session focused more than 1 s later', async () => {
    const { cif, root, logger, widget, clock } = await mountClocked();
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    await import('../src/report/stall-reasons.js'); // loaded, so that its import under the fake clock is at once
    const closed = cif.closeSession('s-1');
    await clock.tickAsync(1);
    await closed;
    await clock.tickAsync(300);
    reportKpi(widget, { kpiEventName: 'Orphan' });
    await clock.tickAsync(1500);
    await focus(cif, clock, 's-3');
    reportKpi(widget, { kpiEventName: 'OnThree' });
    await clock.tickAsync(100);
    await drained(logger, clock);
    expect(rows(cif)).to.deep.equal([['conv-3', 's-3', 'OnThree']]);
    expect(logger.pendingCount, 'the orphan waits for conversation-id').to.equal(1);
    await clock.tickAsync(6000);
    // The hint's reasons are looked for by a part loaded in real time (even when the page has it already, its import
    // takes a task): the warning comes once that has answered.
    await untilArrived(clock, () => warnings.some((w) => w.code === 'ids-missing'));
    const missing = warnings.filter((w) => w.code === 'ids-missing');
    expect(missing.map((w) => w.message)).to.deep.equal([
      '1 event(s) held over 5 s (heard while no session of this provider was focused, they take the ids set on the logger, not a session’s): conversation-id is not set',
    ]);
    logger.conversationId = 'conv-explicit';
    await clock.tickAsync(100);
    await drained(logger, clock);
    expect(rows(cif)).to.deep.equal([
      ['conv-3', 's-3', 'OnThree'],
      ['conv-explicit', '', 'Orphan'],
    ]);
  });

  it('gives an event heard between the two notices of a switch the session focused next (within 1 s)', async () => {
    const { cif, logger, widget, clock } = await mountClocked();
    const moved = cif.focusSession('s-3'); // s-1 focused:false now, s-3 focused:true in a task of its own
    await Promise.resolve();
    await clock.tickAsync(0);
    reportKpi(widget, { kpiEventName: 'Between' });
    await clock.tickAsync(10);
    await moved;
    await clock.tickAsync(100);
    await drained(logger, clock);
    expect(rows(cif)).to.deep.equal([['conv-3', 's-3', 'Between']]);
  });

  it('decides the session of an event heard with none focused also when the logger is moved meanwhile', async () => {
    const { cif, root, logger, widget, clock } = await mountClocked();
    await focus(cif, clock, null);
    reportKpi(widget, { kpiEventName: 'Moved' });
    logger.remove();
    root.append(logger);
    await clock.tickAsync(200);
    await focus(cif, clock, 's-3');
    await clock.tickAsync(100);
    await drained(logger, clock);
    expect(rows(cif)).to.deep.equal([['conv-3', 's-3', 'Moved']]);
  });

  it('gives an event heard before it knows the focus again the session whose focus ends next', async () => {
    const { cif, root, logger, widget, clock } = await mountClocked();
    logger.remove();
    root.append(logger); // it reads the focused session again (5 ms)
    await clock.tickAsync(0);
    reportKpi(widget, { kpiEventName: 'Readded' });
    await focus(cif, clock, null); // s-1 focused:false comes before the answer: s-1 had the focus until now
    await clock.tickAsync(100);
    await drained(logger, clock);
    expect(rows(cif)).to.deep.equal([['conv-1', 's-1', 'Readded']]);
  });

  it('takes a conversationId answered as a number as text, and never another session’s for an unusable one', async () => {
    const sessions = {
      's-1': { conversationId: 'conv-1' },
      num: { conversationId: 4242 },
      obj: { conversationId: { id: 'x' } },
    };
    const { cif, root, logger, widget, clock } = await mountClocked({}, { sessions });
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    await focus(cif, clock, 'num');
    reportKpi(widget, { kpiEventName: 'Number' });
    await focus(cif, clock, 'obj');
    reportKpi(widget, { kpiEventName: 'Object' });
    await focus(cif, clock, 's-1');
    reportKpi(widget, { kpiEventName: 'One' });
    await clock.tickAsync(100);
    await drained(logger, clock);
    expect(rows(cif).sort()).to.deep.equal([
      ['4242', 'num', 'Number'],
      ['conv-1', 's-1', 'One'],
    ]);
    expect(logger.pendingCount).to.equal(1);
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([['invalid-context', 'conversationId']]);
    expect(errors[0]!.message).to.contain('session obj');
  });

  it('with conversation-id set, still takes clientSessionId from the session, at once', async () => {
    const { cif, logger, widget, clock } = await mountClocked({ 'conversation-id': 'conv-explicit' });
    await focus(cif, clock, 's-2'); // its read takes 400 ms; its conversation is not needed
    reportKpi(widget, { kpiEventName: 'Explicit' });
    await drained(logger, clock);
    expect(rows(cif)).to.deep.equal([['conv-explicit', 's-2', 'Explicit']]);
  });
});
