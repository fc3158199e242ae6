import { expect, fixture, html, waitUntil, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../src/define.js';
import { checkCifCall } from '../src/testing/simulated-cif-host.js';
import type { CifKpiErrorDetail, CifKpiSentDetail, CifKpiWarningDetail } from '../src/vocabulary/logger-events.js';
import type { CifKpiEventDetail } from '../src/vocabulary/cif-contract.js';
import {
  GUID,
  collect,
  pageErrorsDuring,
  readyHost,
  reportKpi,
  startHost,
  fakeClock,
  loggerLocks,
  nextTask,
  untilStoreOpen,
  type Logger,
} from './support/harness.js';

interface Page {
  root: HTMLElement;
  logger: Logger;
  widget: HTMLElement;
}

async function page(attrs = 'conversation-id="conv-1" provider-session-id="prov-1" flush-delay="0"'): Promise<Page> {
  const locks = await loggerLocks();
  const root = await fixture<HTMLElement>(
    html`<div>
      <button id="widget">widget</button>
      <cif-kpi-logger></cif-kpi-logger>
    </div>`,
  );
  const logger = root.querySelector('cif-kpi-logger')!;
  for (const match of attrs.matchAll(/([\w-]+)="([^"]*)"/g)) logger.setAttribute(match[1]!, match[2]!);
  await logger.updateComplete;
  // Timing tests count from here: the logger must not still be opening its stored queue.
  if (!/\bno-persist\b/.test(attrs)) await untilStoreOpen(locks);
  return { root, logger, widget: root.querySelector('#widget')! };
}

describe('<cif-kpi-logger> core path', () => {
  it('turns a sibling widget event into one valid logAnalyticsEvent call', async () => {
    const host = readyHost();
    const { logger, widget } = await page(
      'conversation-id="conv-1" provider-session-id="prov-1" client-session-id="cli-1" participant-id="agent-7" flush-delay="0"',
    );
    const sent = collect<CifKpiSentDetail>(logger, 'cif-kpi-sent');
    reportKpi(widget, { kpiEventName: 'CallHold', kpiEventReason: 'Agent put the call on hold' });
    await oneEvent(logger, 'cif-kpi-sent');

    expect(host.calls).to.have.length(1);
    const call = host.calls[0]!;
    expect(call.violations).to.deep.equal([]);
    expect(call.argumentCount).to.equal(2);
    expect(call.eventName).to.equal('CallHold');
    const data = call.data as Record<string, unknown>;
    expect(Object.keys(data)).to.deep.equal([
      'conversationId',
      'providerSessionId',
      'clientSessionId',
      'participantId',
      'events',
    ]);
    expect(data).to.deep.include({
      conversationId: 'conv-1',
      providerSessionId: 'prov-1',
      clientSessionId: 'cli-1',
      participantId: 'agent-7',
    });
    const [event] = data.events as Array<Record<string, string>>;
    expect(event!.kpiEventName).to.equal('CallHold');
    expect(event!.kpiEventReason).to.equal('Agent put the call on hold');
    expect(event!.eventTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(sent[0]).to.deep.equal({
      data: call.data,
      eventName: 'CallHold',
      correlationId: undefined,
      result: 'Success',
    });
    expect(checkCifCall([call.data, call.eventName])).to.deep.equal([]);
  });
});

describe('<cif-kpi-logger> events, wherever the page listens', () => {
  it('reach typed listeners on the document and the window', async () => {
    readyHost();
    const { logger, widget } = await page();
    const seen: string[] = [];
    // Typed through DocumentEventMap and WindowEventMap: `detail` needs no cast.
    const onDocument = (event: DocumentEventMap['cif-kpi-sent']) => seen.push(`document ${event.detail.eventName}`);
    const onWindow = (event: WindowEventMap['cif-kpi-sent']) => seen.push(`window ${event.detail.data.events.length}`);
    document.addEventListener('cif-kpi-sent', onDocument);
    window.addEventListener('cif-kpi-sent', onWindow);
    try {
      reportKpi(widget, { kpiEventName: 'Typed' });
      await logger.flush();
    } finally {
      document.removeEventListener('cif-kpi-sent', onDocument);
      window.removeEventListener('cif-kpi-sent', onWindow);
    }
    expect(seen).to.deep.equal(['document Typed', 'window 1']);
  });
});

describe('<cif-kpi-logger> call arguments', () => {
  it('uses event-name as the eventName argument when set', async () => {
    const host = readyHost();
    const { logger, widget } = await page(
      'conversation-id="c" provider-session-id="p" event-name="Softphone" flush-delay="0"',
    );
    reportKpi(widget, { kpiEventName: 'CallHold' });
    reportKpi(widget, { kpiEventName: 'CallResume' });
    await logger.flush();
    expect(host.calls).to.have.length(1);
    expect(host.calls[0]!.eventName).to.equal('Softphone');
    expect(host.events.map((e) => (e as { kpiEventName: string }).kpiEventName)).to.deep.equal([
      'CallHold',
      'CallResume',
    ]);
  });

  it('passes a GUID correlation-id as the third argument', async () => {
    const host = readyHost();
    const { logger, widget } = await page(
      `conversation-id="c" provider-session-id="p" correlation-id="${GUID}" flush-delay="0"`,
    );
    reportKpi(widget, { kpiEventName: 'CallHold' });
    await logger.flush();
    expect(host.calls[0]!.argumentCount).to.equal(3);
    expect(host.calls[0]!.correlationId).to.equal(GUID);
  });

  it('reports a correlation-id that is not a GUID once, and sends without it', async () => {
    const host = readyHost();
    const root = await fixture<HTMLElement>(html`<div><span></span></div>`);
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const logger = document.createElement('cif-kpi-logger');
    logger.setAttribute('conversation-id', 'c');
    logger.setAttribute('provider-session-id', 'p');
    logger.setAttribute('correlation-id', 'ticket-42');
    logger.setAttribute('flush-delay', '0');
    root.append(logger);
    await logger.updateComplete;
    reportKpi(root.firstElementChild!, { kpiEventName: 'A' });
    reportKpi(root.firstElementChild!, { kpiEventName: 'A' });
    await logger.flush();
    expect(errors.map((e) => e.code)).to.deep.equal(['invalid-correlation-id']);
    expect(errors[0]!.message).to.contain('ticket-42');
    expect(host.calls[0]!.argumentCount).to.equal(2);
    expect(host.calls[0]!.violations).to.deep.equal([]);
  });
});

describe('<cif-kpi-logger> delivery settings', () => {
  it('says once which setting is unusable and what it uses instead, and the property holds what is used', async () => {
    const host = readyHost();
    const root = await fixture<HTMLElement>(html`<div><span></span></div>`);
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const printed = sinon.stub(console, 'error');
    const logger = document.createElement('cif-kpi-logger');
    logger.setAttribute('conversation-id', 'c');
    logger.setAttribute('provider-session-id', 'p');
    logger.setAttribute('flush-delay', 'fast');
    logger.setAttribute('max-retries', '-3');
    logger.setAttribute('max-batch', '2.5');
    root.append(logger);
    await logger.updateComplete;
    expect([logger.flushDelay, logger.maxRetries, logger.maxBatch]).to.deep.equal([500, 0, 2]);
    // What to say is a chunk of its own: said a moment later.
    await waitUntil(() => errors.length === 3, 'the errors', { timeout: 2000, interval: 10 });
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([
      ['invalid-attribute', 'flush-delay'],
      ['invalid-attribute', 'max-batch'],
      ['invalid-attribute', 'max-retries'],
    ]);
    expect(errors[0]!.message).to.equal('flush-delay "fast" is not a number: the default 500 is used');
    expect(errors[2]!.message).to.equal('max-retries "-3" is below its least (0): 0 is used');
    expect(printed.getCalls().map((call) => call.args[1])).to.deep.equal(errors.map((e) => e.message));
    printed.restore();
    // The words are loaded now: anything said again would be said once the update's promises have run.
    logger.conversationId = 'c2'; // another update: nothing said again
    await logger.updateComplete;
    await nextTask();
    expect(errors).to.have.length(3);
    logger.removeAttribute('flush-delay'); // back to the default, silently
    logger.setAttribute('max-batch', '3');
    await logger.updateComplete;
    await nextTask();
    expect([logger.flushDelay, logger.maxBatch]).to.deep.equal([500, 3]);
    expect(errors).to.have.length(3);
    reportKpi(root.firstElementChild!, { kpiEventName: 'A' });
    await logger.flush();
    expect(host.calls).to.have.length(1);
  });
});

describe('<cif-kpi-logger> console', () => {
  afterEach(() => sinon.restore());

  it('prints each problem once by default (warn), with the element, and counts repeats', async () => {
    readyHost();
    const error = sinon.stub(console, 'error');
    const warn = sinon.stub(console, 'warn');
    const info = sinon.stub(console, 'info');
    const { logger, widget } = await page();
    for (let i = 0; i < 10; i++) reportKpi(widget, { kpiEventName: '' });
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'x'.repeat(150) });
    await logger.flush();
    expect(error.getCalls().map((call) => call.args.slice(0, 1).concat(call.args[2] === logger))).to.deep.equal([
      ['[cif-kpi-logger]', true],
      ['[cif-kpi-logger]', true],
    ]);
    expect(error.firstCall.args[1]).to.contain('kpiEventName');
    expect(error.secondCall.args[1]).to.match(/\(10 times\)$/);
    expect(warn.callCount).to.equal(1);
    expect(warn.firstCall.args[1]).to.contain('kpiEventReason');
    expect(info.callCount, 'calls are printed at info only').to.equal(0);
  });

  it('prints nothing at log-level="none", each call at "info", and reports a level it does not know', async () => {
    readyHost();
    const error = sinon.stub(console, 'error');
    const info = sinon.stub(console, 'info');
    const { root, logger, widget } = await page(
      'conversation-id="c" provider-session-id="p" flush-delay="0" log-level="none"',
    );
    reportKpi(widget, { kpiEventName: '' });
    await logger.flush();
    expect(error.callCount).to.equal(0);
    logger.logLevel = 'info';
    await logger.updateComplete;
    reportKpi(widget, { kpiEventName: 'A' });
    await logger.flush();
    expect(info.firstCall.args.slice(0, 2)).to.deep.equal(['[cif-kpi-logger]', 'sent 1 event(s) as "A"']);
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    logger.setAttribute('log-level', 'verbose');
    await logger.updateComplete;
    expect(logger.logLevel).to.equal('warn');
    await waitUntil(() => errors.length === 1, 'the error', { timeout: 2000, interval: 10 });
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([['invalid-attribute', 'log-level']]);
    expect(error.lastCall.args[1]).to.equal(
      'log-level "verbose" is not one of none, error, warn, info, debug: warn is used',
    );
  });
});

