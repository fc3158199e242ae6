import { expect } from '@open-wc/testing';
import { createApp, nextTick, ref, type App, type Component } from 'vue/dist/vue.esm-browser.js';
import sinon from 'sinon';
import '../../src/define.js';
import { eventRows, readyHost } from '../support/harness.js';

/** Vue 3 with `isCustomElement` for cif-kpi-*: bound attributes, `@cif-kpi-sent` listeners, re-rendered lists. */
describe('Vue 3', () => {
  let app: App | undefined;
  let container: HTMLElement;
  beforeEach(() => {
    container = document.body.appendChild(document.createElement('div'));
  });
  afterEach(() => {
    app?.unmount();
    container.remove();
  });

  it('logs markup, rule and cif-kpi events with ids bound from reactive state, through re-renders', async () => {
    const host = readyHost();
    const conversation = ref('conv-A');
    const items = ref(['One']);
    const sentCount = ref(0);
    app = createApp({
      setup: () => ({
        conversation,
        items,
        sentCount,
        transfer: (event: Event) =>
          event.currentTarget!.dispatchEvent(
            new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail: { kpiEventName: 'Transferred' } }),
          ),
        hangUp: (event: Event) =>
          event.currentTarget!.dispatchEvent(
            new CustomEvent('call-ended', { bubbles: true, detail: { reason: 'Resolved' } }),
          ),
      }),
      template: `
        <div>
          <button v-for="item in items" :key="item" :data-kpi="'Pressed' + item" :data-kpi-reason="'from ' + item">{{ item }}</button>
          <button class="transfer" @click="transfer">transfer</button>
          <button class="hangup" @click="hangUp">hang up</button>
          <cif-kpi-logger :conversation-id="conversation" provider-session-id="prov-V" flush-delay="0"
                          @cif-kpi-sent="sentCount++">
            <cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}"></cif-kpi-rule>
          </cif-kpi-logger>
        </div>`,
    });
    app.config.compilerOptions.isCustomElement = (tag: string) => tag.startsWith('cif-kpi-');
    app.mount(container);
    const logger = container.querySelector('cif-kpi-logger')!;
    await logger.updateComplete;
    const click = (selector: string) => (container.querySelector(selector) as HTMLElement).click();

    click('[data-kpi="PressedOne"]');
    click('.transfer');
    click('.hangup');
    await logger.flush();
    conversation.value = 'conv-B';
    items.value = ['One', 'Two'];
    await nextTick();
    click('[data-kpi="PressedTwo"]');
    await logger.flush();

    const rows = eventRows(host);
    expect(rows).to.deep.equal([
      ['conv-A', 'PressedOne', 'from One'],
      ['conv-A', 'Transferred', ''],
      ['conv-A', 'CallEnded', 'Resolved'],
      ['conv-B', 'PressedTwo', 'from Two'],
    ]);
    expect(sentCount.value).to.equal(host.calls.length);
  });

  it('renders the documented single-file component, compiled as the Vite plugin compiles it, and logs through it', async () => {
    const host = readyHost();
    const warn = sinon.stub(console, 'warn');
    try {
      const { default: Softphone } = (await import('./snippets/Softphone.vue')) as { default: Component };
      app = createApp(Softphone, { conversationId: 'conv-S', sessionId: 'prov-S' });
      app.mount(container);
      const logger = container.querySelector('cif-kpi-logger')!;
      await logger.updateComplete;
      expect(logger.conversationId).to.equal('conv-S');
      const button = container.querySelector<HTMLElement>('[data-kpi]')!;
      button.click();
      button.dispatchEvent(new CustomEvent('call-ended', { bubbles: true, detail: { reason: 'Resolved' } }));
      button.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, detail: { kpiEventName: '' } }));
      await logger.flush();
      expect(eventRows(host)).to.deep.equal([
        ['conv-S', 'CallAccepted', ''],
        ['conv-S', 'CallEnded', 'Resolved'],
      ]);
      // Its @cif-kpi-error listener heard the refused event; Vue resolved no cif-kpi-* tag as a component.
      expect(warn.getCalls().map((call) => String(call.args[0]))).to.deep.equal([
        'kpiEventName must be a non-empty string; got ""',
      ]);
    } finally {
      warn.restore();
    }
  });
});
