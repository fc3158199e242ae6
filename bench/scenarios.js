// Scenarios the benchmark runs in the page, one fresh page each (bench/run.mjs drives them).
// Times are per event, in microseconds, median of several rounds; each round ends after its microtasks ran,
// so work the tool defers to a microtask is counted too.

const stage = document.getElementById('stage');
const noop = () => {};
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Widgets in the shape the capture styles need: a plain button, a tagged button, a widget with its own event. */
function buildDom(buttons = 20, into = stage) {
  into.innerHTML = `
    <div id="scope">
      <div class="widget"><button id="plain">plain</button></div>
      <div class="tagged">${Array.from(
        { length: buttons },
        (_, i) =>
          `<button id="t${i}" data-kpi="CallHold" data-kpi-reason="Customer asked to wait" data-kpi-custom-msdyn_customattribute1="Queue ${i}"
                   data-id="t${i}" data-kpi-name="CallHold">hold ${i}</button>`,
      ).join('')}</div>
      <softphone-widget id="phone"></softphone-widget>
    </div>`;
  return into.querySelector('#scope');
}

const actions = {
  event: (where = stage) => {
    const button = where.querySelector('#plain');
    return () =>
      button.dispatchEvent(
        new CustomEvent('cif-kpi', {
          bubbles: true,
          composed: true,
          detail: { kpiEventName: 'CallHold', kpiEventReason: 'Customer asked to wait' },
        }),
      );
  },
  // A click alone: all that the logger and its floors hear (mousedown and mouseup would be dispatched to nobody and
  // pull the ratio towards 1).
  markup: (where = stage) => {
    const buttons = [...where.querySelectorAll('.tagged button')];
    let i = 0;
    return () => buttons[i++ % buttons.length].click();
  },
  rule: (where = stage) => {
    const phone = where.querySelector('#phone');
    return () =>
      phone.dispatchEvent(
        new CustomEvent('call-ended', { bubbles: true, detail: { reason: 'Resolved', queue: 'Billing' } }),
      );
  },
};
const floorTypes = { event: 'cif-kpi', markup: 'click', rule: 'call-ended' };
/**
 * A click as a person makes it, for the like-for-like rounds: mousedown, mouseup, click (Application Insights hears
 * mousedown, the others click).
 */
function personClicks(where = stage) {
  const buttons = [...where.querySelectorAll('.tagged button')];
  const init = { bubbles: true, composed: true, cancelable: true, button: 0, view: window };
  let i = 0;
  return () => {
    const button = buttons[i++ % buttons.length];
    button.dispatchEvent(new MouseEvent('mousedown', init));
    button.dispatchEvent(new MouseEvent('mouseup', init));
    button.click();
  };
}

/** µs per event of one round of `n` actions, the microtasks they queued included. */
async function round(act, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) act();
  await Promise.resolve();
  return ((performance.now() - t0) * 1000) / n;
}

async function time(act, n, rounds) {
  const perEvent = [];
  for (let r = 0; r < rounds; r++) {
    perEvent.push(await round(act, n));
    await settle();
  }
  return median(perEvent.slice(1)); // the first round warms up
}

async function addLogger(scope, extra = '') {
  await import('/dist/cdn/cif-kpi-logger.js');
  scope.insertAdjacentHTML(
    'beforeend',
    `<cif-kpi-logger conversation-id="7c1f2a9e-0d4b-4e61-9a3c-2b8d5e6f7a10" provider-session-id="softphone-session-314"
       flush-delay="600000" max-batch="1000000" max-queue="1000000" max-queue-bytes="1000000000" ${extra}>
       <cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}" custom-msdyn_customattribute1="{detail.queue}"></cif-kpi-rule>
     </cif-kpi-logger>`,
  );
  const logger = scope.querySelector('cif-kpi-logger');
  await logger.updateComplete;
  await new Promise((resolve) => setTimeout(resolve, 50));
  return logger;
}

async function installHost(options) {
  const { SimulatedCifHost } = await import('/dist/cdn/simulated-cif-host.js');
  const host = new SimulatedCifHost({ initDelay: null, ...options });
  host.appear();
  return host;
}

/**
 * The longest main-thread task while `during` runs, as a figure: a loop of `MessageChannel` tasks notes the longest
 * gap between two of its turns, which holds any task that ran between them (so it is an upper bound, within the
 * clock's resolution). Beside it, the tasks over 50 ms that Chromium's Long Tasks API saw, after a calibration task
 * of 60 ms that it must see (`count` is NaN when it did not).
 */
