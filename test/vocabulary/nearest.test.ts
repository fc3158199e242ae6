import { expect } from '@open-wc/testing';
import { nearest } from '../../src/vocabulary/nearest.js';

describe('nearest', () => {
  const FIELDS = ['kpiEventName', 'kpiEventReason', 'additionalData', 'eventTimestamp'];

  it('finds the name one or two edits away, ignoring case', () => {
    expect(nearest('kpiEventReasn', FIELDS)).to.equal('kpiEventReason');
    expect(nearest('kpieventreason', FIELDS)).to.equal('kpiEventReason');
    expect(nearest('addtionalDat', FIELDS)).to.equal('additionalData');
  });

  it('suggests nothing for a name unlike any, or a short name too far from every one', () => {
    expect(nearest('queue', FIELDS)).to.equal(undefined);
    expect(nearest('kpiEvent', FIELDS)).to.equal(undefined);
    expect(nearest('ab', ['on', 'kpi'])).to.equal(undefined);
  });

  it('prefers the closest of several', () => {
    expect(nearest('data-kpi-o', ['data-kpi', 'data-kpi-on'])).to.equal('data-kpi-on');
  });
});
