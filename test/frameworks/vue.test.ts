import { expect } from '@open-wc/testing';
import { createApp, nextTick, ref, type App } from 'vue/dist/vue.esm-browser.js';
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
});