async function longTasksDuring(during) {
  const seen = [];
  const observer = new PerformanceObserver((list) => seen.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ type: 'longtask' });
  const until = performance.now() + 60;
  while (performance.now() < until);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const observable = seen.length > 0;
  seen.length = 0;
  const channel = new MessageChannel();
  let sampling = true;
  let last = performance.now();
  let longest = 0;
  channel.port1.onmessage = () => {
    const now = performance.now();
    if (now - last > longest) longest = now - last;
    last = now;
    if (sampling) channel.port2.postMessage(0);
  };
  channel.port2.postMessage(0);
  await during();
  await new Promise((resolve) => setTimeout(resolve, 50));
  sampling = false;
  channel.port1.close();
  observer.disconnect();
  return { longest, count: observable ? seen.length : NaN };
}

/** Characters the logger keeps in sessionStorage. */
function storedCharacters() {
  let sum = 0;
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith('cif-kpi-logger:')) sum += key.length + sessionStorage.getItem(key).length;
  }
  return sum;
}

/** A logger with default settings (persistence on) on `scope`, and the host as `host` makes it. */
async function defaultLogger(scope, extra = '') {
  await import('/dist/cdn/cif-kpi-logger.js');
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);
  scope.insertAdjacentHTML(
    'beforeend',
    `<cif-kpi-logger conversation-id="7c1f2a9e-0d4b-4e61-9a3c-2b8d5e6f7a10" provider-session-id="softphone-session-314" ${extra}></cif-kpi-logger>`,
  );
  const logger = scope.querySelector('cif-kpi-logger');
  await logger.updateComplete;
  await new Promise((resolve) => setTimeout(resolve, 50));
  return logger;
}

const copied = [];
/** The fields of one event as each style's listener reads them: name, reason, the custom column. */
const readFields = {
  event: (event) => event.detail,
  markup: (event) => {
    const source = event.target.closest('[data-kpi]');
    if (!source) return undefined;
    const { kpi, kpiReason, kpiCustomMsdyn_customattribute1: queue } = source.dataset;
    return {
      kpiEventName: kpi,
      kpiEventReason: kpiReason,
      customData: [{ attribute: 'msdyn_customattribute1', value: queue }],
    };
  },
  rule: (event) => ({
    kpiEventName: 'CallEnded',
    kpiEventReason: event.detail.reason,
    customData: [{ attribute: 'msdyn_customattribute1', value: event.detail.queue }],
  }),
};

/**
 * The copy floor: a listener that copies the same fields the logger sends (name, reason, the custom column) into an
 * array, with the time.
 */
const copyFields = {
  event: (event) => copied.push({ ...event.detail, at: Date.now() }),
  markup: (event) => {
    const fields = readFields.markup(event);
    if (!fields) return;
    fields.at = Date.now();
    copied.push(fields);
  },
  rule: (event) => {
    const fields = readFields.rule(event);
    fields.at = Date.now();
    copied.push(fields);
  },
};
/** Gives `logger` the rule the `rule` style's events are mapped by, and waits until its code is there. */
async function addRule(logger) {
  logger.insertAdjacentHTML(
    'beforeend',
    '<cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}" custom-msdyn_customattribute1="{detail.queue}"></cif-kpi-rule>',
  );
  await logger.flush();
}

/**
 * What a provider writes without cif-kpi-logger: a listener that builds the same CIF payload (the ids, and per event
 * its name, reason, custom column and an ISO timestamp) and calls `logAnalyticsEvent` once per 100 events, or 500 ms
 * after the first event of a partial batch. `sent` counts the events of calls the host answered.
 */
