import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { CifHostWatcher, callLogAnalyticsEvent, type CifFramework } from '../../src/deliver/cif-host.js';
import { hostErrorMessage } from '../../src/deliver/host-errors.js';
import { LIBRARY_TIMEOUT_MESSAGE, SimulatedCifHost } from '../../src/testing/simulated-cif-host.js';
import type { CifAnalyticsCall } from '../../src/vocabulary/cif-contract.js';

const call: CifAnalyticsCall = {
  data: {
    conversationId: 'c',
    providerSessionId: 'p',
    events: [{ kpiEventName: 'A', eventTimestamp: '2026-11-28T10:15:30.123Z' }],
  },
  eventName: 'A',
};

describe('SimulatedCifHost as the real widget library', () => {
  it('gives up on an unanswered call after its library timeout with the real rejection, and loses a later answer', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = new SimulatedCifHost({ initDelay: null, libraryTimeout: 10_000 });
    try {
      host.appear();
      host.queueReplies({ kind: 'resolve', delay: 12_000 }, { kind: 'reject', shape: 'failure', message: '' });
      const framework = window.Microsoft!.CIFramework!;
      const settled: unknown[] = [];
      framework.logAnalyticsEvent!(call.data, 'A').then(
        (value) => settled.push(['resolved', value]),
        (reason) => settled.push(['rejected', reason]),
      );
      await clock.tickAsync(9_999);
      expect(settled).to.deep.equal([]);
      await clock.tickAsync(1);
      expect(settled).to.deep.equal([['rejected', new Map([['message', LIBRARY_TIMEOUT_MESSAGE]])]]);
      await clock.tickAsync(5_000);
      expect(settled, 'the late answer is lost').to.have.length(1);
      expect(host.calls[0]!.outcome).to.equal('timed-out');
      const failure = framework.logAnalyticsEvent!(call.data, 'A').catch((reason: unknown) => reason);
      await clock.tickAsync(10);
      expect(await failure).to.deep.equal(new Map([['value', 'Failure']]));
    } finally {
      host.uninstall();
      clock.restore();
      delete window.Microsoft;
    }
  });
});

describe('hostErrorMessage', () => {
  it('reads the message from each error shape the CIF host uses', () => {
    const map = new Map([
      ['message', 'Conversation not found'],
      ['msdyn_name', 'logAnalyticsEvent'],
    ]);
    expect(hostErrorMessage(map)).to.equal('Conversation not found (logAnalyticsEvent)');
    expect(hostErrorMessage('{"message":"Conversation not found","msdyn_name":"logAnalyticsEvent"}')).to.equal(
      'Conversation not found (logAnalyticsEvent)',
    );
    expect(hostErrorMessage({ message: 'Conversation not found', msdyn_name: 'logAnalyticsEvent' })).to.equal(
      'Conversation not found (logAnalyticsEvent)',
    );
    expect(hostErrorMessage(new Error('postMessage failed'))).to.equal('postMessage failed');
    expect(hostErrorMessage('plain text')).to.equal('plain text');
    expect(hostErrorMessage('{not json')).to.equal('{not json');
    expect(hostErrorMessage({ code: 5 })).to.equal('{"code":5}');
  });

  it('falls back to a clear message when the host gives none', () => {
    for (const reason of [undefined, null, '', new Map(), {}]) {
      expect(hostErrorMessage(reason)).to.equal('The CIF host rejected the call without a message');
    }
  });
});

