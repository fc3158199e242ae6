import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import { loadNormaliser } from '../src/normalise/general.js';
import type { CifKpiDroppedDetail, CifKpiErrorDetail } from '../src/vocabulary/logger-events.js';
import { collect, eventRows, readyHost, reportKpi, startHost, type Logger } from './support/harness.js';

/**
 * A file of its own: the general normaliser is a chunk, loaded the first time an event is not a usual one (a name and
 * perhaps a reason), and this is about what the logger does before it has arrived.
 */
const normaliser = () => import('../src/normalise/kpi-event.js');

/** The normaliser's load, held until `open()` (or failing with `fail()`); each load asked for is counted. */
function gatedNormaliser() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const gate = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  const loads = { count: 0 };
  loadNormaliser.use(() => {
    loads.count += 1;
    return gate.then(normaliser);
  });
  return { open, fail, loads };
}

async function mount(attributes = 'no-persist') {
  const root = await fixture<HTMLElement>(html`<div><span id="w"></span></div>`);
  root.insertAdjacentHTML(
    'beforeend',
    `<cif-kpi-logger conversation-id="conv-1" provider-session-id="p" event-name="Batch" ${attributes}></cif-kpi-logger>`,
  );
  const logger = root.querySelector('cif-kpi-logger') as Logger;
  await logger.updateComplete;
  return { root, logger, widget: root.querySelector('#w')! };
}

describe('while the general normaliser loads', () => {
  afterEach(() => loadNormaliser.use());

  it('is not loaded by a page whose events are usual ones', async () => {
    const { loads } = gatedNormaliser();
    const host = readyHost();
    const { logger, widget } = await mount();
    reportKpi(widget, { kpiEventName: 'Answered' });
    reportKpi(widget, { kpiEventName: 'Hold', kpiEventReason: 'Customer asked to wait' });
    expect(await logger.log({ kpiEventName: 'Logged' })).to.include({ status: 'sent' });
    await logger.flush();
    expect(loads.count).to.equal(0);
    expect(eventRows(host).map(([, name, reason]) => [name, reason])).to.deep.equal([
      ['Answered', ''],
      ['Hold', 'Customer asked to wait'],
      ['Logged', ''],
    ]);
  });

  it('queues every event heard meanwhile in the order heard, with its capture time and the ids of its moment', async () => {
    const { open, loads } = gatedNormaliser();
    const host = readyHost();
    const { logger, widget } = await mount();
    reportKpi(widget, { kpiEventName: 'First' });
    const heard = Date.now();
    reportKpi(widget, { kpiEventName: 'Custom', customData: { queue_name: 'sales' } });
    reportKpi(widget, { kpiEventName: 'Usual' });
    const refused = logger.log({ kpiEventName: '' } as never);
    logger.conversationId = 'conv-2';
    reportKpi(widget, { kpiEventName: 'Later', additionalData: { n: 1 } });
    expect(loads.count).to.equal(1);
    expect(logger.pendingCount).to.equal(1); // only the first: the others wait for the code
    await new Promise((resolve) => setTimeout(resolve));
    open();
    expect(await refused).to.have.nested.property('problem.code', 'missing-kpi-event-name');
    await logger.flush();
    expect(eventRows(host).map(([conversation, name]) => [conversation, name])).to.deep.equal([
      ['conv-1', 'First'],
      ['conv-1', 'Custom'],
      ['conv-1', 'Usual'],
      ['conv-2', 'Later'],
    ]);
    const custom = host.events[1] as { eventTimestamp: string; customData: unknown };
    expect(Date.parse(custom.eventTimestamp)).to.be.within(heard, heard + 5);
    expect(custom.customData).to.deep.equal([{ attribute: 'queue_name', value: 'sales' }]);
    expect(logger.stats).to.include({ captured: 5, sent: 4, invalid: 1 });
  });

  it('says so when the code cannot be loaded, keeps the usual events, and tries again at the next need', async () => {
    const { fail } = gatedNormaliser();
    const host = readyHost();
    const { root, logger, widget } = await mount();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const dropped = collect<CifKpiDroppedDetail>(root, 'cif-kpi-dropped');
    reportKpi(widget, { kpiEventName: 'A' });
    const custom = logger.log({ kpiEventName: 'B', customData: { queue_name: 'sales' } });
    reportKpi(widget, { kpiEventName: 'C' });
    fail(new Error('offline'));
    expect(await custom).to.deep.equal({ status: 'dropped', reason: 'code-unavailable' });
    await logger.flush();
    expect(eventRows(host).map(([, name]) => name)).to.deep.equal(['A', 'C']);
    expect(errors.map((e) => e.code)).to.deep.equal(['internal-error']);
    expect(errors[0]!.message).to.contain('normaliser code could not be loaded').and.contain('offline');
    expect(dropped.map(({ reason, count }) => [reason, count])).to.deep.equal([['code-unavailable', 1]]);

    loadNormaliser.use(normaliser);
    expect(await logger.log({ kpiEventName: 'D', customData: { queue_name: 'sales' } })).to.include({ status: 'sent' });
    expect(logger.stats).to.include({ captured: 4, sent: 3, dropped: 1 });
  });

  it('stores the usual events when the page goes before the code arrives; the others are dropped and said', async () => {
    gatedNormaliser();
    startHost({ initDelay: null });
    const { root, widget } = await mount('');
    const dropped = collect<CifKpiDroppedDetail>(root, 'cif-kpi-dropped');
    reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'stored-before' });
    reportKpi(widget, { kpiEventName: 'B', kpiEventReason: 'needs-code', additionalData: 'x' });
    reportKpi(widget, { kpiEventName: 'C', kpiEventReason: 'stored-after' });
    window.dispatchEvent(new Event('pagehide'));
    const stored = Object.keys(sessionStorage)
      .filter((key) => key.startsWith('cif-kpi-logger:'))
      .map((key) => sessionStorage.getItem(key)!)
      .join();
    expect(stored).to.contain('stored-before').and.contain('stored-after').and.not.contain('needs-code');
    await new Promise((resolve) => setTimeout(resolve)); // drops are said once per task
    expect(dropped.map(({ reason, count }) => [reason, count])).to.deep.equal([['code-unavailable', 1]]);
  });
});