describe('<cif-kpi-logger> console, the first time', () => {
  it('prints what was said before its printing code loaded, in order, once it has', async () => {
    const frame = document.createElement('iframe');
    frame.src = '/test/pages/provider-page.html?name=first-print';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    try {
      await loaded;
      const inner = frame.contentWindow as Window & typeof globalThis;
      const logger = inner.document.querySelector('cif-kpi-logger')!;
      await logger.updateComplete;
      const error = sinon.stub(inner.console, 'error');
      const warn = sinon.stub(inner.console, 'warn');
      void logger.log({ kpiEventName: '' });
      void logger.log({ kpiEventName: 'A', kpiEventReason: 'r'.repeat(150) });
      void logger.log({ kpiEventName: 'x'.repeat(101) });
      expect(error.callCount + warn.callCount, 'not loaded yet').to.equal(0);
      await waitUntil(() => error.callCount === 2, 'both errors printed', { timeout: 3000, interval: 10 });
      expect(error.getCalls().map((call) => call.args[1])).to.deep.equal([
        'kpiEventName must be a non-empty string; got ""',
        'kpiEventName value is 101 characters; its column holds 100',
      ]);
      expect(warn.firstCall.args[1]).to.contain('kpiEventReason');
      expect(error.firstCall.calledBefore(warn.firstCall)).to.equal(true);
      expect(warn.firstCall.calledBefore(error.secondCall)).to.equal(true);
    } finally {
      frame.remove();
    }
  });
});

