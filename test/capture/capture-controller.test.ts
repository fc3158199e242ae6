import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import {
  CaptureController,
  loadTakeOver,
  type CaptureHost,
  type CaptureSink,
} from '../../src/capture/capture-controller.js';
import { loadScopeWait } from '../../src/capture/scope-binding.js';
import { loadAdvice } from '../../src/capture/advice.js';
import { loadMarkupReader } from '../../src/capture/markup-intake.js';
import '../../src/define.js';
import type { NormaliseResult } from '../../src/normalise/kpi-event.js';
import type { CifKpiProblem, CifKpiWarning } from '../../src/vocabulary/problems.js';
import { STUB_KEY } from '../../src/vocabulary/stub.js';
import { nextTask } from '../support/tasks.js';

/** A plain element as a controller's host: the test connects and disconnects the controller by hand. */
const host = (element: HTMLElement): CaptureHost => Object.assign(element, { addController: () => {} });

/** A capture controller on a plain element (no logger, no queue), and what it hands to its sink. */
async function setUp(markup = '', maxHeld = 100, stamp: () => unknown = () => 'ids now') {
  const root = await fixture<HTMLElement>(
    html`<div>
      <button id="hold" data-kpi="CallHold" data-kpi-reason="Hold button">Hold</button>
      <span id="widget"></span>
      <x-logger></x-logger>
    </div>`,
  );
  const logger = root.querySelector('x-logger') as HTMLElement;
  logger.innerHTML = markup;
  const heard = {
    details: [] as unknown[],
    mapped: [] as NormaliseResult[],
    problems: [] as CifKpiProblem[],
    warnings: [] as CifKpiWarning[],
    drops: [] as string[],
    /** What each event handed on was stamped with when it was heard (undefined: heard live). */
    stamps: [] as unknown[],
  };
  const sink: CaptureSink = {
    detail: (detail, at) => {
      heard.details.push(detail);
      heard.stamps.push(at?.stamp);
    },
    mapped: (result, _, at) => {
      heard.mapped.push(result);
      heard.stamps.push(at?.stamp);
    },
    problem: (p) => heard.problems.push(p),
    warning: (w) => heard.warnings.push(w),
    stamp,
    dropped: (reason, count) => heard.drops.push(`${reason} ${count}`),
    maxHeld: () => maxHeld,
  };
  const capture = new CaptureController(host(logger), sink);
  return { root, logger, capture, heard, widget: root.querySelector('#widget')! };
}

const report = (target: EventTarget, detail: unknown) =>
  target.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail }));

