import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { CifKpiErrorDetail } from '../src/vocabulary/logger-events.js';
import type { SimulatedCifHostOptions } from '../src/testing/simulated-cif-host.js';
import { collect, pageErrorsDuring, readyHost, reportKpi, type Logger } from './support/harness.js';

const SESSIONS = {
  'session-A': { conversationId: 'conv-A' },
  'session-B': { conversationId: 'conv-B' },
};

async function mount(attrs: Record<string, string> = {}, host: SimulatedCifHostOptions = {}) {
  const cif = readyHost({ sessions: SESSIONS, focusedSession: 'session-A', latency: 5, ...host });
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
  return { cif, root, logger, widget: root.querySelector('span')! };
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
    const { cif, logger, widget } = await mount({}, { latency: 20 });
    await waitUntil(() => logger.stats.held === 0 && cif.calls.length === 0, 'ready', { timeout: 2000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 60)); // session A read
    reportKpi(widget, { kpiEventName: 'OnA' });
    await cif.focusSession('session-B'); // both notices delivered; session B is being read (20 ms)
    reportKpi(widget, { kpiEventName: 'AfterSwitch' });
    await new Promise((resolve) => setTimeout(resolve, 60));
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
    const { cif, logger, widget } = await mount({}, { focusedSession: null });
    reportKpi(widget, { kpiEventName: 'Unfocused' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cif.calls).to.have.length(0);
    expect(logger.pendingCount).to.equal(1);
    await cif.focusSession('session-B');
    await logger.flush();
    await waitUntil(() => cif.calls.length === 1, 'sent', { timeout: 2000, interval: 5 });
    await cif.closeSession('session-B');
    reportKpi(widget, { kpiEventName: 'AfterClose' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(rows(cif)).to.deep.equal([['conv-B', 'session-B', 'Unfocused']]);
    expect(logger.pendingCount).to.equal(1);
  });

  it('lets ids set on the logger win, field by field; the inspector says which came from the session', async () => {
    const { cif, logger, widget } = await mount({ 'conversation-id': 'conv-explicit', debug: '' });
    await new Promise((resolve) => setTimeout(resolve, 60));
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
    const { cif, root, logger, widget } = await mount({ 'conversation-id': 'conv-attr' });
    cif.sessionReply = 'reject';
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    await cif.focusSession('session-B');
    await cif.focusSession('session-A');
    await waitUntil(() => errors.length > 0, 'the error', { timeout: 2000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 60));
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
    // Its code arrives in real time: then it waits for the library.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const errors = await pageErrorsDuring(async () => {
      logger.remove();
      root.append(logger);
      logger.autoContext = false;
      await logger.updateComplete;
    });
    expect(errors).to.deep.equal([]);
  });
});