describe('<cif-kpi-logger> events held for long', () => {
  it('says after 5 s, once, that ids are missing (and which attribute looks like one) and that CIF has not appeared', async () => {
    await import('../src/report/stall-reasons.js'); // the chunk the logger loads when it looks, loaded already
    const clock = fakeClock();
    const warn = sinon.stub(console, 'warn');
    const { root, logger, widget } = await page('conversationid="c" provider-session-id="p" flush-delay="0"');
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    reportKpi(widget, { kpiEventName: 'A' });
    await clock.tickAsync(4999);
    expect(warnings).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(warnings.map((w) => w.code)).to.deep.equal(['ids-missing', 'host-not-found']);
    // The same words in the console, with the element.
    expect(warn.getCalls().map((call) => call.args)).to.deep.equal(
      warnings.map((w) => ['[cif-kpi-logger]', w.message, logger]),
    );
    warn.restore();
    expect(warnings[0]!.message).to.contain('conversation-id is not set; the element has "conversationid"');
    expect(warnings[0]).to.not.have.property('event');
    reportKpi(widget, { kpiEventName: 'B' });
    await clock.tickAsync(20_000);
    expect(warnings, 'said once while it lasts').to.have.length(2);
    logger.conversationId = 'c';
    const host = startHost();
    await clock.tickAsync(500);
    expect(host.calls.map((c) => c.eventName)).to.deep.equal(['A', 'B']);
    await clock.tickAsync(20_000);
    expect(warnings).to.have.length(2);
    expect(logger.pendingCount).to.equal(0);
  });

  it('says nothing when events are delivered in time', async () => {
    const clock = fakeClock();
    const { root, widget } = await page();
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    reportKpi(widget, { kpiEventName: 'A' });
    await clock.tickAsync(1000);
    const host = startHost();
    await clock.tickAsync(10_000);
    expect(host.calls).to.have.length(1);
    expect(warnings).to.deep.equal([]);
  });
});