describe('CaptureController', () => {
  // First in this file: the rule compiler is loaded once per page, and this test needs it not loaded yet.
  it('drops rule events beyond maxHeld while the compiler loads, and reports malformed rules', async () => {
    const { capture, heard, widget } = await setUp(
      '<cif-kpi-rule on="ping" kpi="Ping"></cif-kpi-rule><cif-kpi-rule on="ping"></cif-kpi-rule>',
      1,
    );
    capture.hostConnected();
    widget.dispatchEvent(new Event('ping', { bubbles: true }));
    widget.dispatchEvent(new Event('ping', { bubbles: true }));
    await capture.whenReady();
    expect(heard.drops).to.deep.equal(['queue-full 1']);
    expect(heard.mapped).to.have.length(1);
    expect(heard.problems.map((p) => p.code)).to.deep.equal(['invalid-rule']);
  });

  it('hands cif-kpi details and the events of data-kpi markup to its sink, only while connected', async () => {
    const { root, capture, heard, widget } = await setUp();
    report(widget, { kpiEventName: 'Before' });
    capture.hostConnected();
    report(widget, { kpiEventName: 'During' });
    root.querySelector<HTMLButtonElement>('#hold')!.click();
    capture.hostDisconnected();
    report(widget, { kpiEventName: 'After' });
    // The first data-kpi element heard loads the markup reader: the click waits for it.
    await capture.whenReady();
    expect(heard.details).to.deep.equal([{ kpiEventName: 'During' }]);
    // Markup is read into a KPI event directly, like a rule's.
    expect(
      heard.mapped.map((result) => result.ok && [result.event.kpiEventName, result.event.kpiEventReason]),
    ).to.deep.equal([['CallHold', 'Hold button']]);
  });

  it('maps rule events once the compiler arrives, stamped with their capture time', async () => {
    const { capture, heard, widget } = await setUp(
      '<cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.why}"></cif-kpi-rule>',
    );
    capture.hostConnected();
    const before = Date.now();
    widget.dispatchEvent(new CustomEvent('call-ended', { bubbles: true, detail: { why: 'hung up' } }));
    await capture.whenReady();
    expect(heard.mapped).to.have.length(1);
    const [result] = heard.mapped;
    expect(result!.ok && result!.event.kpiEventReason).to.equal('hung up');
    expect(result!.ok && Date.parse(result!.event.eventTimestamp)).to.be.within(before, Date.now());
  });

  it('waits for a scope that is not there yet, reporting it once, and stops capturing when disabled', async () => {
    const { root, capture, heard } = await setUp();
    capture.configure('later', false);
    capture.hostConnected();
    capture.configure('later', false);
    await loadScopeWait(); // waiting for a missing scope is a part of its own
    expect(heard.problems.map((p) => [p.code, p.field])).to.deep.equal([['scope-not-found', 'scope']]);
    const later = document.createElement('section');
    later.id = 'later';
    root.append(later);
    await Promise.resolve(); // the MutationObserver's notice
    report(later, { kpiEventName: 'InScope' });
    capture.configure('later', true);
    report(later, { kpiEventName: 'WhileDisabled' });
    expect(heard.details).to.deep.equal([{ kpiEventName: 'InScope' }]);
  });

  it('reports a fault while hearing an event as an internal error instead of throwing into the page', async () => {
    const { logger, widget } = await setUp();
    const problems: CifKpiProblem[] = [];
    const capture = new CaptureController(host(logger), {
      detail: () => {
        throw new Error('sink broke');
      },
      mapped: () => {},
      problem: (p) => problems.push(p),
      warning: () => {},
      stamp: () => undefined,
      dropped: () => {},
      maxHeld: () => 1,
    });
    capture.hostConnected();
    const errors: string[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.message);
    window.addEventListener('error', onError);
    try {
      report(widget, { kpiEventName: 'A' });
    } finally {
      window.removeEventListener('error', onError);
      capture.hostDisconnected();
    }
    expect(errors).to.deep.equal([]);
    expect(problems.map((p) => [p.code, p.message])).to.deep.equal([
      ['internal-error', 'The logger failed to handle an event: Error: sink broke'],
    ]);
  });

  it('says an attribute markup does not know once per element and logger, before and after the advice loads', async () => {
    const { root, capture, heard } = await setUp();
    const button = root.querySelector<HTMLButtonElement>('#hold')!;
    button.setAttribute('data-kpi-reasn', 'typo');
    capture.hostConnected();
    button.click();
    button.click();
    const advice = await import('../../src/capture/capture-advice.js');
    await nextTask();
    button.click();
    await nextTask();
    expect(heard.warnings.map((w) => w.field)).to.deep.equal(['data-kpi-reasn']);
    expect(heard.mapped).to.have.length(3);
    // Another logger says it once too: what was said is remembered by logger.
    const other: CifKpiWarning[] = [];
    const otherSink = { problem: () => {}, warning: (w: CifKpiWarning) => other.push(w) };
    advice.unknownAttributes(otherSink, button, ['data-kpi-reasn']);
    advice.unknownAttributes(otherSink, button, ['data-kpi-reasn']);
    expect(other.map((w) => w.field)).to.deep.equal(['data-kpi-reasn']);
    capture.hostDisconnected();
  });

  describe('events outside the scope', () => {
    /** What to say of an event outside the scope is a chunk of its own, loaded when one happens: a task later. */
    const settled = async () => {
      await import('../../src/capture/capture-advice.js');
      await nextTask();
    };
    /** An element outside the fixture (so outside the logger's scope), removed after the test. */
    let outside: HTMLElement;
    beforeEach(() => {
      outside = document.createElement('section');
      outside.id = 'widgets';
      outside.innerHTML = '<button id="accept" class="primary" data-kpi="CallAccepted">Accept</button>';
      document.body.append(outside);
    });
    afterEach(() => outside.remove());

    it('says once that a cif-kpi event happened where the scope does not hear it', async () => {
      const { root, capture, heard, widget } = await setUp();
      capture.hostConnected();
      report(widget, { kpiEventName: 'Inside' });
      await settled();
      expect(heard.warnings).to.deep.equal([]);
      report(outside.querySelector('#accept')!, { kpiEventName: 'Outside' });
      report(outside, { kpiEventName: 'Again' });
      expect(heard.details).to.deep.equal([{ kpiEventName: 'Inside' }]);
      await settled();
      expect(heard.warnings).to.deep.equal([
        {
          code: 'outside-scope',
          field: 'scope',
          message: `a cif-kpi event from <button id="accept" class="primary"> was not heard: it is outside the logger's scope (its parent, <div>); put the logger inside the widgets' container, or set scope to the container's id or "document"`,
        },
      ]);
      expect(root.isConnected).to.equal(true);
    });

    it('looks for a minute after it starts listening, then no more: a page is not watched for its whole life', async () => {
      const { capture, heard } = await setUp();
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const removed = sinon.spy(window, 'removeEventListener');
      try {
        capture.hostConnected();
        clock.tick(59_999);
        expect(removed.args.map(([type]) => type)).to.deep.equal([]);
        clock.tick(1);
        // The page-wide listeners are gone, and what happens outside from then on is not looked at.
        expect(removed.args.map(([type]) => type).sort()).to.deep.equal(['change', 'cif-kpi', 'click', 'submit']);
        report(outside.querySelector('#accept')!, { kpiEventName: 'Outside' });
        outside.querySelector<HTMLElement>('#accept')!.click();
        await settled();
        expect(heard.warnings).to.deep.equal([]);
      } finally {
        removed.restore();
        clock.restore();
        capture.hostDisconnected();
      }
    });

    it('says what it heard within the minute, even when its words arrive after it', async () => {
      const { capture, heard } = await setUp();
      let arrive!: () => void;
      const words = new Promise<void>((resolve) => (arrive = resolve));
      loadAdvice.use(() => words.then(() => import('../../src/capture/capture-advice.js')));
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        capture.hostConnected();
        clock.tick(59_999);
        report(outside.querySelector('#accept')!, { kpiEventName: 'Outside' });
        clock.tick(1);
        arrive();
        await settled();
        expect(heard.warnings.map((w) => w.code)).to.deep.equal(['outside-scope']);
      } finally {
        clock.restore();
        loadAdvice.use();
        capture.hostDisconnected();
      }
    });

    it('says so of a click on a data-kpi element outside, not of other clicks', async () => {
      const { capture, heard } = await setUp();
      capture.hostConnected();
      document.body.click();
      await settled();
      expect(heard.warnings).to.deep.equal([]);
      outside.querySelector<HTMLElement>('#accept')!.click();
      await settled();
      expect(heard.warnings.map((w) => w.message.split(' was not heard')[0])).to.deep.equal([
        'a click on <button id="accept" class="primary" data-kpi="CallAccepted">',
      ]);
    });

    it('says nothing, and throws nothing into the page, when the advice cannot be loaded', async () => {
      // The advice is a chunk of its own: a CDN that fails to serve it must cost only the advice.
      const rejections: unknown[] = [];
      const onRejection = (event: PromiseRejectionEvent) => {
        rejections.push(event.reason);
        event.preventDefault();
      };
      window.addEventListener('unhandledrejection', onRejection);
      loadAdvice.use(() => Promise.reject(new Error('the chunk could not be loaded')));
      try {
        const { root, capture, heard, widget } = await setUp();
        root.insertAdjacentHTML(
          'beforeend',
          `<img data-kpi="ImageFailed" data-kpi-on="error">
           <button id="typo" data-kpi="CallHold" data-kpi-reasn="Hold">Hold</button>`,
        );
        capture.hostConnected(); // refuses the self-firing data-kpi-on: advice
        root.querySelector<HTMLElement>('#typo')!.click(); // an unknown data-kpi-* attribute: advice
        report(outside, { kpiEventName: 'Outside' }); // outside the scope: advice
        report(widget, { kpiEventName: 'Inside' });
        // An unhandled rejection is reported by the browser in a task of its own, and nothing says when all have
        // been (a rejection of the test's own to mark the point is reported by the test runner as an error): a pause.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(rejections).to.deep.equal([]);
        expect(heard.problems).to.deep.equal([]);
        expect(heard.warnings).to.deep.equal([]);
        // Capture goes on.
        expect(heard.details).to.deep.equal([{ kpiEventName: 'Inside' }]);
        expect(heard.mapped.map((result) => result.ok && result.event.kpiEventName)).to.deep.equal(['CallHold']);
        capture.hostDisconnected();
      } finally {
        loadAdvice.use();
        window.removeEventListener('unhandledrejection', onRejection);
      }
    });

    it('sees events from inside a shadow root outside the scope', async () => {
      const { capture, heard } = await setUp();
      capture.hostConnected();
      const inner = outside.attachShadow({ mode: 'open' }).appendChild(document.createElement('chat-box'));
      report(inner, { kpiEventName: 'Deep' });
      await settled();
      expect(heard.warnings.map((w) => w.message.split(' was not heard')[0])).to.deep.equal([
        'a cif-kpi event from <chat-box>',
      ]);
    });

    it('says nothing when another logger hears the event, when listening on the document, or once disconnected', async () => {
      const other = await setUp();
      const covering = new CaptureController(host(outside.appendChild(document.createElement('x-logger'))), {
        detail: () => {},
        mapped: () => {},
        problem: () => {},
        warning: () => {},
        stamp: () => undefined,
        dropped: () => {},
        maxHeld: () => 1,
      });
      covering.hostConnected();
      other.capture.hostConnected();
      report(outside.querySelector('#accept')!, { kpiEventName: 'HeardByOther' });
      await settled();
      expect(other.heard.warnings).to.deep.equal([]);
      covering.hostDisconnected();

      const whole = await setUp();
      whole.capture.configure('document', false);
      whole.capture.hostConnected();
      report(outside.querySelector('#accept')!, { kpiEventName: 'Everywhere' });
      await settled();
      expect(whole.heard.warnings).to.deep.equal([]);
      expect(whole.heard.details).to.deep.include({ kpiEventName: 'Everywhere' });
      whole.capture.hostDisconnected();

      other.capture.hostDisconnected();
      report(outside.querySelector('#accept')!, { kpiEventName: 'Gone' });
      await settled();
      expect(other.heard.warnings).to.deep.equal([]);
    });
  });

  describe("the stub's events", () => {
    /** A stub's buffer on this window, so that a logger that connects asks for the take-over. */
    beforeEach(() => {
      (window as unknown as Record<symbol, unknown>)[STUB_KEY] = { heard: [], lost: 0 };
    });
    afterEach(() => {
      delete (window as unknown as Record<symbol, unknown>)[STUB_KEY];
      loadTakeOver.use();
    });

    it('go before the events heard while their take-over loads', async () => {
      let arrive!: () => void;
      loadTakeOver.use(async () => {
        await new Promise<void>((resolve) => (arrive = resolve));
        return {
          takeStubbed: (_root, stamp) => [{ at: { capturedAt: 1, stamp }, detail: { kpiEventName: 'Stubbed' } }],
        };
      });
      const { capture, heard, widget } = await setUp();
      capture.hostConnected();
      report(widget, { kpiEventName: 'Live' });
      await Promise.resolve();
      expect(heard.details).to.deep.equal([]);
      arrive();
      await capture.whenReady();
      expect(heard.details).to.deep.equal([{ kpiEventName: 'Stubbed' }, { kpiEventName: 'Live' }]);
      capture.hostDisconnected();
    });

    it('when the page goes while their take-over loads, hand on at once what waited, with the ids next set', async () => {
      loadTakeOver.use(() => new Promise(() => {})); // never arrives
      const { root, capture, heard, widget } = await setUp('', 100, () => undefined); // heard while ids are missing
      capture.hostConnected();
      report(widget, { kpiEventName: 'Live' });
      root.querySelector<HTMLElement>('#hold')!.click();
      await Promise.resolve();
      expect(heard.details).to.deep.equal([]);
      capture.stampHeld('the ids next set');
      capture.stampHeld('ids set after those');
      capture.release(true);
      expect(heard.details).to.deep.equal([{ kpiEventName: 'Live' }]);
      expect(heard.mapped.map((m) => m.ok && m.event.kpiEventName)).to.deep.equal(['CallHold']);
      expect(heard.stamps).to.deep.equal(['the ids next set', 'the ids next set']);
      capture.hostDisconnected();
    });

    it('cost only themselves when their take-over cannot be loaded: it is said, and what waited is handed on', async () => {
      loadTakeOver.use(() => Promise.reject(new Error('offline')));
      const { capture, heard, widget } = await setUp();
      capture.hostConnected();
      report(widget, { kpiEventName: 'Live' });
      await capture.whenReady();
      expect(heard.problems.map((p) => [p.code, p.message])).to.deep.equal([
        ['internal-error', 'The logger failed to handle an event: Error: offline'],
      ]);
      expect(heard.details).to.deep.equal([{ kpiEventName: 'Live' }]);
      capture.hostDisconnected();
    });

    it('are not asked for where no stub left its buffer', async () => {
      delete (window as unknown as Record<symbol, unknown>)[STUB_KEY];
      let asked = 0;
      loadTakeOver.use(() => {
        asked++;
        return Promise.reject(new Error('not needed'));
      });
      const { capture, heard, widget } = await setUp();
      capture.hostConnected();
      report(widget, { kpiEventName: 'Live' });
      expect(heard.details).to.deep.equal([{ kpiEventName: 'Live' }]);
      expect(asked).to.equal(0);
      capture.hostDisconnected();
    });
  });

  describe('while the markup reader loads', () => {
    let arrive!: () => void;
    beforeEach(() =>
      loadMarkupReader.use(async () => {
        await new Promise<void>((resolve) => (arrive = resolve));
        return import('../../src/capture/markup-reader.js');
      }),
    );
    afterEach(() => loadMarkupReader.use());
    const markup = `<img id="img" data-kpi="ImageFailed" data-kpi-on="error" />
      <span id="dbl" data-kpi="Zoomed" data-kpi-on="dblclick"></span>`;

    it('hears the types data-kpi-on asks for at once, and lets go of those that fire by themselves once checked', async () => {
      const { root, capture, heard } = await setUp();
      root.insertAdjacentHTML('beforeend', markup);
      capture.hostConnected();
      root.querySelector('#dbl')!.dispatchEvent(new Event('dblclick', { bubbles: true }));
      root.querySelector('#img')!.dispatchEvent(new Event('error'));
      arrive();
      await capture.whenReady();
      await loadAdvice();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(heard.mapped.map((result) => result.ok && result.event.kpiEventName)).to.deep.equal(['Zoomed']);
      expect(heard.problems.map((p) => [p.code, p.field])).to.deep.equal([['invalid-markup', 'data-kpi-on']]);
      root.querySelector('#img')!.dispatchEvent(new Event('error'));
      root.querySelector('#dbl')!.dispatchEvent(new Event('dblclick', { bubbles: true }));
      expect(heard.mapped.map((result) => result.ok && result.event.kpiEventName)).to.deep.equal(['Zoomed', 'Zoomed']);
      capture.hostDisconnected();
    });

    it('when the page goes first, logs held markup as its attributes said, but not events of a type not checked yet', async () => {
      const { root, capture, heard } = await setUp();
      root.insertAdjacentHTML('beforeend', markup);
      capture.hostConnected();
      const hold = root.querySelector<HTMLButtonElement>('#hold')!;
      hold.click();
      hold.setAttribute('data-kpi-reason', 'changed after the click');
      root.querySelector('#dbl')!.dispatchEvent(new Event('dblclick', { bubbles: true }));
      capture.release(true);
      // Handed on as a detail, as its attributes said at the click: normalised as any reported event is.
      expect(heard.mapped).to.deep.equal([]);
      expect(heard.details).to.deep.equal([{ kpiEventName: 'CallHold', kpiEventReason: 'Hold button' }]);
      expect(heard.drops).to.deep.equal(['code-unavailable 1']);
      arrive();
      await capture.whenReady();
      capture.hostDisconnected();
    });
  });
});
