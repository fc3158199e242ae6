import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/define.js';
import { reportKpi, startHost, type Logger } from './support/harness.js';
import { loadInspector } from '../src/report/reporter.js';

async function mount(attrs: string): Promise<{ root: HTMLElement; logger: Logger; widget: HTMLElement }> {
  const root = await fixture<HTMLElement>(html`<div><button>w</button><cif-kpi-logger></cif-kpi-logger></div>`);
  const logger = root.querySelector('cif-kpi-logger')!;
  for (const match of attrs.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) logger.setAttribute(match[1]!, match[2] ?? '');
  await logger.updateComplete;
  return { root, logger, widget: root.querySelector('button')! };
}

const part = (logger: Logger, name: string) =>
  logger.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement | null;
const inspectorShown = (logger: Logger) =>
  waitUntil(() => part(logger, 'inspector') !== null, 'the inspector', { timeout: 2000, interval: 10 });
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
const eventRows = (logger: Logger) =>
  [...logger.shadowRoot!.querySelectorAll('[part~="event"]')].map((li) =>
    li.textContent!.replace(/ · [^·]*?(?=$|[A-Z(])/, ''),
  );

describe('debug inspector', () => {
  afterEach(() => loadInspector.use());
  it('renders nothing and takes no space without debug', async () => {
    startHost({ initDelay: null });
    const { logger, widget } = await mount('conversation-id="c" provider-session-id="p"');
    reportKpi(widget, { kpiEventName: 'A' });
    await frame();
    expect(getComputedStyle(logger).display).to.equal('none');
    expect(logger.getBoundingClientRect().height).to.equal(0);
    expect(logger.shadowRoot!.querySelector('[part]')).to.equal(null);
  });

  it('shows the ids, the host status, the counts and each event with its state', async () => {
    // The host refuses the call that carries "Refused", whatever else calls it meanwhile.
    const refusing = (call: { data: unknown }) =>
      JSON.stringify(call.data).includes('"Refused"')
        ? ({ kind: 'reject', shape: 'map', message: 'Nope' } as const)
        : ({ kind: 'resolve' } as const);
    const host = startHost({ initDelay: null, reply: refusing });
    const { logger, widget } = await mount('debug conversation-id="conv-1" flush-delay="0" max-retries="0"');
    await inspectorShown(logger);
    expect(getComputedStyle(logger).display).to.equal('block');
    expect(part(logger, 'context')!.textContent).to.contain('conversation-id').and.contain('conv-1');
    expect(part(logger, 'context')!.textContent).to.contain('events wait for providerSessionId');
    expect(part(logger, 'host-status')!.textContent).to.equal('CIF host: waiting');
    expect(part(logger, 'context')!.textContent).to.contain(
      'window.Microsoft.CIFramework not found yet: the page must load msdyn_ciLibrary.js',
    );

    reportKpi(widget, { kpiEventName: 'Waiting' });
    reportKpi(widget, { kpiEventName: 'Broken', eventTimestamp: 'later' });
    await frame();
    expect(eventRows(logger)[0]).to.match(/^invalid.*Broken.*not an ISO 8601/);
    expect(eventRows(logger)[1]).to.match(/^held.*Waiting/);

    logger.providerSessionId = 'p';
    host.appear();
    await logger.flush();
    reportKpi(widget, { kpiEventName: 'Refused' });
    await logger.flush();
    await frame();
    expect(part(logger, 'host-status')!.textContent).to.equal('CIF host: ready');
    expect(part(logger, 'context')!.textContent).to.not.contain('msdyn_ciLibrary.js');
    const rows = eventRows(logger);
    expect(rows[0]).to.match(/^failed.*Refused.*Nope/);
    expect(rows[2]).to.match(/^sent.*Waiting/);
    expect(part(logger, 'stats')!.textContent)
      .to.contain('captured 3')
      .and.contain('sent 1')
      .and.contain('failed 1')
      .and.contain('invalid 1');
  });

  it('lists what happened while its code was loading, at the time it happened', async () => {
    // Its code arrives when the test says, after the events (the page may have loaded it for an earlier logger).
    let arrive!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    loadInspector.use(() => arrived.then(() => import('../src/report/debug-inspector.js')));
    const host = startHost({ initDelay: null });
    host.appear();
    const root = await fixture<HTMLElement>(html`<div><button>w</button></div>`);
    const logger = document.createElement('cif-kpi-logger');
    for (const [name, value] of [
      ['conversation-id', 'c'],
      ['provider-session-id', 'p'],
      ['flush-delay', '0'],
      ['debug', ''],
    ])
      logger.setAttribute(name, value!);
    root.append(logger);
    await logger.updateComplete;
    expect(part(logger, 'inspector') === null, 'not loaded yet').to.equal(true);
    const before = Date.now();
    reportKpi(root.firstElementChild!, { kpiEventName: 'EarlyBird' });
    reportKpi(root.firstElementChild!, { kpiEventName: '' });
    await logger.flush();
    expect(part(logger, 'inspector') === null, 'still not loaded').to.equal(true);
    arrive();
    await inspectorShown(logger);
    await frame();
    const rows = eventRows(logger);
    expect(rows[0]).to.match(/^invalid.*no kpiEventName/);
    expect(rows[1]).to.match(/^sent.*EarlyBird/);
    const shown = logger.shadowRoot!.querySelectorAll('[part~="event"]')[1]!.textContent!;
    expect(shown).to.contain(new Date(before).toLocaleTimeString().slice(0, 5));
  });

  it('writes event data as text, never as HTML', async () => {
    startHost({ initDelay: null });
    const { logger, widget } = await mount('debug conversation-id="c" provider-session-id="p"');
    await inspectorShown(logger);
    const attack = '<img src=x onerror="window.__pwned=true">';
    reportKpi(widget, { kpiEventName: attack });
    reportKpi(widget, { kpiEventName: 'x', eventTimestamp: attack });
    await frame();
    expect(logger.shadowRoot!.querySelector('img')).to.equal(null);
    expect(part(logger, 'events')!.textContent).to.contain(attack);
    expect((window as unknown as { __pwned?: boolean }).__pwned).to.equal(undefined);
  });

  it('is accessible and usable from the keyboard', async () => {
    const host = startHost({ initDelay: null });
    host.appear();
    const { logger, widget } = await mount('debug conversation-id="c" provider-session-id="p" flush-delay="600000"');
    await inspectorShown(logger);
    reportKpi(widget, { kpiEventName: 'KeyboardFlush' });
    await frame();
    await expect(logger).to.be.accessible();
    const send = [...logger.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Send now')!;
    send.focus();
    expect(logger.shadowRoot!.activeElement).to.equal(send);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => JSON.stringify(host.calls.map((c) => c.data)).includes('KeyboardFlush'), 'the flush', {
      timeout: 2000,
      interval: 10,
    });
    expect(part(logger, 'events')!.tabIndex).to.equal(0);
  });

  it('is styleable through ::part and custom properties', async () => {
    startHost({ initDelay: null });
    const style = document.head.appendChild(document.createElement('style'));
    style.textContent = `
      cif-kpi-logger.styled::part(inspector) { border-color: rgb(1, 2, 3); }
      cif-kpi-logger.styled { --cif-kpi-inspector-background: rgb(4, 5, 6); }`;
    try {
      const { logger } = await mount('class="styled" debug');
      await inspectorShown(logger);
      const box = getComputedStyle(part(logger, 'inspector')!);
      expect(box.borderTopColor).to.equal('rgb(1, 2, 3)');
      expect(box.backgroundColor).to.equal('rgb(4, 5, 6)');
    } finally {
      style.remove();
    }
  });

  it('goes away when debug is turned off', async () => {
    startHost({ initDelay: null });
    const { logger } = await mount('debug');
    await inspectorShown(logger);
    logger.debug = false;
    await logger.updateComplete;
    expect(part(logger, 'inspector')).to.equal(null);
    expect(getComputedStyle(logger).display).to.equal('none');
  });

  it('turns on with ?cif-kpi-debug in the page URL', async () => {
    const frameEl = document.createElement('iframe');
    frameEl.src = '/test/pages/provider-page.html?name=debug&cif-kpi-debug';
    const loaded = new Promise((resolve) => frameEl.addEventListener('load', resolve, { once: true }));
    document.body.append(frameEl);
    try {
      await loaded;
      await waitUntil(
        () =>
          frameEl.contentDocument?.querySelector('cif-kpi-logger')?.shadowRoot?.querySelector('[part~="inspector"]') !=
          null,
        'inspector in the frame',
        { timeout: 3000, interval: 10 },
      );
      expect((frameEl.contentDocument!.querySelector('cif-kpi-logger') as Logger).debug).to.equal(true);
    } finally {
      frameEl.remove();
    }
  });

  describe('explains', () => {
    afterEach(() => sessionStorage.removeItem('cif-kpi-inspector-collapsed'));

    it('lists where it listens, and each problem and warning once, counted', async () => {
      startHost({ initDelay: null }).appear();
      const { logger, widget } = await mount(
        'debug conversation-id="c" provider-session-id="p" flush-delay="fast" max-retries="-3"',
      );
      await inspectorShown(logger);
      // The settings' problems are said a moment after the update (their words are a chunk of their own).
      await waitUntil(() => logger.shadowRoot!.querySelectorAll('[part~="problem-error"]').length === 2, 'said', {
        timeout: 3000,
        interval: 10,
      });
      reportKpi(widget, { kpiEventName: 'A', kpiEventReason: 'r'.repeat(150) });
      reportKpi(widget, { kpiEventName: 'B', kpiEventReason: 'r'.repeat(150) });
      reportKpi(widget, { kpiEventName: 'C', queue: 'x' });
      await logger.flush();
      await frame();
      expect(part(logger, 'scope')!.textContent).to.equal('its parent, <div>');
      expect(part(logger, 'problems-title')!.textContent).to.equal('Problems (4)');
      const problems = [...logger.shadowRoot!.querySelectorAll('[part~="problem"]')].map((li) => li.textContent);
      expect(problems).to.have.length(4);
      expect(problems[0]).to.match(/^warning unknown-field: "queue" is not a CIF KPI event field/);
      expect(problems[1]).to.match(/^warning value-truncated ×2: kpiEventReason/);
      expect(problems[2]).to.match(/^error invalid-attribute: max-retries "-3"/);
      expect(problems[3]).to.match(/^error invalid-attribute: flush-delay "fast"/);
      expect(logger.shadowRoot!.querySelector('[part~="problem-error"]')).to.not.equal(null);
    });

    it('shows warnings on sent rows, and the exact payload of a row on demand, kept open as rows arrive', async () => {
      const host = startHost({ initDelay: null });
      host.appear();
      const { logger, widget } = await mount(
        'debug conversation-id="conv-9" provider-session-id="p" event-name="Batch" flush-delay="0"',
      );
      await inspectorShown(logger);
      reportKpi(widget, { kpiEventName: 'Cut', kpiEventReason: 'r'.repeat(150) });
      await logger.flush();
      await frame();
      const row = logger.shadowRoot!.querySelector<HTMLElement>('[part~="event-sent"]')!;
      expect(row.querySelector('summary')!.textContent).to.match(/^sentCut.*warning: kpiEventReason/);
      const pre = row.querySelector('[part~="payload"]') as HTMLElement;
      expect(pre.checkVisibility()).to.equal(false);
      row.querySelector('summary')!.click();
      await frame();
      expect(pre.checkVisibility()).to.equal(true);
      const [heading, ...body] = pre.textContent!.split('\n');
      expect(heading).to.equal('the call that carried it:');
      expect(JSON.parse(body.join('\n'))).to.deep.equal({
        eventName: 'Batch',
        data: host.calls[0]!.data,
      });
      await expect(logger).to.be.accessible();

      reportKpi(widget, { kpiEventName: 'Next' });
      await logger.flush();
      await frame();
      const rows = logger.shadowRoot!.querySelectorAll('[part~="event"]');
      expect(rows[1]).to.equal(row);
      expect(row.querySelector('details')!.open).to.equal(true);
    });

    it('shows what a refused event was given as, and a held one with the ids it waits for', async () => {
      startHost({ initDelay: null });
      const { logger, widget } = await mount('debug conversation-id="c"');
      await inspectorShown(logger);
      const cyclic: Record<string, unknown> = { kpiEventName: 'Loop', eventTimestamp: 'soon' };
      cyclic.self = cyclic;
      reportKpi(widget, cyclic);
      reportKpi(widget, { kpiEventName: 'Waits' });
      await frame();
      const [held, refused] = [...logger.shadowRoot!.querySelectorAll('details')];
      refused!.open = true;
      held!.open = true;
      await frame();
      expect(refused!.querySelector('pre')!.textContent).to.match(/^the detail as given \(refused\):\n\{/);
      expect(refused!.querySelector('pre')!.textContent).to.contain('"self": "[cycle]"');
      expect(held!.querySelector('pre')!.textContent).to.match(
        /^the event, waiting for its ids:\n\{\n {2}"kpiEventName": "Waits"/,
      );
    });

    it('stays readable 360 px wide: nothing clipped or pushed out of the box', async () => {
      startHost({ initDelay: null });
      const { root, logger, widget } = await mount('debug conversation-id="a-long-conversation-id-0123456789abcdef"');
      root.style.width = '360px';
      await inspectorShown(logger);
      reportKpi(widget, { kpiEventName: 'N'.repeat(90), eventTimestamp: 'x'.repeat(120) });
      reportKpi(widget, { kpiEventName: 'Cut', kpiEventReason: 'word '.repeat(40), unknownFieldWithALongName: 1 });
      await frame();
      const box = part(logger, 'inspector')!;
      expect(box.getBoundingClientRect().width).to.be.at.most(360);
      expect(box.scrollWidth).to.be.at.most(box.clientWidth);
      const right = box.getBoundingClientRect().right;
      const shown = logger.shadowRoot!.querySelectorAll('.why, .note, .name, dd, [part~="problem"], button');
      expect(shown.length).to.be.greaterThan(8);
      for (const node of shown) {
        expect(node.getBoundingClientRect().right, node.textContent!).to.be.at.most(right + 0.5);
        expect(node.scrollWidth, node.textContent!).to.be.at.most(node.clientWidth + 1);
      }
    });

    it('collapses to a floating badge that takes no room, remembered for the tab, and opens again', async () => {
      startHost({ initDelay: null });
      const { root, logger, widget } = await mount('debug conversation-id="c" provider-session-id="p"');
      await inspectorShown(logger);
      reportKpi(widget, { kpiEventName: 'A' });
      reportKpi(widget, { kpiEventName: 'B', queue: 1 });
      await frame();
      const collapse = [...logger.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Collapse')!;
      expect(collapse.getAttribute('aria-expanded')).to.equal('true');
      collapse.focus();
      await sendKeys({ press: 'Enter' });
      await frame();
      const badge = part(logger, 'badge') as HTMLButtonElement;
      expect(part(logger, 'inspector')!.checkVisibility()).to.equal(false);
      expect(badge.checkVisibility()).to.equal(true);
      expect(getComputedStyle(badge).position).to.equal('fixed');
      expect(logger.getBoundingClientRect().height).to.equal(0);
      expect(root.getBoundingClientRect().height).to.be.lessThan(40);
      expect(badge.textContent).to.equal('KPI · 0 sent · 2 held · 1 problem(s)');
      expect(badge.getAttribute('aria-expanded')).to.equal('false');
      expect(logger.shadowRoot!.activeElement).to.equal(badge);
      await expect(logger).to.be.accessible();
      expect(sessionStorage.getItem('cif-kpi-inspector-collapsed')).to.equal('true');

      // A second inspector in this tab starts collapsed; the badge opens it, with focus on Collapse.
      const again = await mount('debug');
      await inspectorShown(again.logger);
      const againBadge = part(again.logger, 'badge')!;
      expect(againBadge.checkVisibility()).to.equal(true);
      againBadge.click();
      expect(part(again.logger, 'inspector')!.checkVisibility()).to.equal(true);
      expect(againBadge.checkVisibility()).to.equal(false);
      expect(sessionStorage.getItem('cif-kpi-inspector-collapsed')).to.equal('false');
    });

    it('starts as the badge with debug="badge"', async () => {
      startHost({ initDelay: null });
      const { logger } = await mount('debug="badge"');
      await inspectorShown(logger);
      expect(part(logger, 'badge')!.checkVisibility()).to.equal(true);
      expect(part(logger, 'inspector')!.checkVisibility()).to.equal(false);
    });
  });
});