describe('<cif-kpi-logger> capture', () => {
  it('hears composed events from open and closed shadow roots of sibling widgets', async () => {
    const host = readyHost();
    const { root, logger } = await page();
    const openHost = document.createElement('div');
    const closedHost = document.createElement('div');
    root.prepend(openHost, closedHost);
    const openButton = openHost.attachShadow({ mode: 'open' }).appendChild(document.createElement('button'));
    const closedButton = closedHost.attachShadow({ mode: 'closed' }).appendChild(document.createElement('button'));
    reportKpi(openButton, { kpiEventName: 'FromOpen' });
    reportKpi(closedButton, { kpiEventName: 'FromClosed' });
    await logger.flush();
    expect(host.events.map((e) => (e as { kpiEventName: string }).kpiEventName)).to.deep.equal([
      'FromOpen',
      'FromClosed',
    ]);
  });

  it('does not hear a non-composed event from inside a shadow root', async () => {
    const host = readyHost();
    const { root, logger } = await page();
    const shadowHost = root.appendChild(document.createElement('div'));
    const inner = shadowHost.attachShadow({ mode: 'open' }).appendChild(document.createElement('button'));
    reportKpi(inner, { kpiEventName: 'Hidden' }, { bubbles: true, composed: false });
    await logger.flush();
    expect(host.calls).to.have.length(0);
    expect(logger.pendingCount).to.equal(0);
  });

  it('hears a widget event even when the widget stops its propagation or does not bubble it', async () => {
    const host = readyHost();
    const { logger, widget } = await page();
    widget.addEventListener('cif-kpi', (event) => event.stopPropagation());
    reportKpi(widget, { kpiEventName: 'Stopped' });
    reportKpi(widget, { kpiEventName: 'NotBubbling' }, { bubbles: false, composed: true });
    await logger.flush();
    expect(host.events.map((e) => (e as { kpiEventName: string }).kpiEventName)).to.deep.equal([
      'Stopped',
      'NotBubbling',
    ]);
  });

  it('hears only its parent by default, the whole document with scope="document", or the element with that id', async () => {
    const host = readyHost();
    const outside = await fixture<HTMLElement>(html`<section id="panel"><button>outside</button></section>`);
    const { logger, widget } = await page();
    reportKpi(outside.firstElementChild!, { kpiEventName: 'Outside' });
    reportKpi(widget, { kpiEventName: 'Inside' });
    await logger.flush();
    expect(host.events.map((e) => (e as { kpiEventName: string }).kpiEventName)).to.deep.equal(['Inside']);

    logger.scope = 'document';
    await logger.updateComplete;
    reportKpi(outside.firstElementChild!, { kpiEventName: 'Document' });
    await logger.flush();

    logger.scope = 'panel';
    await logger.updateComplete;
    reportKpi(outside.firstElementChild!, { kpiEventName: 'Panel' });
    reportKpi(widget, { kpiEventName: 'NotInPanel' });
    await logger.flush();
    expect(host.events.map((e) => (e as { kpiEventName: string }).kpiEventName)).to.deep.equal([
      'Inside',
      'Document',
      'Panel',
    ]);
  });

  it('reports a scope id that is not there yet, and hears the element once it appears', async () => {
    const host = readyHost();
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const logger = document.createElement('cif-kpi-logger');
    logger.setAttribute('conversation-id', 'c');
    logger.setAttribute('provider-session-id', 'p');
    logger.setAttribute('scope', 'later-panel');
    root.append(logger);
    await logger.updateComplete;
    // Waiting for a missing scope, and saying so, is a part loaded then.
    await waitUntil(() => errors.length > 0, 'scope-not-found', { timeout: 2000, interval: 5 });
    expect(errors.map((e) => e.code)).to.deep.equal(['scope-not-found']);
    const panel = document.createElement('div');
    panel.id = 'later-panel';
    root.append(panel);
    await Promise.resolve(); // the MutationObserver's notice
    reportKpi(panel, { kpiEventName: 'Late' });
    await logger.flush();
    expect(host.events).to.have.length(1);
  });

  it('stops hearing when removed from the page, but still delivers what it captured', async () => {
    const host = startHost({ initDelay: null });
    const { root, logger, widget } = await page();
    reportKpi(widget, { kpiEventName: 'Before' });
    logger.remove();
    reportKpi(widget, { kpiEventName: 'After' });
    host.appear();
    await logger.flush();
    expect(host.events.map((e) => (e as { kpiEventName: string }).kpiEventName)).to.deep.equal(['Before']);
    expect(root.isConnected).to.equal(true);
  });

  it('logs an event once when two loggers share it: the innermost one', async () => {
    const host = readyHost();
    const root = await fixture<HTMLElement>(html`
      <div>
        <cif-kpi-logger id="outer" conversation-id="outer" provider-session-id="p" flush-delay="0"></cif-kpi-logger>
        <div>
          <cif-kpi-logger id="inner" conversation-id="inner" provider-session-id="p" flush-delay="0"></cif-kpi-logger>
          <button id="deep">deep</button>
        </div>
        <button id="shallow">shallow</button>
      </div>
    `);
    const outer = root.querySelector<Logger>('#outer')!;
    const inner = root.querySelector<Logger>('#inner')!;
    await Promise.all([outer.updateComplete, inner.updateComplete]);
    reportKpi(root.querySelector('#deep')!, { kpiEventName: 'Deep' });
    reportKpi(root.querySelector('#shallow')!, { kpiEventName: 'Shallow' });
    await Promise.all([outer.flush(), inner.flush()]);
    const byConversation = host.calls.map((c) => [(c.data as { conversationId: string }).conversationId, c.eventName]);
    expect(byConversation).to.have.deep.members([
      ['inner', 'Deep'],
      ['outer', 'Shallow'],
    ]);
    expect(host.calls).to.have.length(2);
  });
});

