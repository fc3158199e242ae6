import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import sinon from 'sinon';
import '../src/define.js';
import type { CifKpiErrorDetail, CifKpiWarningDetail } from '../src/vocabulary/logger-events.js';
import { CALL_FIELDS, CIF_LIMITS, KPI_EVENT_FIELDS, type CifKpiEvent } from '../src/vocabulary/cif-contract.js';
import type { SimulatedCifHost } from '../src/testing/simulated-cif-host.js';
import { collect, pageErrorsDuring, readyHost, type Logger } from './support/harness.js';

const LOGGER = 'conversation-id="c" provider-session-id="p" flush-delay="0"';

async function mount(markup: string, rules = ''): Promise<{ root: HTMLElement; logger: Logger }> {
  const root = await fixture<HTMLElement>(html`<div></div>`);
  root.innerHTML = `${markup}<cif-kpi-logger ${LOGGER}>${rules}</cif-kpi-logger>`;
  const logger = root.querySelector('cif-kpi-logger')!;
  await logger.updateComplete;
  return { root, logger };
}

async function sentEvents(logger: Logger): Promise<CifKpiEvent[]> {
  await logger.flush();
  return (window as unknown as { __host: { events: CifKpiEvent[] } }).__host.events;
}

const names = (events: CifKpiEvent[]) => events.map((e) => e.kpiEventName);
/**
 * Lets the logger's scan of added elements run: its MutationObserver (a microtask) defers it by one task
 * (`setTimeout(0)`), so one microtask then one task later it has run.
 */
