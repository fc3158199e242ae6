// Shows what was captured, what the logger reported and what reached the (simulated) CIF host.
const logger = document.getElementById('logger');
const host = window.simulatedHost;

function item(list, className, title, body, { collapsed = false } = {}) {
  const li = document.createElement('li');
  li.className = className;
  const head = document.createElement('div');
  head.className = 'title';
  head.textContent = title;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  head.append(time);
  li.append(head);
  if (body !== undefined) {
    const pre = document.createElement('pre');
    pre.textContent = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
    if (collapsed) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = 'detail';
      details.append(summary, pre);
      li.append(details);
    } else {
      li.append(pre);
    }
  }
  list.prepend(li);
}

// Captured: what the widgets did, as the logger heard it — cif-kpi events, clicks on data-kpi markup, and the
// queue widget's own event — seen on the way down (capture phase), before the logger handles it.
const captured = document.getElementById('captured');
document.addEventListener(
  'cif-kpi',
  (event) =>
    item(
      captured,
      'captured',
      `cif-kpi: ${String(event.detail?.kpiEventName ?? '(no name)').slice(0, 40)}`,
      event.detail,
      {
        collapsed: true,
      },
    ),
  true,
);
for (const type of ['click', 'change']) {
  document.addEventListener(
    type,
    (event) => {
      const source = event.composedPath().find((node) => node instanceof Element && node.hasAttribute('data-kpi'));
      const fires = source && (source.localName === 'select' ? 'change' : 'click') === type;
      if (fires) item(captured, 'captured markup', `data-kpi ${type}: ${source.getAttribute('data-kpi')}`);
    },
    true,
  );
}
document.addEventListener(
  'queue-call-ended',
  (event) => item(captured, 'captured rule', 'queue-call-ended (rule)', event.detail, { collapsed: true }),
  true,
);

const reports = document.getElementById('reports');
logger.addEventListener('cif-kpi-sent', (event) =>
  item(reports, 'sent', `sent: ${event.detail.data.events.length} event(s) as "${event.detail.eventName}"`),
);
logger.addEventListener('cif-kpi-error', (event) =>
  item(reports, 'error', `error ${event.detail.code}`, event.detail.message),
);
logger.addEventListener('cif-kpi-warning', (event) =>
  item(reports, 'warning', `warning ${event.detail.code}`, event.detail.message),
);

// The host: status, and every logAnalyticsEvent call with its payload and contract check.
const status = document.getElementById('host-status');
window.addEventListener('CIFInitDone', () => {
  status.textContent = 'ready: CIFInitDone fired';
  status.className = 'badge ready';
});
const calls = document.getElementById('calls');
host.addEventListener('call', (event) => {
  const call = event.detail;
  const verdict = call.violations.length === 0 ? '✓ valid' : `✗ ${call.violations.join('; ')}`;
  const args = call.argumentCount > 2 ? `, "${call.correlationId}"` : '';
  item(
    calls,
    call.violations.length === 0 ? 'call' : 'call invalid',
    `logAnalyticsEvent(data, "${call.eventName}"${args})  ${verdict}`,
    call.data,
  );
});
host.addEventListener('settle', (event) => {
  const li = calls.firstElementChild;
  if (li) li.dataset.outcome = event.detail.outcome;
});

// Fault injection for the next call.
const nextReply = document.getElementById('next-reply');
host.setReply(() => {
  const choice = nextReply.value;
  nextReply.value = 'resolve';
  if (choice === 'reject-map') return { kind: 'reject', shape: 'map', message: 'Conversation is not active' };
  if (choice === 'reject-json') return { kind: 'reject', shape: 'json', message: 'Session expired' };
  if (choice === 'stall') return { kind: 'stall' };
  return { kind: 'resolve', value: 'Success' };
});

// Context ids follow the inputs; an empty conversation-id leaves it to the focused session (auto-context).
for (const name of ['conversation-id', 'provider-session-id']) {
  document.getElementById(name).addEventListener('input', (event) => {
    if (event.target.value) logger.setAttribute(name, event.target.value);
    else logger.removeAttribute(name);
  });
}

// The agent switches sessions: the host's double notice (old unfocused, new focused) reaches the logger.
document.getElementById('focused-session').addEventListener('change', (event) => {
  void host.focusSession(event.target.value || null);
});
logger.setAttribute('call-timeout', '3000');