describe('<cif-kpi-logger> validation', () => {
  it('fires a specific cif-kpi-error for a bad event and still sends the good ones around it', async () => {
    const host = readyHost();
    const { root, logger, widget } = await page();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const bad = { kpiEventName: 'x'.repeat(101) };
    reportKpi(widget, { kpiEventName: 'First' });
    reportKpi(widget, bad);
    reportKpi(widget, 'not an object');
    reportKpi(widget, { kpiEventName: 'Last' });
    await logger.flush();
    expect(errors.map((e) => e.code)).to.deep.equal(['value-too-long', 'invalid-detail']);
    expect(errors[0]!.event).to.equal(bad);
    expect(errors[0]!.field).to.equal('kpiEventName');
    expect(host.events.map((e) => (e as { kpiEventName: string }).kpiEventName)).to.deep.equal(['First', 'Last']);
    expect(host.calls.every((c) => c.violations.length === 0)).to.equal(true);
  });

  it('fires cif-kpi-error with bubbles and composed set', async () => {
    readyHost();
    const { logger, widget } = await page();
    const seen: CustomEvent[] = [];
    logger.addEventListener('cif-kpi-error', (event) => seen.push(event));
    reportKpi(widget, {});
    expect(seen).to.have.length(1);
    expect(seen[0]!.bubbles).to.equal(true);
    expect(seen[0]!.composed).to.equal(true);
  });

  it('sends a truncated event and reports the truncation as a warning', async () => {
    const host = readyHost();
    const { root, logger, widget } = await page();
    const warnings = collect<{ code: string; field: string }>(root, 'cif-kpi-warning');
    reportKpi(widget, { kpiEventName: 'A', additionalData: 'x'.repeat(3000) });
    await logger.flush();
    expect(warnings.map((w) => [w.code, w.field])).to.deep.equal([['value-truncated', 'additionalData']]);
    expect((host.events[0] as { additionalData: string }).additionalData).to.have.length(2000);
  });

  it('holds events while an id is longer than its column, says so once, and sends them once it is fixed', async () => {
    const host = readyHost();
    const { root, logger, widget } = await page();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    logger.conversationId = 'c'.repeat(101);
    reportKpi(widget, { kpiEventName: 'A' });
    reportKpi(widget, { kpiEventName: 'B' });
    await logger.flush();
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([['invalid-context', 'conversationId']]);
    expect(errors[0]!.message).to.contain('101 characters');
    expect(host.calls).to.have.length(0);
    expect(logger.pendingCount).to.equal(2);
    logger.conversationId = 'c-fixed';
    await logger.flush();
    expect(host.events).to.have.length(2);
    expect((host.calls[0]!.data as { conversationId: string }).conversationId).to.equal('c-fixed');
  });
});