function handWrittenLogger(style) {
  const logger = { sent: 0 };
  let batch = [];
  let timer;
  const send = () => {
    clearTimeout(timer);
    timer = undefined;
    const events = batch;
    batch = [];
    window.Microsoft.CIFramework.logAnalyticsEvent(
      {
        conversationId: '7c1f2a9e-0d4b-4e61-9a3c-2b8d5e6f7a10',
        providerSessionId: 'softphone-session-314',
        events,
      },
      events[0].kpiEventName,
    ).then(
      () => (logger.sent += events.length),
      () => {},
    );
  };
  logger.listener = (event) => {
    const fields = readFields[style](event);
    if (!fields) return;
    const kpi = { kpiEventName: fields.kpiEventName, eventTimestamp: new Date().toISOString() };
    if (fields.kpiEventReason) kpi.kpiEventReason = fields.kpiEventReason;
    if (fields.customData) kpi.customData = fields.customData;
    batch.push(kpi);
    if (batch.length === 100) send();
    else if (timer === undefined) timer = setTimeout(send, 500);
  };
  return logger;
}
/** Dispatches `n` events in tasks of 100 (as widgets do, event by event), resolving after the last task. */
async function inTasks(act, n) {
  for (let done = 0; done < n; done += 100) {
    for (let i = done; i < Math.min(n, done + 100); i++) act();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
let e2e;
/** The end-to-end arms, in the order of the first set of rounds (each set rotates it). */
const E2E_ARMS = ['ours', 'handWritten', 'copy', 'bare'];

window.scenarios = {
  /**
   * End to end, in four copies of the same DOM: the logger with default settings (batching, persistence on), a
   * hand-written CIF logger (the floor: see `handWrittenLogger`), a listener copying the fields into an array and a
   * listener that only counts, all calling (or not) a bare host that answers in ~5 ms. `e2eRound` dispatches in tasks
   * of 100, waits until the arm has sent every event (at once for the two listeners) and then 1.2 s more, the
   * logger's storage writes included; the page's CPU time is measured around it from outside (CDP Performance
   * metrics).
   */
  async e2eSetup(style) {
    const [ours, handWritten, copy, bare] = E2E_ARMS.map(() => stage.appendChild(document.createElement('div')));
    // A bare host: what is measured ends at the host call (the simulated host would add its copying and contract
    // checks of each call).
    window.Microsoft = {
      CIFramework: { logAnalyticsEvent: () => new Promise((resolve) => setTimeout(() => resolve('Success'), 5)) },
    };
    const hand = handWrittenLogger(style);
    buildDom(20, handWritten).addEventListener(floorTypes[style], hand.listener, true);
    buildDom(20, copy).addEventListener(floorTypes[style], copyFields[style], true);
    let heard = 0;
    buildDom(20, bare).addEventListener(floorTypes[style], () => heard++, true);
    const logger = await defaultLogger(buildDom(20, ours));
    if (style === 'rule') await addRule(logger);
    e2e = {
      ours: { act: actions[style](ours), done: () => logger.stats.sent },
      handWritten: { act: actions[style](handWritten), done: () => hand.sent },
      copy: { act: actions[style](copy), done: () => copied.length },
      bare: { act: actions[style](bare), done: () => heard },
    };
    return true;
  },

  async e2eRound(which, n) {
    const arm = e2e[which];
    copied.length = 0;
    const before = arm.done();
    await inTasks(arm.act, n);
    const until = performance.now() + 30_000;
    while (arm.done() < before + n && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    // Deferred work (the logger's storage writes, a second after the last change) counts; every arm idles alike.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    return arm.done() - before;
  },

  /**
   * The logger against its floors in one page: the same dispatches into three copies of the same DOM, one heard by
   * a capture listener that keeps the same fields (the floor: it captures what the logger captures, and keeps it
   * as the logger keeps its queue during these rounds), one by a listener that does nothing, the third in the
   * logger's scope (host ready, events queued). Rounds alternate, each going first in turn, so that drift on a
   * shared machine hits all alike; a ratio is the median of the rounds' ratios.
   */
  async compare(style, n, rounds) {
    const stages = [0, 1, 2].map(() => stage.appendChild(document.createElement('div')));
    buildDom(20, stages[0]).addEventListener(floorTypes[style], copyFields[style], true);
    buildDom(20, stages[1]).addEventListener(floorTypes[style], noop, true);
    const scope = buildDom(20, stages[2]);
    await installHost();
    const logger = await addLogger(scope);
    const acts = stages.map((where) => actions[style](where));
    const times = [[], [], []];
    copied.length = 0;
    for (let r = 0; r < rounds; r++) {
      // Each goes first in turn: what one round leaves to the collector falls on the next alike.
      for (let j = 0; j < 3; j++) {
        const k = (r + j) % 3;
        times[k].push(await round(acts[k], n));
        await settle();
      }
    }
    if (logger.stats.captured < n * rounds)
      throw new Error(`logger captured ${logger.stats.captured} of ${n * rounds}`);
    if (copied.length < n * rounds) throw new Error(`the floor kept ${copied.length} of ${n * rounds}`);
    const [floor, bare, ours] = times.map((t) => t.slice(1)); // the first round warms up
    return {
      floor: median(floor),
      bare: median(bare),
      ours: median(ours),
      ratio: median(ours.map((o, i) => o / floor[i])),
      bareRatio: median(ours.map((o, i) => o / bare[i])),
    };
  },

  /** The logger hearing the same dispatches (host ready, events queued). */
  async logger(style, n, rounds) {
    const scope = buildDom();
    await installHost();
    const logger = await addLogger(scope);
    const result = await time(actions[style](), n, rounds);
    const captured = logger.stats.captured;
    if (captured < n * rounds) throw new Error(`logger captured ${captured} of ${n * rounds}`);
    return result;
  },

  /**
   * `n` events dispatched in tasks of 100, with default settings, against a host answering in ~5 ms: how long until
   * all are delivered, in how many calls, and the longest main-thread task meanwhile (storage writes included).
   */
  async burst(n) {
    const scope = buildDom();
    const host = await installHost({ latency: 5 });
    const logger = await defaultLogger(scope);
    const act = actions.event();
    let dispatchMs;
    let deliveredMs;
    const tasks = await longTasksDuring(async () => {
      const t0 = performance.now();
      await inTasks(act, n);
      dispatchMs = performance.now() - t0;
      while (logger.stats.sent < n) await new Promise((resolve) => setTimeout(resolve, 1));
      deliveredMs = performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, 1200)); // the queue's storage write, a second later
    });
    return { dispatchMs, deliveredMs, calls: host.calls.length, longestTask: tasks.longest, longTasks: tasks.count };
  },

  /**
   * With `held` events already held against a host that never answers (default settings, persistence on): the
   * cost per event of capturing 3,000 more (dispatched 100 a task: the median of those tasks, the saves of full
   * segments running in tasks of their own), and the longest task the logger ran meanwhile — capture, the saves of
   * full segments, the interval save and a pagehide save.
   */
  async held(held, additionalData = 0) {
    const scope = buildDom();
    const logger = await defaultLogger(scope);
    const button = scope.querySelector('#plain');
    const detail = { kpiEventName: 'CallHold', kpiEventReason: 'Customer asked to wait' };
    if (additionalData) detail.additionalData = 'd'.repeat(additionalData);
    const act = () => button.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail }));
    for (let i = 0; i < held; i += 500) {
      for (let j = 0; j < 500; j++) act();
      await settle();
    }
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the interval save of what is left
    const rounds = [];
    const tasks = await longTasksDuring(async () => {
      for (let i = 0; i < 30; i++) {
        rounds.push(await round(act, 100));
        await settle();
      }
      await new Promise((resolve) => setTimeout(resolve, 1100));
      window.dispatchEvent(new Event('pagehide'));
    });
    // The writes the events caused run in tasks of their own: time them too.
    const t0 = performance.now();
    window.dispatchEvent(new Event('pagehide'));
    const pagehide = performance.now() - t0;
    return {
      perEvent: median(rounds.slice(1)),
      longest: tasks.longest,
      longTasks: tasks.count,
      held: logger.pendingCount,
      pagehide,
    };
  },

  /** First page of a reload: `n` events held against an absent host, saved as the page goes. */
  async beforeReload(n) {
    const scope = buildDom();
    await defaultLogger(scope);
    const act = actions.event();
    for (let i = 0; i < n; i += 500) {
      for (let j = 0; j < 500; j++) act();
      await settle();
    }
    window.dispatchEvent(new Event('pagehide'));
    return storedCharacters();
  },

  /** Second page: the logger takes the `n` events over; the longest task meanwhile, and how long it took. */
  async afterReload(n) {
    const scope = buildDom();
    await import('/dist/cdn/cif-kpi-logger.js');
    let logger;
    const t0 = performance.now();
    const tasks = await longTasksDuring(async () => {
      scope.insertAdjacentHTML(
        'beforeend',
        `<cif-kpi-logger conversation-id="7c1f2a9e-0d4b-4e61-9a3c-2b8d5e6f7a10" provider-session-id="softphone-session-314"></cif-kpi-logger>`,
      );
      logger = scope.querySelector('cif-kpi-logger');
      while (logger.pendingCount < n && performance.now() - t0 < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    return {
      ms: performance.now() - t0,
      longest: tasks.longest,
      longTasks: tasks.count,
      restored: logger.pendingCount,
    };
  },

  /** A save of `n` held events none of which was written yet: the pagehide save, in ms. */
  async save(n) {
    const scope = buildDom();
    const logger = await defaultLogger(scope);
    const act = actions.event();
    for (let i = 0; i < n; i++) act();
    const t0 = performance.now();
    window.dispatchEvent(new Event('pagehide'));
    const ms = performance.now() - t0;
    return { ms, held: logger.pendingCount, characters: storedCharacters() };
  },

  /**
   * A bad day: `n` events, 1,000 a task, against a host that rejects every call at once (default settings but
   * `retry-delay="20"` and `max-retries="2"`, so that it ends within a minute). Wall time until nothing is held,
   * the highest heap and stored characters seen, and the longest task.
   */
  async soak(n) {
    const scope = buildDom();
    const host = await installHost({ latency: 1 });
    host.setReply(() => ({ kind: 'reject', shape: 'map', message: 'Host busy' }));
    const logger = await defaultLogger(scope);
    logger.retryDelay = 20;
    logger.maxRetries = 2;
    await logger.updateComplete;
    const act = actions.event();
    let heap = 0;
    let stored = 0;
    const sample = () => {
      heap = Math.max(heap, performance.memory?.usedJSHeapSize ?? 0);
      stored = Math.max(stored, storedCharacters());
    };
    const base = performance.memory?.usedJSHeapSize ?? 0;
    const t0 = performance.now();
    const tasks = await longTasksDuring(async () => {
      for (let i = 0; i < n; i += 1000) {
        for (let j = 0; j < 1000; j++) act();
        await settle();
      }
      while (logger.pendingCount > 0 && performance.now() - t0 < 300_000) {
        sample();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    return {
      seconds: (performance.now() - t0) / 1000,
      heapMB: (heap - base) / 1e6,
      storedCharacters: stored,
      longest: tasks.longest,
      stats: logger.stats,
    };
  },

  /**
   * Heap per event held while the host is absent, after a full collection: `cif-kpi` events or a rule's events, with
   * default settings (persistence on; the storage writes done) or `no-persist`.
   */
  async heap(n, style = 'event', persist = true) {
    const scope = buildDom();
    const logger = await defaultLogger(scope, persist ? '' : 'no-persist');
    if (style === 'rule') await addRule(logger);
    const act = actions[style]();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    gc();
    const before = performance.memory.usedJSHeapSize;
    for (let i = 0; i < n; i++) act();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    gc();
    const after = performance.memory.usedJSHeapSize;
    if (logger.pendingCount !== n) throw new Error(`held ${logger.pendingCount} of ${n}`);
    return (after - before) / n;
  },

  /**
   * One tool for the like-for-like comparison: `cif-kpi-logger` (default settings, a bare host answering in ~5 ms)
   * or a peer (its defaults, its network answering 200 in ~5 ms), hearing clicks on the same tagged buttons, with
   * its persistence on (every tool's default) or off. The floor is a listener copying the same fields in a frame of
   * its own, where the tool cannot hear its clicks (the peers listen on the whole document).
   */
  async toolSetup(tool, persist) {
    // Nothing an earlier page of the run stored is taken over (pages share the origin's storage and cookies).
    localStorage.clear();
    sessionStorage.clear();
    for (const cookie of document.cookie.split(';'))
      document.cookie = `${cookie.split('=')[0].trim()}=; max-age=0; path=/`;
    const net = answeringNetwork();
    const floorStage = await frameStage();
    buildDom(20, floorStage).addEventListener('click', copyFields.markup, true);
    const scope = buildDom(20);
    let flush = () => {};
    let delivered;
    if (tool === 'cif-kpi-logger') {
      window.Microsoft = {
        CIFramework: {
          logAnalyticsEvent: (data) => {
            net.note(data.events.length);
            return new Promise((resolve) => setTimeout(() => resolve('Success'), 5));
          },
        },
      };
      const logger = await defaultLogger(scope, persist ? '' : 'no-persist');
      delivered = () => logger.stats.sent;
    } else {
      const { start } = await import(`/node_modules/.cache/bench/${tool}.js`);
      const tracker = start({ persist });
      flush = tracker.flush ?? flush;
      delivered = () => net.items();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    tools = { floor: personClicks(floorStage), tool: personClicks(stage), flush, delivered, net };
    return true;
  },

  /**
   * One round of `n` clicks (mousedown, mouseup, click: Application Insights hears mousedown): in tasks of 100 (a
   * burst), or at a person's pace, one click a task every `pace` ms. The tool's round asks it to send what it holds
   * (`flush()`: Application Insights would otherwise wait 15 s) and lasts until its network has been quiet for 1.2 s,
   * storage writes included; the floor's idles 1.22 s.
   */
  async toolRound(which, n, pace = 0) {
    const clicks = which === 'floor' ? tools.floor : tools.tool;
    copied.length = 0;
    if (pace) {
      for (let i = 0; i < n; i++) {
        clicks();
        await new Promise((resolve) => setTimeout(resolve, pace));
      }
    } else await inTasks(clicks, n);
    if (which === 'floor') {
      const heard = copied.length;
      copied.length = 0;
      await new Promise((resolve) => setTimeout(resolve, 1220));
      return heard;
    }
    tools.flush();
    do await new Promise((resolve) => setTimeout(resolve, 100));
    while (performance.now() - tools.net.last < 1200);
    return true;
  },

  /** Events the tool has handed to its network (or host) so far: read after a round, off the clock. */
  async toolDelivered() {
    return tools.delivered();
  },
};
window.scenariosReady = true;

let tools;

/** A div in a frame of its own: events dispatched there never reach this document's listeners. */
async function frameStage() {
  const frame = document.createElement('iframe');
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.srcdoc = '<!doctype html><div id="stage"></div>';
  document.body.append(frame);
  await loaded;
  return frame.contentDocument.getElementById('stage');
}

/**
 * `fetch`, `XMLHttpRequest` and `sendBeacon` that answer 200 after ~5 ms, as a prompt collector would, so that
 * tools' queues drain. Requests are counted as they are made; what they carried is kept and counted only when
 * asked (`items()`), after a round.
 */
function answeringNetwork() {
  const bodies = [];
  const net = {
    last: 0,
    counted: 0,
    note(count) {
      net.last = performance.now();
      net.counted += count;
    },
    /** Events in every request so far. */
    async items() {
      let count = net.counted;
      for (const body of bodies) count += eventsIn(typeof body === 'string' ? body : await body.text());
      return count;
    },
  };
  const keep = (body) => {
    net.note(0);
    if (body !== undefined && body !== null) bodies.push(body);
  };
  window.fetch = (input, init) => {
    keep(init?.body ?? (input instanceof Request ? input.clone() : undefined));
    return new Promise((resolve) => setTimeout(() => resolve(new Response('', { status: 200 })), 5));
  };
  navigator.sendBeacon = (url, body) => (keep(body), true);
  window.XMLHttpRequest = class extends EventTarget {
    readyState = 0;
    status = 0;
    responseText = '';
    response = '';
    responseURL = '';
    timeout = 0;
    withCredentials = false;
    onreadystatechange = null;
    onload = null;
    onloadend = null;
    onerror = null;
    ontimeout = null;
    open() {
      this.readyState = 1;
    }
    setRequestHeader() {}
    getResponseHeader() {
      return null;
    }
    getAllResponseHeaders() {
      return '';
    }
    abort() {}
    send(body) {
      keep(body);
      setTimeout(() => {
        this.readyState = 4;
        this.status = 200;
        for (const type of ['readystatechange', 'load', 'loadend']) {
          this[`on${type}`]?.(new Event(type));
          this.dispatchEvent(new Event(type));
        }
      }, 5);
    }
  };
  return net;
}

/** Events in a request body: Application Insights posts a JSON array (or one envelope per line), Snowplow `{ data: [...] }`. */
function eventsIn(body) {
  const text = body.trim();
  if (text.startsWith('[')) return JSON.parse(text).length;
  if (text.startsWith('{') && text.includes('"data"')) {
    const parsed = JSON.parse(text);
    if (Array.isArray(parsed.data)) return parsed.data.length;
  }
  return text.split('\n').filter((line) => line.trim()).length;
}
