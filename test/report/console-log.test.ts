import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { ConsoleLog } from '../../src/report/console-log.js';
import { LOG_LEVELS, logLevel } from '../../src/vocabulary/log-level.js';
import { logLevelProblem } from '../../src/queue/option-problems.js';

describe('ConsoleLog', () => {
  afterEach(() => sinon.restore());

  const stubs = () => ({
    error: sinon.stub(console, 'error'),
    warn: sinon.stub(console, 'warn'),
    info: sinon.stub(console, 'info'),
    debug: sinon.stub(console, 'debug'),
  });
  const everything = (log: ConsoleLog) => {
    log.problem('error', 'host-rejected', undefined, 'rejected');
    log.problem('warn', 'truncated', 'kpiEventReason', 'cut');
    log.note('info', 'sent');
    log.note('debug', 'held');
  };

  it('prints at its level and above, with the prefix, the message and the element', () => {
    const element = document.createElement('cif-kpi-logger');
    const printed: Record<string, string[]> = {};
    for (const level of LOG_LEVELS) {
      const c = stubs();
      const log = new ConsoleLog(element);
      log.level = level;
      everything(log);
      printed[level] = Object.entries(c)
        .filter(([, stub]) => stub.called)
        .map(([method]) => method);
      if (level === 'debug') expect(c.warn.firstCall.args).to.deep.equal(['[cif-kpi-logger]', 'cut', element]);
      sinon.restore();
    }
    expect(printed).to.deep.equal({
      none: [],
      error: ['error'],
      warn: ['error', 'warn'],
      info: ['error', 'warn', 'info'],
      debug: ['error', 'warn', 'info', 'debug'],
    });
  });

  it('prints a repeated problem once, then its count at the 10th and 100th time', () => {
    const { warn } = stubs();
    const log = new ConsoleLog(document.body);
    for (let i = 0; i < 150; i++) log.problem('warn', 'truncated', 'kpiEventReason', `cut ${i}`);
    log.problem('warn', 'truncated', 'kpiEventName', 'another field');
    log.problem('warn', 'reserved-name', 'kpiEventReason', 'another code');
    expect(warn.getCalls().map((call) => call.args[1])).to.deep.equal([
      'cut 0',
      'cut 9 (10 times)',
      'cut 99 (100 times)',
      'another field',
      'another code',
    ]);
  });

  it('stops telling distinct fields apart after 500, but still prints each new code', () => {
    const { error } = stubs();
    const log = new ConsoleLog(document.body);
    for (let i = 0; i < 520; i++) log.problem('error', 'invalid-custom-data', `customData.a${i}`, `field ${i}`);
    log.problem('error', 'invalid-timestamp', 'eventTimestamp', 'new code');
    // 500 fields; the next 20 counted together (printed at their 1st and 10th); the new code.
    expect(error.callCount).to.equal(503);
    expect(error.getCall(501).args[1]).to.equal('field 509 (10 times)');
    expect(error.lastCall.args[1]).to.equal('new code');
  });

  it('contains a console that throws', () => {
    sinon.stub(console, 'error').throws(new Error('console replaced by the page'));
    const log = new ConsoleLog(document.body);
    expect(() => log.problem('error', 'host-rejected', undefined, 'x')).to.not.throw();
  });
});

describe('logLevel', () => {
  it('takes the levels, and the default for a removed attribute or anything else; says what of the latter', () => {
    expect(LOG_LEVELS.map((level) => logLevel(level))).to.deep.equal([...LOG_LEVELS]);
    expect(logLevel(null)).to.equal('warn');
    expect(logLevel('LOUD')).to.equal('warn');
    expect(logLevelProblem('LOUD')).to.deep.equal({
      code: 'invalid-attribute',
      field: 'log-level',
      message: 'log-level "LOUD" is not one of none, error, warn, info, debug: warn is used',
    });
  });
});