describe('<cif-kpi-logger> and the CIF host', () => {
  it('holds events until the library announces itself late, then sends them in capture order', async () => {
    const clock = fakeClock();
    const host = startHost({ initDelay: 150 });
    const { logger, widget } = await page();
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: '1' });
    reportKpi(widget, { kpiEventName: 'B', kpiEventReason: '2' });
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: '3' });
    expect(logger.hostReady).to.equal(false);
    await clock.tickAsync(149);
    expect(host.calls).to.have.length(0);
    expect(logger.pendingCount).to.equal(3);
    const flushed = logger.flush();
    await clock.tickAsync(10);
    await flushed;
    expect(logger.hostReady).to.equal(true);
    expect(host.events.map((e) => (e as { kpiEventReason: string }).kpiEventReason)).to.deep.equal(['1', '3', '2']);
    expect(host.calls.map((c) => c.eventName)).to.deep.equal(['A', 'B']);
  });

  it('finds a library whose CIFInitDone it missed', async () => {
    const clock = fakeClock();
    const host = startHost({ initDelay: 30, announce: false });
    const { widget } = await page();
    reportKpi(widget, { kpiEventName: 'A' });
    await clock.tickAsync(199);
    expect(host.installed && host.calls.length).to.equal(0);
    await clock.tickAsync(2); // the next check for the library, every 200 ms
    expect(host.calls).to.have.length(1);
  });

  for (const shape of ['map', 'json', 'object'] as const) {
    it(`fires host-rejected with the host's message when it rejects with ${shape === 'map' ? 'a Map' : shape === 'json' ? 'a JSON string' : 'an object'}`, async () => {
      const host = readyHost();
      host.queueReplies({ kind: 'reject', shape, message: 'Conversation does not exist', name: 'logAnalyticsEvent' });
      const { root, logger, widget } = await page(
        'conversation-id="c" provider-session-id="p" flush-delay="0" max-retries="0"',
      );
      const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
      const sent = collect(root, 'cif-kpi-sent');
      reportKpi(widget, { kpiEventName: 'A' });
      await logger.flush();
      expect(errors).to.have.length(1);
      expect(errors[0]!.code).to.equal('host-rejected');
      expect(errors[0]!.attempt).to.equal(1);
      expect(errors[0]).to.not.have.property('retryIn');
      expect(errors[0]!.message).to.equal('Conversation does not exist (logAnalyticsEvent)');
      expect(errors[0]!.events!.map((e) => e.kpiEventName)).to.deep.equal(['A']);
      expect(errors[0]!.call!.eventName).to.equal('A');
      expect(sent).to.have.length(0);
    });
  }

  it('contains a host that throws, and keeps sending later events', async () => {
    const host = readyHost();
    host.queueReplies({ kind: 'throw', message: 'CIFramework internal error' });
    const { root, logger, widget } = await page(
      'conversation-id="c" provider-session-id="p" flush-delay="0" max-retries="0"',
    );
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const pageErrors = await pageErrorsDuring(async () => {
      reportKpi(widget, { kpiEventName: 'A' });
      await logger.flush();
      reportKpi(widget, { kpiEventName: 'B' });
      await logger.flush();
    });
    expect(pageErrors).to.deep.equal([]);
    expect(errors.map((e) => [e.code, e.message])).to.deep.equal([['host-rejected', 'CIFramework internal error']]);
    expect(host.calls.map((c) => c.outcome)).to.deep.equal(['threw', 'resolved']);
  });

  it('fails a call the host never answers after call-timeout, and moves on', async () => {
    const host = readyHost();
    host.queueReplies({ kind: 'stall' });
    const { root, logger, widget } = await page(
      'conversation-id="c" provider-session-id="p" flush-delay="0" call-timeout="40" max-retries="0"',
    );
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    reportKpi(widget, { kpiEventName: 'Stalled' });
    await logger.flush();
    reportKpi(widget, { kpiEventName: 'Next' });
    await logger.flush();
    expect(errors.map((e) => e.code)).to.deep.equal(['host-timeout']);
    expect(errors[0]!.message).to.contain('40 ms');
    expect(host.calls.map((c) => c.eventName)).to.deep.equal(['Stalled', 'Next']);
  });
});