describe('callLogAnalyticsEvent', () => {
  it('omits correlationId rather than passing undefined, and passes it when set', async () => {
    const spy = sinon.spy((..._args: unknown[]) => Promise.resolve('Success'));
    const framework = { logAnalyticsEvent: spy } as unknown as CifFramework;
    expect(await callLogAnalyticsEvent(framework, call, 1000)).to.deep.equal({ ok: true, result: 'Success' });
    expect(spy.firstCall.args).to.have.length(2);
    await callLogAnalyticsEvent(framework, { ...call, correlationId: 'g' }, 1000);
    expect(spy.secondCall.args).to.deep.equal([call.data, 'A', 'g']);
  });

  it('turns a rejection and a synchronous throw into a host-rejected outcome', async () => {
    const rejecting = { logAnalyticsEvent: () => Promise.reject(new Map([['message', 'nope']])) };
    const throwing = {
      logAnalyticsEvent: () => {
        throw new TypeError('CIF is broken');
      },
    };
    const rejected = await callLogAnalyticsEvent(rejecting, call, 1000);
    expect(rejected).to.deep.equal({ ok: false, problem: { code: 'host-rejected', message: 'nope' } });
    const threw = await callLogAnalyticsEvent(throwing, call, 1000);
    expect(threw).to.deep.equal({ ok: false, problem: { code: 'host-rejected', message: 'CIF is broken' } });
  });

  it('gives up on a call that does not answer by its deadline, and still hands over a late answer', async () => {
    const clock = sinon.useFakeTimers();
    try {
      let answer!: (value: string) => void;
      const framework = { logAnalyticsEvent: () => new Promise<string>((resolve) => (answer = resolve)) };
      const outcome = callLogAnalyticsEvent(framework, call, 3000);
      await clock.tickAsync(2999);
      let settled = false;
      void outcome.then(() => (settled = true));
      await clock.tickAsync(0);
      expect(settled).to.equal(false);
      await clock.tickAsync(1);
      const timedOut = await outcome;
      expect(timedOut.ok).to.equal(false);
      if (timedOut.ok) return;
      expect(timedOut.problem.code).to.equal('host-timeout');
      expect(timedOut.problem.message).to.contain('3000 ms');
      answer('Success');
      expect(await timedOut.late).to.deep.equal({ ok: true, result: 'Success' });
    } finally {
      clock.restore();
    }
  });
});

describe('CifHostWatcher', () => {
  let host: SimulatedCifHost | undefined;
  afterEach(() => {
    host?.uninstall();
    delete window.Microsoft;
  });

  it('answers at once when the library is already there', () => {
    host = new SimulatedCifHost({ initDelay: null });
    host.appear();
    const watcher = new CifHostWatcher(window);
    const seen: unknown[] = [];
    watcher.whenReady((framework) => seen.push(framework));
    expect(seen).to.have.length(1);
    expect(seen[0]).to.equal(window.Microsoft!.CIFramework);
  });

  it('answers when CIFInitDone fires on window', () => {
    host = new SimulatedCifHost({ initDelay: null });
    const watcher = new CifHostWatcher(window, 60_000);
    let ready = 0;
    const cancel = watcher.whenReady(() => ready++);
    expect(ready).to.equal(0);
    host.appear();
    expect(ready).to.equal(1);
    cancel();
  });

  it('notices a library that appears without CIFInitDone (the event was missed)', async () => {
    const clock = sinon.useFakeTimers();
    try {
      host = new SimulatedCifHost({ initDelay: null, announce: false });
      const watcher = new CifHostWatcher(window, 200);
      let ready = 0;
      watcher.whenReady(() => ready++);
      host.appear();
      expect(ready).to.equal(0);
      await clock.tickAsync(200);
      expect(ready).to.equal(1);
      await clock.tickAsync(1000);
      expect(ready).to.equal(1);
    } finally {
      clock.restore();
    }
  });

  it('ignores CIFInitDone while logAnalyticsEvent is still missing', () => {
    const watcher = new CifHostWatcher(window, 60_000);
    let ready = 0;
    const cancel = watcher.whenReady(() => ready++);
    window.Microsoft = { CIFramework: {} };
    window.dispatchEvent(new CustomEvent('CIFInitDone'));
    expect(ready).to.equal(0);
    cancel();
  });

  it('stops waiting when cancelled', () => {
    host = new SimulatedCifHost({ initDelay: null });
    const watcher = new CifHostWatcher(window, 60_000);
    let ready = 0;
    const cancel = watcher.whenReady(() => ready++);
    cancel();
    host.appear();
    expect(ready).to.equal(0);
  });
});
