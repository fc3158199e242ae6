import { expect } from '@open-wc/testing';
import { DEFAULTS, DELIVERY_OPTION_NAMES, MAX_DELAY, deliveryOptions } from '../../src/queue/delivery-options.js';
import { optionProblems } from '../../src/queue/option-problems.js';

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

describe('optionProblems', () => {
  const said = (given: Record<string, unknown>, text: (attribute: string) => string | null = () => null) =>
    optionProblems(given, deliveryOptions(given), text).map((problem) => [problem.field, problem.message]);

  it('says nothing of usable values, defaults or removed attributes', () => {
    expect(said({ ...DEFAULTS })).to.deep.equal([]);
    expect(said({ flushDelay: 0, maxBatch: 1, retryDelay: MAX_DELAY, maxQueue: 1e9 })).to.deep.equal([]);
    expect(said({ flushDelay: null, maxRetries: undefined })).to.deep.equal([]);
  });

  it('names the attribute, what was given and what is used instead', () => {
    expect(said({ callTimeout: 'soon', maxQueue: 0, retryDelay: 1e12, maxRetries: 1.5 })).to.deep.equal([
      ['call-timeout', 'call-timeout "soon" is not a number: the default 12000 is used'],
      ['max-retries', 'max-retries 1.5 is not a whole number: 1 is used'],
      ['retry-delay', `retry-delay 1000000000000 is longer than timers hold (${MAX_DELAY} ms): ${MAX_DELAY} is used`],
      ['max-queue', 'max-queue 0 is below its least (1): 1 is used'],
    ]);
  });

  it('quotes the attribute as written, shortened, when that is what the value came from', () => {
    const long = 'x'.repeat(100);
    const problems = said(
      { flushDelay: Number(long), maxBatch: -1 },
      (a) => ({ 'flush-delay': long, 'max-batch': '-1' })[a] ?? null,
    );
    expect(problems.map((p) => p[1])).to.deep.equal([
      `flush-delay "${'x'.repeat(40)}" is not a number: the default 500 is used`,
      'max-batch "-1" is below its least (1): 1 is used',
    ]);
  });
});