describe('<cif-kpi-logger> storage', () => {
  /** How many segments (`cif-kpi-logger:v2:<owner>:<n>`) were written to storage while `during` ran. */
  async function segmentWrites(during: () => Promise<void>): Promise<number> {
    const setItem = sinon.spy(Storage.prototype, 'setItem');
    try {
      await during();
      return setItem.getCalls().filter((call) => /^cif-kpi-logger:v2:[^:]+:\d+$/.test(String(call.args[0]))).length;
    } finally {
      setItem.restore();
    }
  }

  it('writes nothing to storage for a burst the host answers within the save interval', async () => {
    const clock = fakeClock();
    readyHost();
    const { logger, widget } = await page('conversation-id="conv-1" provider-session-id="prov-1"');
    const writes = await segmentWrites(async () => {
      for (let i = 0; i < 500; i++) reportKpi(widget, { kpiEventName: 'Burst' });
      await clock.tickAsync(1200); // past the save interval (and flush-delay, 500 ms)
      expect(logger.stats.sent, 'every event sent').to.equal(500);
      await clock.tickAsync(1200); // a whole save interval more
    });
    expect(writes).to.equal(0);
  });

  it('writes a burst the host has not answered by the save interval, in segments of 100', async () => {
    const clock = fakeClock();
    startHost({ initDelay: null }); // the library never appears
    const { logger, widget } = await page('conversation-id="conv-1" provider-session-id="prov-1"');
    const writes = await segmentWrites(async () => {
      for (let i = 0; i < 500; i++) reportKpi(widget, { kpiEventName: 'Burst' });
      await clock.tickAsync(1200);
    });
    expect(writes).to.equal(5);
    expect(logger.stats.held).to.equal(500);
  });
});

describe('<cif-kpi-logger> context', () => {
  it('stamps each event with the ids in force when it was captured, even if they change before sending', async () => {
    const host = startHost({ initDelay: null });
    const { logger, widget } = await page();
    reportKpi(widget, { kpiEventName: 'A' });
    logger.conversationId = 'conv-2';
    reportKpi(widget, { kpiEventName: 'A' });
    logger.setAttribute('provider-session-id', 'prov-2');
    reportKpi(widget, { kpiEventName: 'A' });
    host.appear();
    await logger.flush();
    expect(
      host.calls.map((c) => [
        (c.data as { conversationId: string }).conversationId,
        (c.data as { providerSessionId: string }).providerSessionId,
      ]),
    ).to.deep.equal([
      ['conv-1', 'prov-1'],
      ['conv-2', 'prov-1'],
      ['conv-2', 'prov-2'],
    ]);
  });

  it('holds events captured before both ids are set, and sends them once they are, never incomplete', async () => {
    const host = readyHost();
    const { logger, widget } = await page('flush-delay="0"');
    reportKpi(widget, { kpiEventName: 'Early', eventTimestamp: '2026-11-28T10:00:00.000Z' });
    logger.conversationId = 'c';
    reportKpi(widget, { kpiEventName: 'Early' });
    await logger.flush();
    expect(host.calls).to.have.length(0);
    expect(logger.pendingCount).to.equal(2);
    logger.providerSessionId = 'p';
    await logger.updateComplete;
    await logger.flush();
    expect(host.calls).to.have.length(1);
    expect(host.calls[0]!.violations).to.deep.equal([]);
    expect(host.events).to.have.length(2);
    expect((host.events[0] as { eventTimestamp: string }).eventTimestamp).to.equal('2026-11-28T10:00:00.000Z');
  });
});

