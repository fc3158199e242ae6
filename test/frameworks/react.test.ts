import { expect, waitUntil } from '@open-wc/testing';
import sinon from 'sinon';
// React ships CommonJS only: the test server bundles it into this ES module (scripts/react-for-tests.mjs).
import { createElement as h, createRoot, flushSync, useState, type ReactElement, type Root } from 'react-for-tests';
import '../../src/define.js';
import type { CifKpiSentDetail } from '../../src/vocabulary/logger-events.js';
import { eventRows, readyHost } from '../support/harness.js';
import { Softphone } from './snippets/Softphone.js';

/**
 * React 19 renders custom elements natively: dash-cased props become attributes, `on<event-name>` props become
 * listeners. This is what the README's React snippet does.
 */
describe('React 19', () => {
  let container: HTMLElement;
  let root: Root;
  beforeEach(() => {
    container = document.body.appendChild(document.createElement('div'));
    root = createRoot(container);
  });
  afterEach(() => {
    root.unmount();
    container.remove();
  });

  it('logs markup, rule and cif-kpi events with ids bound from state, through re-renders', async () => {
    const host = readyHost();
    const sent: CifKpiSentDetail[] = [];
    let setConversation!: (id: string) => void;
    let setItems!: (items: string[]) => void;

    function Softphone({ items }: { items: string[] }): ReactElement {
      return h(
        'div',
        { className: 'softphone' },
        items.map((item) =>
          h('button', { key: item, 'data-kpi': `Pressed${item}`, 'data-kpi-reason': `from ${item}` }, item),
        ),
        h('button', {
          className: 'transfer',
          onClick: (event: { currentTarget: EventTarget }) =>
            event.currentTarget.dispatchEvent(
              new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail: { kpiEventName: 'Transferred' } }),
            ),
        }),
        h('button', {
          className: 'hangup',
          onClick: (event: { currentTarget: EventTarget }) =>
            event.currentTarget.dispatchEvent(
              new CustomEvent('call-ended', { bubbles: true, detail: { reason: 'Resolved' } }),
            ),
        }),
      );
    }

    function App(): ReactElement {
      const [conversation, setConversationState] = useState('conv-A');
      const [items, setItemsState] = useState(['One']);
      setConversation = setConversationState;
      setItems = setItemsState;
      return h(
        'div',
        null,
        h(Softphone, { items }),
        h(
          'cif-kpi-logger',
          {
            'conversation-id': conversation,
            'provider-session-id': 'prov-R',
            'flush-delay': '0',
            'oncif-kpi-sent': (event: CustomEvent<CifKpiSentDetail>) => sent.push(event.detail),
          },
          h('cif-kpi-rule', { on: 'call-ended', kpi: 'CallEnded', reason: '{detail.reason}' }),
        ),
      );
    }

    flushSync(() => root.render(h(App)));
    const logger = container.querySelector('cif-kpi-logger')!;
    await logger.updateComplete;
    const click = (selector: string) => (container.querySelector(selector) as HTMLElement).click();

    click('[data-kpi="PressedOne"]');
    click('.transfer');
    click('.hangup');
    await logger.flush();

    flushSync(() => {
      setConversation('conv-B');
      setItems(['One', 'Two']);
    });
    click('[data-kpi="PressedTwo"]');
    await logger.flush();
    await waitUntil(() => sent.length === host.calls.length, 'the condition', { timeout: 2000, interval: 10 });

    const rows = eventRows(host);
    expect(rows).to.deep.equal([
      ['conv-A', 'PressedOne', 'from One'],
      ['conv-A', 'Transferred', ''],
      ['conv-A', 'CallEnded', 'Resolved'],
      ['conv-B', 'PressedTwo', 'from Two'],
    ]);
    expect(host.calls.every((call) => call.violations.length === 0)).to.equal(true);
    expect(sent.map((s) => s.data.conversationId)).to.deep.equal(
      host.calls.map((c) => (c.data as { conversationId: string }).conversationId),
    );
  });

  it('renders the documented Softphone component, compiled from JSX, and logs through it', async () => {
    const host = readyHost();
    const warn = sinon.stub(console, 'warn');
    try {
      flushSync(() => root.render(h(Softphone, { conversationId: 'conv-J', sessionId: 'prov-J' })));
      const logger = container.querySelector('cif-kpi-logger')!;
      await logger.updateComplete;
      expect(logger.conversationId).to.equal('conv-J');
      (container.querySelector('[data-kpi]') as HTMLElement).click();
      container
        .querySelector('button')!
        .dispatchEvent(new CustomEvent('call-ended', { bubbles: true, detail: { reason: 'Resolved' } }));
      container
        .querySelector('button')!
        .dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, detail: { kpiEventName: '' } }));
      await logger.flush();
      expect(eventRows(host)).to.deep.equal([
        ['conv-J', 'CallAccepted', ''],
        ['conv-J', 'CallEnded', 'Resolved'],
      ]);
      // Its oncif-kpi-error listener heard the refused event.
      expect(warn.getCalls().map((call) => call.args[0])).to.include('kpiEventName must be a non-empty string; got ""');
    } finally {
      warn.restore();
    }
  });
});
