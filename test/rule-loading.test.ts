import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import { eventRows, readyHost, reportKpi, type Logger } from './support/harness.js';

/**
 * A file of its own: the rule compiler is loaded once per page, the first time a rule appears, and this is about
 * what the logger hears before it has arrived.
 */
describe('while the rule compiler loads', () => {
  it('logs every event heard meanwhile with the ids of its moment, in the order they happened', async () => {
    const host = readyHost();
    const root = await fixture<HTMLElement>(html`<div><span id="w"></span><button data-kpi="Clicked">b</button></div>`);
    const logger = document.createElement('cif-kpi-logger') as Logger;
    logger.setAttribute('conversation-id', 'conv-1');
    logger.setAttribute('provider-session-id', 'p');
    logger.setAttribute('event-name', 'Batch');
    logger.setAttribute('no-persist', '');
    logger.innerHTML = '<cif-kpi-rule on="call-ended" kpi="RuleEvent"></cif-kpi-rule>';
    root.append(logger);
    await logger.updateComplete;
    const widget = root.querySelector('#w')!;
    reportKpi(widget, { kpiEventName: 'First' });
    widget.dispatchEvent(new CustomEvent('call-ended', { bubbles: true }));
    root.querySelector('button')!.click();
    logger.conversationId = 'conv-2';
    reportKpi(widget, { kpiEventName: 'Later' });
    widget.dispatchEvent(new CustomEvent('call-ended', { bubbles: true }));
    await logger.flush();
    expect(eventRows(host).map(([conversation, name]) => [conversation, name])).to.deep.equal([
      ['conv-1', 'First'],
      ['conv-1', 'RuleEvent'],
      ['conv-1', 'Clicked'],
      ['conv-2', 'Later'],
      ['conv-2', 'RuleEvent'],
    ]);
    const stamps = host.events.map((e) => Date.parse((e as { eventTimestamp: string }).eventTimestamp));
    expect(stamps).to.deep.equal([...stamps].sort((a, b) => a - b));
  });
});
