import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import { checkCifCall } from '../src/testing/simulated-cif-host.js';
import type { CifKpiErrorDetail, CifKpiSentDetail } from '../src/report/events.js';
import { GUID, collect, readyHost, reportKpi, startHost, until, type Logger } from './support/harness.js';

interface Page {
  root: HTMLElement;
  logger: Logger;
  widget: HTMLElement;
}

async function page(attrs = 'conversation-id="conv-1" provider-session-id="prov-1" flush-delay="0"'): Promise<Page> {
  const root = await fixture<HTMLElement>(
    html`<div>
      <button id="widget">widget</button>
      <cif-kpi-logger></cif-kpi-logger>
    </div>`,
  );
  const logger = root.querySelector('cif-kpi-logger')!;
  for (const match of attrs.matchAll(/([\w-]+)="([^"]*)"/g)) logger.setAttribute(match[1]!, match[2]!);
  await logger.updateComplete;
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
    await until(() => sent.length === 1, 2000, 'cif-kpi-sent');

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
    expect(sent[0]).to.deep.equal({ data: call.data, eventName: 'CallHold', correlationId: undefined, result: 'Success' });
    expect(checkCifCall([call.data, call.eventName])).to.deep.equal([]);
  });
});
