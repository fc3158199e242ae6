import { expect } from '@open-wc/testing';
import { RuleSet, type Compiler, type RuleSetHost } from '../../src/capture/rule-set.js';
import * as kpiRule from '../../src/capture/kpi-rule.js';

/** A logger-like container with rule children, and a host that records what the rule set asks of it. */
function setUp(load: () => Promise<Compiler>, rules: string) {
  const container = document.createElement('div');
  container.innerHTML = rules;
  const calls: string[] = [];
  const host: RuleSetHost = {
    listen: (type) => calls.push(`listen ${type}`),
    unlisten: (type) => calls.push(`unlisten ${type}`),
    malformed: (rule, message) => calls.push(`malformed ${rule}: ${message}`),
    compiled: () => calls.push('compiled'),
    unavailable: (error) => calls.push(`unavailable ${String(error)}`),
  };
  return { set: new RuleSet(host, load), container, calls };
}

describe('RuleSet', () => {
  it('listens for rule types at once, holds their events while the compiler loads, then compiles', async () => {
    let arrive!: (compiler: Compiler) => void;
    const { set, container, calls } = setUp(
      () => new Promise((resolve) => (arrive = resolve)),
      `<cif-kpi-rule on="call-ended" kpi="Ended"></cif-kpi-rule><cif-kpi-rule on="call-ended" kpi=""></cif-kpi-rule>`,
    );
    set.refresh(container);
    expect(calls).to.deep.equal(['listen call-ended']);
    expect(set.holding).to.equal(true);
    expect(set.covers('call-ended')).to.equal(true);
    expect(set.covers('click')).to.equal(false);
    expect(set.rulesFor('call-ended')).to.have.length(0);

    const ready = set.whenReady();
    arrive(kpiRule);
    await ready;
    expect(calls.slice(1)).to.deep.equal([
      'malformed <cif-kpi-rule> #2 on="call-ended": it needs kpi="NAME": the KPI event name',
      'compiled',
    ]);
    expect(set.holding).to.equal(false);
    expect(set.covers('call-ended')).to.equal(true);
    expect(set.rulesFor('call-ended').map((rule) => rule.element.getAttribute('kpi'))).to.deep.equal(['Ended']);
  });

  it('says when the compiler cannot be loaded, stops holding, and tries again on the next refresh', async () => {
    let attempts = 0;
    const { set, container, calls } = setUp(() => {
      attempts += 1;
      return attempts === 1 ? Promise.reject(new Error('offline')) : Promise.resolve(kpiRule);
    }, `<cif-kpi-rule on="call-ended" kpi="Ended"></cif-kpi-rule>`);
    set.refresh(container);
    await set.whenReady().catch(() => undefined);
    await Promise.resolve();
    expect(calls).to.deep.equal(['listen call-ended', 'unavailable Error: offline']);
    expect(set.holding).to.equal(false);

    set.refresh(container);
    await set.whenReady();
    expect(calls.slice(2)).to.deep.equal(['compiled']);
    expect(set.rulesFor('call-ended')).to.have.length(1);
  });

  it('stops listening for types no rule names any more', async () => {
    const { set, container, calls } = setUp(
      () => Promise.resolve(kpiRule),
      `<cif-kpi-rule on="call-ended" kpi="Ended"></cif-kpi-rule>`,
    );
    set.refresh(container);
    await set.whenReady();
    container.firstElementChild!.setAttribute('on', 'call-missed');
    set.refresh(container);
    container.firstElementChild!.remove();
    set.refresh(container);
    expect(calls).to.deep.equal([
      'listen call-ended',
      'compiled',
      'unlisten call-ended',
      'listen call-missed',
      'unlisten call-missed',
    ]);
  });
});
