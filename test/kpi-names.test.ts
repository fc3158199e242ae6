import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import { definitionNames, DEFINITION_ENTITY, DEFINITION_QUERY } from '../src/deliver/kpi-names.js';
import type { CifKpiErrorDetail, CifKpiWarningDetail } from '../src/vocabulary/logger-events.js';
import {
  collect,
  fakeClock,
  nextTask,
  readyHost,
  reportKpi,
  startHost,
  untilArrived,
  type Logger,
} from './support/harness.js';

async function mount(attrs = 'check-kpi-names'): Promise<{ root: HTMLElement; logger: Logger; widget: HTMLElement }> {
  const root = await fixture<HTMLElement>(html`<div><span></span></div>`);
  const logger = document.createElement('cif-kpi-logger');
  for (const [name, value] of [
    ['conversation-id', 'c'],
    ['provider-session-id', 'p'],
    ['flush-delay', '0'],
    ['no-persist', ''],
  ])
    logger.setAttribute(name, value!);
  for (const name of attrs.split(' ').filter(Boolean)) logger.setAttribute(name, '');
  root.append(logger);
  await logger.updateComplete;
  return { root, logger, widget: root.querySelector('span')! };
}

/** `count` loggers that check, each in a widget of its own, connected in one task. */
async function mountMany(count: number): Promise<{ root: HTMLElement; loggers: Logger[] }> {
  const root = await fixture<HTMLElement>(html`<div></div>`);
  const loggers: Logger[] = [];
  for (let i = 0; i < count; i++) {
    const widget = document.createElement('div');
    const logger = document.createElement('cif-kpi-logger');
    for (const [name, value] of [
      ['conversation-id', 'c'],
      ['provider-session-id', 'p'],
      ['flush-delay', '0'],
      ['no-persist', ''],
      ['check-kpi-names', ''],
    ])
      logger.setAttribute(name, value!);
    widget.append(logger);
    loggers.push(logger);
  }
  root.append(...loggers.map((logger) => logger.parentElement!));
  await Promise.all(loggers.map((logger) => logger.updateComplete));
  return { root, loggers };
}

const kpiWarnings = (warnings: CifKpiWarningDetail[]) =>
  warnings.filter((w) => w.code === 'unknown-kpi-event-name').map((w) => w.message.split(' has no')[0]);