describe('<cif-kpi-logger> JS API', () => {
  it('log() resolves with sent, invalid or failed, and never rejects', async () => {
    const host = readyHost();
    const { logger } = await page();
    const sent = await logger.log({ kpiEventName: 'A', customData: { msdyn_customattribute1: 'gold' } });
    expect(sent.status).to.equal('sent');
    if (sent.status === 'sent') expect(sent.result).to.equal('Success');

    const invalid = await logger.log({ kpiEventName: 'A', eventTimestamp: 'soon' });
    expect(invalid.status).to.equal('invalid');
    if (invalid.status === 'invalid') expect(invalid.problem.code).to.equal('invalid-timestamp');

    logger.maxRetries = 0;
    await logger.updateComplete;
    host.queueReplies({ kind: 'reject', shape: 'object', message: 'Denied' });
    const rejected = await logger.log({ kpiEventName: 'A' });
    expect(rejected.status).to.equal('failed');
    if (rejected.status === 'failed') expect(rejected.problem.message).to.contain('Denied');
    expect(host.calls).to.have.length(2);
  });

  it('log() fires the same events as a widget event', async () => {
    readyHost();
    const { root, logger } = await page();
    const sent = collect<CifKpiSentDetail>(root, 'cif-kpi-sent');
    await logger.log({ kpiEventName: 'FromApi' });
    expect(sent[0]!.data.events[0]!.kpiEventName).to.equal('FromApi');
  });

  it('flush() sends at once what flush-delay would hold back', async () => {
    const clock = fakeClock();
    const host = readyHost();
    const { logger, widget } = await page('conversation-id="c" provider-session-id="p" flush-delay="600000"');
    reportKpi(widget, { kpiEventName: 'A' });
    reportKpi(widget, { kpiEventName: 'A' });
    await clock.tickAsync(599_999);
    expect(host.calls).to.have.length(0);
    const flushed = logger.flush();
    await clock.tickAsync(1);
    await flushed;
    expect(host.calls).to.have.length(1);
    expect(host.events).to.have.length(2);
  });

  it('batches events within flush-delay into one call', async () => {
    const clock = fakeClock();
    const host = readyHost();
    const { logger, widget } = await page('conversation-id="c" provider-session-id="p" flush-delay="30"');
    const sent = collect(logger, 'cif-kpi-sent');
    reportKpi(widget, { kpiEventName: 'A' });
    await clock.tickAsync(20);
    for (let i = 0; i < 4; i++) reportKpi(widget, { kpiEventName: 'A' });
    await clock.tickAsync(9);
    expect(host.calls, 'the first event waits flush-delay').to.have.length(0);
    await clock.tickAsync(2);
    expect(sent).to.have.length(1);
    expect(host.calls).to.have.length(1);
    expect(host.events).to.have.length(5);
  });

  it('lets no exception reach the page, whatever widgets send', async () => {
    const host = readyHost();
    const { logger, widget } = await page();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const cycle: Record<string, unknown> = {};
    cycle.me = cycle;
    const errors = await pageErrorsDuring(async () => {
      for (const detail of [
        hostile,
        null,
        undefined,
        5,
        { kpiEventName: 'A', additionalData: cycle },
        { kpiEventName: 'A', customData: 10n },
      ]) {
        reportKpi(widget, detail);
        await logger.log(detail as CifKpiEventDetail);
      }
      await logger.flush();
    });
    expect(errors).to.deep.equal([]);
    expect(host.calls).to.have.length(0);
  });
});
