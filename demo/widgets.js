// Widgets a provider might already have. None of them knows about the logger: they only dispatch `cif-kpi`.

function report(target, detail) {
  target.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail }));
}

// A plain-DOM softphone.
document.getElementById('softphone').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-demo-kpi]');
  if (!button) return;
  report(button, {
    kpiEventName: button.dataset.demoKpi,
    kpiEventReason: button.dataset.reason,
    customData: { msdyn_customattribute1: 'Billing queue' },
  });
});

// A chat widget that keeps its DOM in a closed shadow root. Its composed events still reach the logger.
class DemoChatWidget extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'closed' });
    root.innerHTML = `
      <style>
        :host { display: block; border: 1px solid #c8d1dc; border-radius: 8px; padding: 0.75rem 1rem; margin: 0.75rem 0; background: #fff; }
        h3 { margin: 0 0 0.5rem; font-size: 1rem; }
        small { color: #5b6776; font-weight: normal; }
        button { font: inherit; padding: 0.35rem 0.75rem; margin: 0 0.4rem 0.4rem 0; border-radius: 6px; border: 1px solid #8a99ab; background: #f4f7fa; cursor: pointer; }
        button:hover { background: #e6edf5; }
      </style>
      <h3>Chat <small>closed shadow root, dispatches <code>cif-kpi</code></small></h3>
      <button data-kpi="ChatCannedReply">Send canned reply</button>
      <button data-kpi="ChatTransferred">Transfer to supervisor</button>`;
    root.addEventListener('click', (event) => {
      const button = event.target.closest('button');
      if (!button) return;
      report(button, {
        kpiEventName: button.dataset.kpi,
        additionalData: { channel: 'chat', typedCharacters: 42 },
      });
    });
  }
}
customElements.define('demo-chat-widget', DemoChatWidget);

// Mistakes a hand-written integration makes; the logger refuses or fixes them and says so.
const mistakes = {
  'bad-name': { kpiEventName: 'CallHold'.repeat(13) },
  'bad-timestamp': { kpiEventName: 'CallHold', eventTimestamp: '2026-11-28 10:15:30' },
  'long-reason': {
    kpiEventName: 'CallEnded',
    kpiEventReason: 'The customer explained the issue at length. '.repeat(4),
  },
};
document.getElementById('mistakes').addEventListener('click', (event) => {
  const detail = mistakes[event.target.id];
  if (detail) report(event.target, detail);
});

// A widget the provider did not write and cannot change: it only dispatches its own `queue-call-ended` event
// (not composed, from its light DOM). A <cif-kpi-rule> inside the logger maps it to a KPI event.
class LegacyQueueWidget extends HTMLElement {
  connectedCallback() {
    this.innerHTML = `<button>End queued call</button> <span class="queue">Queue: Premium support</span>`;
    this.querySelector('button').addEventListener('click', () => {
      this.dispatchEvent(
        new CustomEvent('queue-call-ended', {
          bubbles: true,
          detail: {
            outcome: 'Resolved on first contact',
            queue: 'Premium support',
            stats: { waitSeconds: 42, talkSeconds: 315 },
          },
        }),
      );
    });
  }
}
customElements.define('legacy-queue-widget', LegacyQueueWidget);