describe('check-kpi-names', () => {
  it('reads the active definitions once, with a search, and warns once per undefined name; every event is sent', async () => {
    const host = readyHost({ kpiDefinitions: ['CallAccepted', 'CallOnHold'] });
    const { root, logger, widget } = await mount();
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    // Names captured before the definitions are read are checked once they are.
    for (const name of ['CallAccepted', 'CallHold', 'CallHold', 'SessionStarted', 'Transferred', 'CallHold'])
      reportKpi(widget, { kpiEventName: name });
    await logger.flush();
    await waitUntil(() => kpiWarnings(warnings).length === 2, 'the warnings', { timeout: 2000, interval: 10 });
    expect(host.searches).to.deep.equal([
      { entityName: DEFINITION_ENTITY, queryParameters: DEFINITION_QUERY, searchOnly: true },
    ]);
    expect(kpiWarnings(warnings)).to.deep.equal(['"CallHold"', '"Transferred"']);
    const [callHold] = warnings.filter((w) => w.code === 'unknown-kpi-event-name');
    expect(callHold!.message).to.contain('"CallOnHold" is defined').and.contain('Add the definition');
    expect(callHold!.field).to.equal('kpiEventName');
    expect(host.events).to.have.length(6);
    // A name captured after the lookup is checked at once; a defined one says nothing.
    reportKpi(widget, { kpiEventName: 'Abandoned' });
    reportKpi(widget, { kpiEventName: 'CallOnHold' });
    await logger.flush();
    expect(kpiWarnings(warnings)).to.deep.equal(['"CallHold"', '"Transferred"', '"Abandoned"']);
    expect(host.searches).to.have.length(1);
    // The reserved name keeps its own warning only.
    expect(warnings.filter((w) => w.code === 'reserved-kpi-event-name')).to.have.length(1);
  });

  it('reads the definitions once per page: every logger that checks shares the one read', async () => {
    const host = readyHost({ kpiDefinitions: ['CallAccepted'] });
    const { root, loggers } = await mountMany(51);
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    for (const logger of loggers) reportKpi(logger.parentElement!, { kpiEventName: 'CallHold' });
    await waitUntil(() => kpiWarnings(warnings).length === 51, 'a warning from each logger', {
      timeout: 3000,
      interval: 10,
    });
    expect(host.searches).to.have.length(1);
    // One added later takes what was read.
    const { root: later, widget } = await mount();
    const laterWarnings = collect<CifKpiWarningDetail>(later, 'cif-kpi-warning');
    reportKpi(widget, { kpiEventName: 'Transferred' });
    await waitUntil(() => kpiWarnings(laterWarnings).length === 1, 'the warning', { timeout: 2000, interval: 10 });
    expect(host.searches).to.have.length(1);
  });

  it('a read that failed is tried again by the next logger that starts checking, not by those that waited for it', async () => {
    const host = readyHost({ kpiDefinitions: ['A'] });
    host.searchReply = 'reject';
    const { root } = await mountMany(2);
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    await waitUntil(() => errors.length === 2, 'an error from each', { timeout: 2000, interval: 10 });
    expect(errors.map((e) => e.code)).to.deep.equal(['kpi-names-unavailable', 'kpi-names-unavailable']);
    expect(host.searches).to.have.length(1);
    host.searchReply = 'object';
    const third = await mount();
    const warnings = collect<CifKpiWarningDetail>(third.root, 'cif-kpi-warning');
    reportKpi(third.widget, { kpiEventName: 'B' });
    await waitUntil(() => kpiWarnings(warnings).length === 1, 'the warning', { timeout: 2000, interval: 10 });
    expect(host.searches).to.have.length(2);
    expect(errors).to.have.length(2);
  });

  it('waits for the CIF library before it reads', async () => {
    const host = startHost({ initDelay: null, kpiDefinitions: [] });
    const { root, logger, widget } = await mount();
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    reportKpi(widget, { kpiEventName: 'Early' });
    // Its code has arrived (the module the logger asked for; it has had it a task later): it waits for the library.
    await import('../src/deliver/cif-aware.js');
    await nextTask();
    expect(host.searches).to.have.length(0);
    host.appear();
    await logger.flush();
    await waitUntil(() => kpiWarnings(warnings).length === 1, 'the warning', { timeout: 2000, interval: 10 });
    expect(kpiWarnings(warnings)).to.deep.equal(['"Early"']);
  });

  it('reads nothing and says nothing without the attribute', async () => {
    const host = readyHost({ kpiDefinitions: [] });
    const { root, logger, widget } = await mount('');
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    reportKpi(widget, { kpiEventName: 'Anything' });
    await logger.flush();
    expect(host.searches).to.deep.equal([]);
    expect(warnings).to.deep.equal([]);
  });

  it('says once that it cannot check when the lookup is rejected, and sends every event unchecked', async () => {
    const host = readyHost({ kpiDefinitions: ['A'] });
    host.searchReply = 'reject';
    const { root, logger, widget } = await mount();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    reportKpi(widget, { kpiEventName: 'B' });
    await waitUntil(() => errors.length === 1, 'the error', { timeout: 2000, interval: 10 });
    reportKpi(widget, { kpiEventName: 'C' });
    await logger.flush();
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([['kpi-names-unavailable', 'check-kpi-names']]);
    expect(errors[0]!.message).to.contain('prvReadmsdyn_kpieventdefinition').and.contain('events are sent unchecked');
    expect(kpiWarnings(warnings)).to.deep.equal([]);
    expect(host.events).to.have.length(2);
  });

  it('gives up on a lookup that never answers after 15 s', async () => {
    const clock = fakeClock();
    const host = readyHost({ kpiDefinitions: ['A'] });
    host.searchReply = 'never';
    const { root } = await mount();
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    // Its chunk arrives in real time: the lookup starts then.
    await untilArrived(clock, () => host.searches.length > 0);
    expect(host.searches).to.have.length(1);
    await clock.tickAsync(14_999);
    expect(errors).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(errors.map((e) => e.code)).to.deep.equal(['kpi-names-unavailable']);
    expect(errors[0]!.message).to.contain('no answer within 15 s');
  });

  it('shows the definitions it checks against in the inspector', async () => {
    readyHost({ kpiDefinitions: ['CallAccepted', 'CallEnded'] });
    const { logger } = await mount('check-kpi-names debug');
    await waitUntil(
      () => logger.shadowRoot!.querySelector('[part~="kpi-names"]')?.textContent?.startsWith('2 active'),
      'the list',
      { timeout: 3000, interval: 10 },
    );
    expect(logger.shadowRoot!.querySelector('[part~="kpi-names"]')!.textContent).to.equal(
      '2 active: CallAccepted, CallEnded',
    );
  });
});

describe('definitionNames', () => {
  const record = (name: unknown) => ({ '@odata.etag': 'W/"1"', msdyn_name: name, msdyn_kpieventdefinitionid: 'x' });
  it('reads the library’s object keyed "0", "1", …, an array, and the empty answer', () => {
    expect(definitionNames(JSON.stringify({ 0: record('A'), 1: record('B') }))).to.deep.equal(['A', 'B']);
    expect(definitionNames(JSON.stringify([record('A'), record('B')]))).to.deep.equal(['A', 'B']);
    expect(definitionNames('{}')).to.deep.equal([]);
  });

  it('skips records without a name, and refuses an answer that is not a list', () => {
    expect(definitionNames(JSON.stringify([record(''), record(7), {}, null, record('C')]))).to.deep.equal(['C']);
    expect(() => definitionNames('"Success"')).to.throw('not a list of records');
    expect(() => definitionNames('not json')).to.throw();
  });
});