const nextTask = async () => {
  await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('data-kpi-* markup', () => {
  beforeEach(() => {
    (window as unknown as { __host: unknown }).__host = readyHost();
  });

  it('turns a click on a data-kpi element into a KPI event with every data-kpi-* field', async () => {
    const { root, logger } = await mount(`
      <button data-kpi="CallRejected" data-kpi-reason="Agent busy" data-kpi-additional-data="queue=billing"
              data-kpi-notification-response-action="Reject" data-kpi-external-correlation-id="ext-77"
              data-kpi-custom-msdyn_customattribute2="Gold" data-kpi-custom-tier="2">Reject</button>`);
    root.querySelector('button')!.click();
    const [event] = await sentEvents(logger);
    expect(event).to.deep.include({
      kpiEventName: 'CallRejected',
      kpiEventReason: 'Agent busy',
      additionalData: 'queue=billing',
      notificationResponseAction: 'Reject',
      externalCorrelationId: 'ext-77',
    });
    expect(event!.customData).to.deep.equal([
      { attribute: 'msdyn_customattribute2', value: 'Gold' },
      { attribute: 'tier', value: '2' },
    ]);
  });

  it('counts a click on a descendant for the nearest data-kpi element, across shadow roots', async () => {
    const { root, logger } = await mount(`
      <div data-kpi="PanelClicked">
        <button data-kpi="Accepted"><span class="icon">✓</span><span class="shadowy"></span></button>
        <span class="plain">text</span>
      </div>`);
    const shadowHost = root.querySelector('.shadowy')!;
    const inner = shadowHost.attachShadow({ mode: 'open' }).appendChild(document.createElement('i'));
    (root.querySelector('.icon') as HTMLElement).click();
    inner.click();
    (root.querySelector('.plain') as HTMLElement).click();
    expect(names(await sentEvents(logger))).to.deep.equal(['Accepted', 'Accepted', 'PanelClicked']);
  });

  it('finds a data-kpi element of a shadow tree that a clicked light-DOM element is slotted into', async () => {
    const { root, logger } = await mount(`<div class="card"><button class="slotted">open</button></div>`);
    const card = root.querySelector('.card')!;
    card.attachShadow({ mode: 'open' }).innerHTML = `<div data-kpi="CardOpened"><slot></slot></div>`;
    await nextTask();
    (root.querySelector('.slotted') as HTMLElement).click();
    expect(names(await sentEvents(logger))).to.deep.equal(['CardOpened']);
  });

  it('reads an element as its attributes are at each click: a change just before a click applies to it', async () => {
    const clock = sinon.useFakeTimers({ now: Date.UTC(2026, 11, 1, 9), toFake: ['Date'] });
    try {
      const { root, logger } = await mount(`<button data-kpi="Hold" data-kpi-reason="first">hold</button>`);
      const button = root.querySelector('button')!;
      const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
      button.click();
      clock.tick(1000);
      button.setAttribute('data-kpi-reason', 'second'); // no microtask in between: observers have not run
      button.click();
      clock.tick(1000);
      button.removeAttribute('data-kpi-reason');
      button.setAttribute('data-kpi-custom-queue', 'Billing');
      button.click();
      button.setAttribute('data-kpi', 'Resume');
      button.setAttribute('data-kpi-custom-queue', 'Gold');
      button.click();
      button.setAttribute('data-kpi-custom-bad-name', 'x');
      button.click();
      button.removeAttribute('data-kpi-custom-bad-name');
      button.click();
      const events = await sentEvents(logger);
      expect(
        events.map(({ kpiEventName, kpiEventReason, customData }) => [kpiEventName, kpiEventReason, customData]),
      ).to.deep.equal([
        ['Hold', 'first', undefined],
        ['Hold', 'second', undefined],
        ['Hold', undefined, [{ attribute: 'queue', value: 'Billing' }]],
        ['Resume', undefined, [{ attribute: 'queue', value: 'Gold' }]],
        ['Resume', undefined, [{ attribute: 'queue', value: 'Gold' }]],
      ]);
      expect(
        events.map((e) => e.eventTimestamp),
        'each stamped at its own click',
      ).to.deep.equal([
        '2026-12-01T09:00:00.000Z',
        '2026-12-01T09:00:01.000Z',
        '2026-12-01T09:00:02.000Z',
        '2026-12-01T09:00:02.000Z',
        '2026-12-01T09:00:02.000Z',
      ]);
      expect(errors.map((e) => e.field)).to.deep.equal(['data-kpi-custom-bad-name']);
    } finally {
      clock.restore();
    }
  });

  it('hears data-kpi elements inside open shadow roots of sibling widgets', async () => {
    const { root, logger } = await mount(`<div class="widget"></div>`);
    const shadow = root.querySelector('.widget')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<button data-kpi="ShadowButton"><b>icon</b></button>`;
    shadow.querySelector('b')!.click();
    expect(names(await sentEvents(logger))).to.deep.equal(['ShadowButton']);
  });

  it('fires forms on submit and form fields on change by default, and data-kpi-on picks another event', async () => {
    const { root, logger } = await mount(`
      <form data-kpi="WrapUpSubmitted"><input name="notes" data-kpi="NotesEdited"><button>Send</button></form>
      <select data-kpi="DispositionChosen"><option>a</option><option>b</option></select>
      <div data-kpi="CardOpened" data-kpi-on="dblclick">card</div>`);
    const form = root.querySelector('form')!;
    form.addEventListener('submit', (event) => event.preventDefault());
    root.querySelector('button')!.click();
    const input = root.querySelector('input')!;
    input.click();
    input.value = 'x';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    root.querySelector('select')!.dispatchEvent(new Event('change', { bubbles: true }));
    const card = root.querySelector('div[data-kpi]')!;
    card.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    card.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    expect(names(await sentEvents(logger))).to.deep.equal([
      'WrapUpSubmitted',
      'NotesEdited',
      'DispositionChosen',
      'CardOpened',
    ]);
  });

  it('hears elements and event types added after it started, without any call', async () => {
    const { root, logger } = await mount(`<div class="later"></div>`);
    const later = root.querySelector('.later')!;
    later.innerHTML = `<button data-kpi="LateButton"></button><input data-kpi="KeyPressed" data-kpi-on="keyup">`;
    await nextTask();
    later.querySelector('button')!.click();
    later.querySelector('input')!.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true, composed: true }));
    expect(names(await sentEvents(logger))).to.deep.equal(['LateButton', 'KeyPressed']);
  });

  it('data-kpi-ignore on the element, an ancestor or the clicked part silences it', async () => {
    const { root, logger } = await mount(`
      <button class="a" data-kpi="A" data-kpi-ignore>a</button>
      <div data-kpi-ignore><button class="b" data-kpi="B">b</button></div>
      <button class="c" data-kpi="C"><span class="close" data-kpi-ignore>x</span><span class="label">c</span></button>`);
    for (const selector of ['.a', '.b', '.close', '.label']) (root.querySelector(selector) as HTMLElement).click();
    expect(names(await sentEvents(logger))).to.deep.equal(['C']);
  });

  it('still hears a click the widget stops', async () => {
    const { root, logger } = await mount(`<button data-kpi="Stopped">s</button>`);
    const button = root.querySelector('button')!;
    button.addEventListener('click', (event) => event.stopImmediatePropagation());
    button.click();
    expect(names(await sentEvents(logger))).to.deep.equal(['Stopped']);
  });

  it('hears non-composed change and submit events inside open shadow roots of widgets, also ones added later', async () => {
    if (!customElements.get('wrap-up-widget')) {
      customElements.define(
        'wrap-up-widget',
        class extends HTMLElement {
          constructor() {
            super();
            this.attachShadow({ mode: 'open' }).innerHTML =
              `<form data-kpi="ShadowForm"><select data-kpi="ShadowSelect"><option>a</option></select></form>`;
          }
        },
      );
    }
    const { root, logger } = await mount(`<wrap-up-widget class="early"></wrap-up-widget>`);
    root.insertAdjacentHTML('afterbegin', `<wrap-up-widget class="late"></wrap-up-widget>`);
    await nextTask();
    for (const selector of ['.early', '.late']) {
      const shadow = root.querySelector(selector)!.shadowRoot!;
      shadow.querySelector('select')!.dispatchEvent(new Event('change', { bubbles: true }));
      const form = shadow.querySelector('form')!;
      form.addEventListener('submit', (event) => event.preventDefault());
      form.requestSubmit();
    }
    // Batched by name: both selects share a call, both forms the next.
    expect(names(await sentEvents(logger))).to.deep.equal(['ShadowSelect', 'ShadowSelect', 'ShadowForm', 'ShadowForm']);
  });

  it('starts hearing inside a shadow root attached late, from the first composed event out of it', async () => {
    const { root, logger } = await mount(`<div class="widget"></div>`);
    const shadow = root.querySelector('.widget')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<select data-kpi="LateShadowSelect"><option>a</option></select>`;
    const select = shadow.querySelector('select')!;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    select.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    select.dispatchEvent(new Event('change', { bubbles: true }));
    expect(names(await sentEvents(logger))).to.deep.equal(['LateShadowSelect']);
  });

  it('reports a data-kpi element whose event is invalid, naming the problem', async () => {
    const { root, logger } = await mount(
      `<button data-kpi="${'x'.repeat(101)}">long</button><button data-kpi="Fine">ok</button>`,
    );
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    for (const button of root.querySelectorAll('button')) button.click();
    expect(names(await sentEvents(logger))).to.deep.equal(['Fine']);
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([['value-too-long', 'kpiEventName']]);
  });

  it('says once per element that it does not know a data-kpi-* attribute (a typo, or another tool’s), and still sends the event', async () => {
    const { root, logger } = await mount(
      '<button data-kpi="Rejected" data-kpi-reasn="Busy" data-kpi-reason="Agent busy" data-kpi-name="Rejected">x</button>',
    );
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    const warn = sinon.stub(console, 'warn');
    root.querySelector('button')!.click();
    root.querySelector('button')!.click();
    const sent = await sentEvents(logger);
    // What to say is a chunk of its own, loaded when there is something to say.
    await waitUntil(() => warnings.length === 2, 'the warnings', { timeout: 2000, interval: 10 });
    warn.restore();
    expect(sent).to.have.length(2);
    expect(sent[0]).to.include({ kpiEventName: 'Rejected', kpiEventReason: 'Agent busy' });
    expect(Object.keys(sent[0]!)).to.deep.equal(['kpiEventName', 'kpiEventReason', 'eventTimestamp']);
    expect(warnings.map((w) => [w.code, w.field, w.message])).to.deep.equal([
      [
        'unknown-field',
        'data-kpi-reasn',
        'data-kpi-reasn on <button data-kpi="Rejected"> is not a data-kpi attribute and is not sent: did you mean data-kpi-reason?',
      ],
      [
        'unknown-field',
        'data-kpi-name',
        'data-kpi-name on <button data-kpi="Rejected"> is not a data-kpi attribute and is not sent',
      ],
    ]);
    expect(warn.getCalls().map((call) => call.args)).to.deep.equal(
      warnings.map((w) => ['[cif-kpi-logger]', w.message, logger]),
    );
  });

  it('refuses a data-kpi-custom-* name that is not a column, naming the attribute and the one to write', async () => {
    const { root, logger } = await mount(`
      <button id="bad" data-kpi="Transferred" data-kpi-custom-queue-name="Billing">x</button>
      <button id="good" data-kpi="Answered" data-kpi-custom-queue_name="Billing">y</button>`);
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    root.querySelector<HTMLElement>('#bad')!.click();
    root.querySelector<HTMLElement>('#good')!.click();
    const sent = await sentEvents(logger);
    expect(names(sent)).to.deep.equal(['Answered']);
    expect(sent[0]!.customData).to.deep.equal([{ attribute: 'queue_name', value: 'Billing' }]);
    expect(errors.map((e) => [e.code, e.field, e.message])).to.deep.equal([
      [
        'invalid-custom-data',
        'data-kpi-custom-queue-name',
        'data-kpi-custom-queue-name on <button data-kpi="Transferred">: "queue-name" is not a column name (letters, digits and underscores): write data-kpi-custom-queue_name',
      ],
    ]);
    expect(logger.stats).to.include({ captured: 2, invalid: 1, sent: 1 });
  });

  it('listens with one listener per event type at the scope root, not one per element', async () => {
    const spy = sinon.spy(EventTarget.prototype, 'addEventListener');
    try {
      const buttons = Array.from({ length: 50 }, (_, i) => `<button data-kpi="K${i}">${i}</button>`).join('');
      await mount(buttons);
      // (Besides the one on the window that looks for clicks outside the scope until it has seen one.)
      const clickListeners = spy.getCalls().filter((call) => call.args[0] === 'click' && call.thisValue !== window);
      expect(clickListeners).to.have.length(1);
      expect(clickListeners[0]!.args[2]).to.equal(true);
    } finally {
      spy.restore();
    }
  });
});

describe('markup that could be turned against the page', () => {
  beforeEach(() => {
    (window as unknown as { __host: unknown }).__host = readyHost();
  });

  it('reads markup through own properties only: fields a page added to Object.prototype never reach the call', async () => {
    const host = (window as unknown as { __host: SimulatedCifHost }).__host;
    const { root, logger } = await mount(`
      <button id="plain" data-kpi="CallHold">Hold</button>
      <button id="custom" data-kpi="CallResumed" data-kpi-reason="Back" data-kpi-custom-tier="2">Resume</button>`);
    // Every field name the CIF contract knows, and the names inside a call and a customData item.
    const names = new Set<string>([
      ...Object.keys(CIF_LIMITS),
      ...KPI_EVENT_FIELDS,
      ...CALL_FIELDS,
      'events',
      'attribute',
    ]);
    const proto = Object.prototype as Record<string, unknown>;
    try {
      for (const name of names) proto[name] = 'polluted';
      // Each element twice: read the first time, then taken from what was read.
      for (let i = 0; i < 2; i++) {
        root.querySelector<HTMLElement>('#plain')!.click();
        root.querySelector<HTMLElement>('#custom')!.click();
      }
      await logger.flush();
    } finally {
      for (const name of names) delete proto[name];
    }
    expect(host.calls).to.have.length(2);
    for (const call of host.calls) {
      expect(call.violations).to.deep.equal([]);
      expect(call.argumentCount).to.equal(2);
      const data = call.data as { events: Array<Record<string, unknown>> };
      expect(Object.keys(data)).to.deep.equal(['conversationId', 'providerSessionId', 'events']);
      expect(data.events).to.have.length(2);
    }
    const events = host.calls.flatMap((call) => (call.data as { events: Array<Record<string, unknown>> }).events);
    expect(events.map((event) => Object.keys(event))).to.deep.equal([
      ['kpiEventName', 'eventTimestamp'],
      ['kpiEventName', 'eventTimestamp'],
      ['kpiEventName', 'kpiEventReason', 'eventTimestamp', 'customData'],
      ['kpiEventName', 'kpiEventReason', 'eventTimestamp', 'customData'],
    ]);
    for (const event of events.slice(2)) {
      expect(event.customData).to.deep.equal([{ attribute: 'tier', value: '2' }]);
      expect(Object.keys((event.customData as object[])[0]!)).to.deep.equal(['attribute', 'value']);
    }
    expect(JSON.stringify(host.calls.map((call) => [call.data, call.eventName]))).to.not.contain('polluted');
  });

  it('refuses data-kpi-on events that fire by themselves: injected content cannot forge a KPI event', async () => {
    const { root, logger } = await mount(
      `<div class="transcript"></div>`,
      `<cif-kpi-rule on="error" kpi="ImageFailed" match="img.ours"></cif-kpi-rule>`,
    );
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    // What a sanitiser keeps of a customer's message: no script, but data-* attributes.
    root.querySelector('.transcript')!.innerHTML =
      `<img data-kpi="CallRejected" data-kpi-on="error" data-kpi-reason="Agent rude">` +
      `<div data-kpi="Forged" data-kpi-on="animationend"></div>`;
    await nextTask();
    // The image fails once the logger has seen the markup (an image that failed earlier would prove nothing).
    const img = root.querySelector('img')!;
    const failed = new Promise((resolve) => img.addEventListener('error', resolve, { once: true }));
    img.src = 'data:image/gif;base64,x';
    await failed;
    root.querySelector('div[data-kpi]')!.dispatchEvent(new Event('animationend', { bubbles: true }));
    expect(await sentEvents(logger)).to.deep.equal([]);
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([
      ['invalid-markup', 'data-kpi-on'],
      ['invalid-markup', 'data-kpi-on'],
    ]);
    expect(errors[0]!.message).to.contain('data-kpi-on="error"').and.contain('CallRejected').and.contain('by itself');
  });

  it('refuses rule paths that lead out of the control: cookies, storage, the page', async () => {
    const errors = collect<CifKpiErrorDetail>(document, 'cif-kpi-error');
    const { root, logger } = await mount(
      `<span id="w"></span>`,
      `<cif-kpi-rule on="ping" kpi="Cookie" reason="{target.ownerDocument.cookie}"></cif-kpi-rule>
       <cif-kpi-rule on="ping" kpi="Token" additional-data="{target.ownerDocument.defaultView.localStorage}"></cif-kpi-rule>
       <cif-kpi-rule on="ping" kpi="Page" additional-data="{target.ownerDocument.body.innerHTML}"></cif-kpi-rule>
       <cif-kpi-rule on="ping" kpi="Text" reason="{target.textContent}"></cif-kpi-rule>`,
    );
    document.cookie = 'session=secret-cookie';
    await logger.flush();
    root.querySelector('#w')!.dispatchEvent(new Event('ping', { bubbles: true }));
    expect(await sentEvents(logger)).to.deep.equal([]);
    const messages = errors.filter((e) => e.code === 'invalid-rule').map((e) => e.message);
    expect(messages).to.have.length(4);
    expect(messages[0])
      .to.contain('{target.ownerDocument.cookie}')
      .and.contain('not readable')
      .and.contain('dataset.<name>');
    document.cookie = 'session=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });

  it('reads each allowed property of the target', async () => {
    const { root, logger } = await mount(
      `<input id="t" name="choice" type="checkbox" title="Pick" aria-label="Choose" aria-pressed="true"
              aria-checked="mixed" aria-expanded="false" aria-selected="true" data-line="L2" checked>
       <select><option id="o" selected>x</option></select>`,
      `<cif-kpi-rule on="ping" kpi="Read"
         additional-data="{target.id}|{target.name}|{target.type}|{target.localName}|{target.value}|{target.checked}|{target.title}|{target.ariaLabel}|{target.ariaPressed}|{target.ariaChecked}|{target.ariaExpanded}|{target.ariaSelected}|{target.dataset.line}|{target.selected}"></cif-kpi-rule>`,
    );
    root.querySelector('#t')!.dispatchEvent(new Event('ping', { bubbles: true }));
    root.querySelector('#o')!.dispatchEvent(new Event('ping', { bubbles: true }));
    const [input, option] = (await sentEvents(logger)).map((e) => e.additionalData);
    expect(input).to.equal('t|choice|checkbox|input|on|true|Pick|Choose|true|mixed|false|true|L2|');
    expect(option).to.equal('o|||option|x|||||||||true');
  });

  it("never reads a password field's value, nor a value inside data-kpi-ignore", async () => {
    const { root, logger } = await mount(
      `<input type="password" id="pw"><div data-kpi-ignore><input id="private"></div><input id="plain">`,
      `<cif-kpi-rule on="input" kpi="Typed" reason="{target.id}:{target.value}"></cif-kpi-rule>`,
    );
    for (const [id, text] of [
      ['pw', 'hunter2'],
      ['private', 'card 4111'],
      ['plain', 'hello'],
    ] as const) {
      const input = root.querySelector<HTMLInputElement>(`#${id}`)!;
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    const reasons = (await sentEvents(logger)).map((e) => e.kpiEventReason);
    expect(reasons).to.deep.equal(['pw:', 'private:', 'plain:hello']);
  });

  it('refuses a detail path that reaches a node or the window, instead of walking it', async () => {
    const { root, logger } = await mount(
      `<span id="w"></span>`,
      `<cif-kpi-rule on="ping" kpi="Leak" reason="{detail.node.textContent}" additional-data="{detail.win}"
         notification-response-action="{detail.plain.ok}"></cif-kpi-rule>`,
    );
    const secret = document.createElement('p');
    secret.textContent = 'customer address';
    root
      .querySelector('#w')!
      .dispatchEvent(
        new CustomEvent('ping', { bubbles: true, detail: { node: secret, win: window, plain: { ok: 'yes' } } }),
      );
    const [event] = await sentEvents(logger);
    expect(event).to.deep.include({ kpiEventName: 'Leak', notificationResponseAction: 'yes' });
    expect(event!.kpiEventReason).to.equal(undefined);
    expect(event!.additionalData).to.equal(undefined);
  });

  it('refuses a detail that is itself a node or the window, even for a one-key path', async () => {
    const { root, logger } = await mount(
      `<span id="w"></span>`,
      `<cif-kpi-rule on="ping" kpi="Leak" reason="{detail.name}" additional-data="{detail.secret}"></cif-kpi-rule>`,
    );
    const node = Object.assign(document.createElement('p'), { secret: 'customer address' });
    const before = window.name;
    window.name = 'window secret';
    try {
      for (const detail of [window, node]) {
        root.querySelector('#w')!.dispatchEvent(new CustomEvent('ping', { bubbles: true, detail }));
      }
      const events = await sentEvents(logger);
      expect(events.map((e) => [e.kpiEventName, e.kpiEventReason, e.additionalData])).to.deep.equal([
        ['Leak', undefined, undefined],
        ['Leak', undefined, undefined],
      ]);
    } finally {
      window.name = before;
    }
  });

  it("still hears a widget's own event types and interaction events from markup", async () => {
    const { root, logger } = await mount(
      `<div data-kpi="Dialled" data-kpi-on="call-dialled"></div><input data-kpi="Typed" data-kpi-on="keydown">`,
    );
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    root.querySelector('div')!.dispatchEvent(new CustomEvent('call-dialled', { bubbles: true }));
    root.querySelector('input')!.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true }));
    expect(names(await sentEvents(logger))).to.deep.equal(['Dialled', 'Typed']);
    expect(errors).to.deep.equal([]);
  });
});

describe('<cif-kpi-rule>', () => {
  beforeEach(() => {
    (window as unknown as { __host: unknown }).__host = readyHost();
  });

  const callEnded = (target: EventTarget, detail: unknown) =>
    target.dispatchEvent(new CustomEvent('call-ended', { bubbles: true, composed: true, detail }));

  it('maps an existing DOM event, filling values from its detail and original target', async () => {
    const { root, logger } = await mount(
      `<softphone-widget id="phone" data-line="L2"></softphone-widget>`,
      `<cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}" additional-data="{detail.stats}"
                     external-correlation-id="line {target.dataset.line}/{detail.missing}"
                     notification-response-action="{detail.action}"
                     custom-msdyn_customattribute1="{detail.queue.name}"></cif-kpi-rule>`,
    );
    callEnded(root.querySelector('#phone')!, {
      reason: 'Resolved',
      stats: { talk: 120 },
      queue: { name: 'Billing' },
      action: 'Accept',
    });
    const [event] = await sentEvents(logger);
    expect(event).to.deep.include({
      kpiEventName: 'CallEnded',
      kpiEventReason: 'Resolved',
      additionalData: '{"talk":120}',
      notificationResponseAction: 'Accept',
      externalCorrelationId: 'line L2/',
    });
    expect(event!.customData).to.deep.equal([{ attribute: 'msdyn_customattribute1', value: 'Billing' }]);
  });

  it('says which placeholder read nothing and what the detail had instead, at info level on the console', async () => {
    const { root, logger } = await mount(
      `<softphone-widget id="phone"></softphone-widget>`,
      `<cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reasn}" additional-data="line {target.dataset.line}"
                     custom-queue="{detail.queue.nme}" when="detail.ok"></cif-kpi-rule>`,
    );
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    const warn = sinon.stub(console, 'warn');
    const info = sinon.stub(console, 'info');
    try {
      const phone = root.querySelector('#phone')!;
      callEnded(phone, { ok: true, reason: 'Resolved', queue: { name: 'Billing' } });
      callEnded(phone, { ok: true, reason: 'Resolved', queue: { name: 'Billing' } });
      await sentEvents(logger);
      expect(warn.callCount).to.equal(0);
      expect(info.callCount).to.equal(0);
      logger.logLevel = 'info';
      await logger.updateComplete;
      callEnded(phone, { ok: true, reason: 'Resolved', queue: { name: 'Billing' } });
      callEnded(phone, { ok: true, reason: 'Resolved', queue: { name: 'Billing' } });
      const sent = await sentEvents(logger);
      expect(sent).to.have.length(4);
      expect(sent[0]).to.include({ kpiEventName: 'CallEnded', additionalData: 'line ' });
      expect(sent[0]).to.not.have.property('kpiEventReason');
      const rule = '<cif-kpi-rule> on="call-ended" kpi="CallEnded"';
      expect(warnings.slice(0, 3).map((w) => [w.code, w.field, w.message])).to.deep.equal([
        [
          'placeholder-empty',
          'reason',
          `reason="{detail.reasn}" of ${rule} read nothing: detail has no "reasn" (it has ok, reason, queue); it is left empty`,
        ],
        [
          'placeholder-empty',
          'additional-data',
          `additional-data="{target.dataset.line}" of ${rule} read nothing: the target has no such value; it is left empty`,
        ],
        [
          'placeholder-empty',
          'custom-queue',
          `custom-queue="{detail.queue.nme}" of ${rule} read nothing: detail.queue has no "nme" (it has name); it is left empty`,
        ],
      ]);
      expect(warnings).to.have.length(12);
      // Each placeholder is printed once at info, however many events it empties; never as a warning.
      const printed = info.getCalls().filter((call) => String(call.args[1]).includes('read nothing'));
      expect(printed.map((call) => String(call.args[1]).slice(0, 22))).to.deep.equal([
        'reason="{detail.reasn}',
        'additional-data="{targ',
        'custom-queue="{detail.',
      ]);
      expect(printed[0]!.args[0]).to.equal('[cif-kpi-logger]');
      expect(printed[0]!.args[2]).to.equal(logger);
      expect(warn.callCount).to.equal(0);
    } finally {
      warn.restore();
      info.restore();
    }
  });

  it('uses {target.x} of the original target inside a shadow root, and match against its ancestors', async () => {
    const { root, logger } = await mount(
      `<softphone-widget></softphone-widget><chat-widget></chat-widget>`,
      `<cif-kpi-rule on="call-ended" kpi="PhoneEnded" reason="{target.id}" match="softphone-widget"></cif-kpi-rule>`,
    );
    const inner = root
      .querySelector('softphone-widget')!
      .attachShadow({ mode: 'open' })
      .appendChild(document.createElement('button'));
    inner.id = 'hangup';
    callEnded(inner, {});
    callEnded(root.querySelector('chat-widget')!, {});
    const events = await sentEvents(logger);
    expect(events.map((e) => [e.kpiEventName, e.kpiEventReason])).to.deep.equal([['PhoneEnded', 'hangup']]);
  });

  it('logs only when the when path is truthy', async () => {
    const { root, logger } = await mount(
      '<div id="w"></div>',
      `<cif-kpi-rule on="call-ended" kpi="Abandoned" when="detail.abandoned"></cif-kpi-rule>`,
    );
    callEnded(root.querySelector('#w')!, { abandoned: false });
    callEnded(root.querySelector('#w')!, { abandoned: true });
    callEnded(root.querySelector('#w')!, null);
    expect(names(await sentEvents(logger))).to.deep.equal(['Abandoned']);
  });

  it('reports each malformed rule by name and problem, while the other rules keep working', async () => {
    const root = await fixture<HTMLElement>(html`<div><div id="w"></div></div>`);
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    root.insertAdjacentHTML(
      'beforeend',
      `<cif-kpi-logger ${LOGGER}>
        <cif-kpi-rule on="call-ended" kpi="Proto" reason="{detail.__proto__.x}"></cif-kpi-rule>
        <cif-kpi-rule kpi="NoOn"></cif-kpi-rule>
        <cif-kpi-rule on="call-ended" kpi="BadMatch" match="[[["></cif-kpi-rule>
        <cif-kpi-rule on="call-ended" kpi="Typo" reasn="x"></cif-kpi-rule>
        <cif-kpi-rule on="call-ended" kpi="Code" reason="{detail.a; alert(1)}"></cif-kpi-rule>
        <cif-kpi-rule on="call-ended" kpi="Good"></cif-kpi-rule>
      </cif-kpi-logger>`,
    );
    const logger = root.querySelector('cif-kpi-logger')!;
    await logger.updateComplete;
    callEnded(root.querySelector('#w')!, {});
    expect(names(await sentEvents(logger))).to.deep.equal(['Good']);
    expect(errors.map((e) => e.code)).to.deep.equal(Array(5).fill('invalid-rule'));
    const messages = errors.map((e) => e.message);
    expect(messages[0]).to.contain('#1 on="call-ended" kpi="Proto"').and.contain('"__proto__" is not allowed');
    expect(messages[1]).to.contain('#2').and.contain('needs on=');
    expect(messages[2]).to.contain('not a valid CSS selector');
    expect(messages[3]).to.contain('"reasn" is not a rule attribute');
    expect(messages[4]).to.contain('not a plain property name');
  });

  it('checks a rule when it is read: a constant name or a custom column that cannot be sent is reported once', async () => {
    const root = await fixture<HTMLElement>(html`<div><div id="w"></div></div>`);
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    root.insertAdjacentHTML(
      'beforeend',
      `<cif-kpi-logger ${LOGGER}>
        <cif-kpi-rule on="call-ended" kpi="${'K'.repeat(101)}"></cif-kpi-rule>
        <cif-kpi-rule on="call-ended" kpi="Dashed" custom-queue-name="{detail.queue}"></cif-kpi-rule>
        <cif-kpi-rule on="call-ended" kpi="Good" custom-queue_name="{detail.queue}"></cif-kpi-rule>
      </cif-kpi-logger>`,
    );
    const logger = root.querySelector('cif-kpi-logger')!;
    await logger.updateComplete;
    callEnded(root.querySelector('#w')!, { queue: 'Billing' });
    callEnded(root.querySelector('#w')!, { queue: 'Sales' });
    const events = await sentEvents(logger);
    expect(events.map((e) => [e.kpiEventName, e.customData![0]!.value])).to.deep.equal([
      ['Good', 'Billing'],
      ['Good', 'Sales'],
    ]);
    expect(errors.map((e) => e.code)).to.deep.equal(['invalid-rule', 'invalid-rule']);
    expect(errors[0]!.message)
      .to.contain('#1')
      .and.contain('kpiEventName value is 101 characters; its column holds 100');
    expect(errors[1]!.message).to.contain('custom-queue-name').and.contain('"queue-name" is not a column name');
  });

  it('checks what a rule reads per event like any event, and reports it with what the rule read', async () => {
    const { root, logger } = await mount(
      '<div id="w"></div>',
      `<cif-kpi-rule on="call-ended" kpi="{detail.name}" reason="{detail.reason}"
                     custom-msdyn_customattribute1="{detail.queue}"></cif-kpi-rule>`,
    );
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    const widget = root.querySelector('#w')!;
    callEnded(widget, { name: 'Held', queue: 'Q'.repeat(101) });
    callEnded(widget, { name: 'Cut', reason: 'r'.repeat(150), queue: 7 });
    callEnded(widget, { name: 'SessionClosed' });
    callEnded(widget, { queue: 'Billing' });
    const events = await sentEvents(logger);
    expect(events.map((e) => [e.kpiEventName, e.kpiEventReason?.length, e.customData])).to.deep.equal([
      ['Cut', 100, [{ attribute: 'msdyn_customattribute1', value: '7' }]],
      ['SessionClosed', undefined, undefined],
    ]);
    expect(errors.map((e) => [e.code, e.field])).to.deep.equal([
      ['value-too-long', 'customData.msdyn_customattribute1'],
      ['missing-kpi-event-name', 'kpiEventName'],
    ]);
    expect(errors[0]!.event).to.deep.equal({
      kpiEventName: 'Held',
      customData: [{ attribute: 'msdyn_customattribute1', value: 'Q'.repeat(101) }],
    });
    expect(errors[1]!.event).to.deep.equal({ customData: [{ attribute: 'msdyn_customattribute1', value: 'Billing' }] });
    expect(warnings.map((w) => [w.code, w.field, (w.event as { kpiEventName: string }).kpiEventName])).to.deep.equal([
      ['placeholder-empty', 'reason', 'Held'],
      ['value-truncated', 'kpiEventReason', 'Cut'],
      ['reserved-kpi-event-name', 'kpiEventName', 'SessionClosed'],
      ['placeholder-empty', 'reason', 'SessionClosed'],
      ['placeholder-empty', 'custom-msdyn_customattribute1', 'SessionClosed'],
      ['placeholder-empty', 'kpi', undefined],
    ]);
    // The event refused for its missing name says why: the name's placeholder read nothing.
    expect(warnings[5]!.message).to.contain('kpi="{detail.name}"').and.contain('detail has no "name" (it has queue)');
  });

  it('turns a value that throws when read into an invalid-detail error, not a page error', async () => {
    const { root, logger } = await mount(
      '<div id="w"></div>',
      `<cif-kpi-rule on="call-ended" kpi="Trap" reason="{detail.trap}"></cif-kpi-rule>
       <cif-kpi-rule on="call-ended" kpi="Fine"></cif-kpi-rule>`,
    );
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    const trap = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap sprung');
        },
      },
    );
    const pageErrors = await pageErrorsDuring(() => {
      callEnded(root.querySelector('#w')!, { trap });
    });
    expect(pageErrors).to.deep.equal([]);
    expect(names(await sentEvents(logger))).to.deep.equal(['Fine']);
    expect(errors.map((e) => e.code)).to.deep.equal(['invalid-detail']);
    expect(errors[0]!.message).to.contain('trap sprung');
  });

  it('takes rules added, changed or removed at run time into account at once', async () => {
    const { root, logger } = await mount('<div id="w"></div>');
    const widget = root.querySelector('#w')!;
    const rule = document.createElement('cif-kpi-rule');
    rule.setAttribute('on', 'call-ended');
    rule.setAttribute('kpi', 'First');
    logger.append(rule);
    callEnded(widget, {});
    rule.setAttribute('kpi', 'Renamed');
    callEnded(widget, {});
    rule.setAttribute('custom-tier', '{detail.tier}');
    callEnded(widget, { tier: 3 });
    rule.setAttribute('on', 'call-missed');
    callEnded(widget, {});
    widget.dispatchEvent(new CustomEvent('call-missed', { bubbles: true, composed: true }));
    rule.remove();
    widget.dispatchEvent(new CustomEvent('call-missed', { bubbles: true, composed: true }));
    const events = await sentEvents(logger);
    expect(names(events)).to.deep.equal(['First', 'Renamed', 'Renamed', 'Renamed']);
    expect(events[2]!.customData).to.deep.equal([{ attribute: 'tier', value: '3' }]);
  });

  it('takes a custom column changed through its Attr node into account from the next microtask', async () => {
    const { root, logger } = await mount('<div id="w"></div>');
    const widget = root.querySelector('#w')!;
    logger.insertAdjacentHTML(
      'beforeend',
      '<cif-kpi-rule on="call-ended" kpi="Ended" custom-tier="one"></cif-kpi-rule>',
    );
    await logger.flush();
    logger.querySelector('cif-kpi-rule')!.attributes.getNamedItem('custom-tier')!.value = 'two';
    await Promise.resolve(); // the MutationObserver's notice
    callEnded(widget, {});
    const events = await sentEvents(logger);
    expect(events.map((e) => e.customData)).to.deep.equal([[{ attribute: 'tier', value: 'two' }]]);
  });

  it('with nested loggers, the innermost that has something for the event logs it, once', async () => {
    const host = (
      window as unknown as { __host: { calls: Array<{ data: { conversationId: string; events: CifKpiEvent[] } }> } }
    ).__host;
    const root = await fixture<HTMLElement>(html`<div></div>`);
    root.innerHTML = `
      <cif-kpi-logger id="outer" conversation-id="outer" provider-session-id="p" flush-delay="0">
        <cif-kpi-rule on="call-ended" kpi="OuterRule"></cif-kpi-rule>
      </cif-kpi-logger>
      <section>
        <cif-kpi-logger id="inner" conversation-id="inner" provider-session-id="p" flush-delay="0"></cif-kpi-logger>
        <button data-kpi="InnerButton">b</button>
      </section>`;
    const outer = root.querySelector<Logger>('#outer')!;
    const inner = root.querySelector<Logger>('#inner')!;
    await Promise.all([outer.updateComplete, inner.updateComplete]);
    const button = root.querySelector('button')!;
    button.click();
    callEnded(button, {});
    await Promise.all([outer.flush(), inner.flush()]);
    const rows = host.calls.flatMap((c) => c.data.events.map((e) => [c.data.conversationId, e.kpiEventName]));
    expect(rows).to.have.deep.members([
      ['inner', 'InnerButton'],
      ['outer', 'OuterRule'],
    ]);
    expect(rows).to.have.length(2);
  });

  it('says when the logger sits outside the widgets it should hear: once, with the element, in the console', async () => {
    (window as unknown as { __host: unknown }).__host = readyHost();
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const warn = sinon.stub(console, 'warn');
    try {
      root.innerHTML = `<main id="widgets"><button data-kpi="CallAccepted">Accept</button></main>
        <footer><cif-kpi-logger ${LOGGER}></cif-kpi-logger></footer>`;
      const logger = root.querySelector<Logger>('cif-kpi-logger')!;
      await logger.updateComplete;
      const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
      root.querySelector('button')!.click();
      root.querySelector('button')!.click();
      // What to say is a chunk of its own, loaded when such an event happens.
      await waitUntil(() => warnings.length > 0, 'the warning', { timeout: 2000, interval: 10 });
      await nextTask();
      expect(warnings.map((w) => [w.code, w.message.split('; put')[0]])).to.deep.equal([
        [
          'outside-scope',
          `a click on <button data-kpi="CallAccepted"> was not heard: it is outside the logger's scope (its parent, <footer>)`,
        ],
      ]);
      expect(warn.callCount).to.equal(1);
      expect(warn.firstCall.args[2]).to.equal(logger);
      // The fix the message gives works: the container's id as scope.
      logger.setAttribute('scope', 'widgets');
      await logger.updateComplete;
      root.querySelector('button')!.click();
      expect(names(await sentEvents(logger))).to.deep.equal(['CallAccepted']);
    } finally {
      warn.restore();
    }
  });

  it('says that a rule outside any logger maps nothing, on the rule and in the console', async () => {
    const root = await fixture<HTMLElement>(html`<div></div>`);
    const warnings = collect<CifKpiWarningDetail>(root, 'cif-kpi-warning');
    const warn = sinon.stub(console, 'warn');
    try {
      root.innerHTML = `<section><cif-kpi-rule on="ticket-closed" kpi="TicketClosed"></cif-kpi-rule></section>
      <cif-kpi-logger ${LOGGER}><cif-kpi-rule on="click" kpi="Click"></cif-kpi-rule></cif-kpi-logger>`;
      const message = '<cif-kpi-rule on="ticket-closed"> is not a direct child of a <cif-kpi-logger>: it maps nothing';
      await waitUntil(() => warnings.length > 0, 'said once the advice part is loaded');
      expect(warnings).to.deep.equal([{ code: 'rule-outside-logger', message }]);
      expect(warn.firstCall.args).to.deep.equal([
        '[cif-kpi-logger]',
        message,
        root.querySelector('section > cif-kpi-rule'),
      ]);
      expect(warn.callCount).to.equal(1);
    } finally {
      warn.restore();
    }
  });

  it('evaluates no code: a placeholder is a property path, nothing else', async () => {
    const { root, logger } = await mount(
      '<div id="w"></div>',
      `<cif-kpi-rule on="call-ended" kpi="K" reason="{detail.fn}"></cif-kpi-rule>`,
    );
    let called = false;
    callEnded(root.querySelector('#w')!, { fn: () => (called = true) });
    await logger.flush();
    expect(called).to.equal(false);
  });
});
