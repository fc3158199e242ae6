import { expect } from '@open-wc/testing';
import { DEFAULTS, DELIVERY_OPTION_NAMES, deliveryOptions } from '../../src/queue/delivery-options.js';

describe('deliveryOptions', () => {
  it('takes the defaults for values that are not finite numbers', () => {
    expect(
      deliveryOptions({
        flushDelay: null,
        maxBatch: NaN,
        callTimeout: Infinity,
        maxRetries: '3',
        retryDelay: undefined,
      }),
    ).to.deep.equal(DEFAULTS);
    expect(DELIVERY_OPTION_NAMES).to.deep.equal([
      'flushDelay',
      'maxBatch',
      'callTimeout',
      'maxRetries',
      'retryDelay',
      'maxQueue',
      'maxQueueBytes',
      'contextTimeout',
    ]);
  });

  it('raises values below their least, and rounds counts down', () => {
    expect(
      deliveryOptions({
        flushDelay: -5,
        maxBatch: 0.5,
        callTimeout: 0,
        maxRetries: 2.9,
        retryDelay: 12.5,
        maxQueue: -1,
        maxQueueBytes: 1e6 + 0.5,
        contextTimeout: -1,
      }),
    ).to.deep.equal({
      flushDelay: 0,
      maxBatch: 1,
      callTimeout: 1,
      maxRetries: 2,
      retryDelay: 12.5,
      maxQueue: 1,
      maxQueueBytes: 1e6,
      contextTimeout: 0,
    });
  });
});
