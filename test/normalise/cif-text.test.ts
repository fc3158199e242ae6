import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { toCifText } from '../../src/normalise/cif-text.js';
import { propertyRuns } from '../support/harness.js';

const values = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.string({ maxLength: 8 }),
    fc.oneof(fc.string({ unit: 'binary' }), fc.constant(undefined), fc.date({ noInvalidDate: true })),
  ),
  fc.array(fc.oneof(fc.string({ maxLength: 300 }), fc.constant(undefined), fc.integer()), { maxLength: 40 }),
);

describe('toCifText', () => {
  it("writes JSON only as far as the limit, and the text's beginning is exactly the whole JSON's", async () => {
    const runs = await propertyRuns(300, 20261201);
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 400 }), (value, limit) => {
        const whole = JSON.stringify(value);
        const result = toCifText(value, 'f', limit);
        if (typeof value !== 'object' || value === null) return; // primitives are written whole
        expect(result.ok).to.equal(true);
        if (!result.ok) return;
        if (whole.length <= limit) {
          expect(result.text).to.equal(whole);
          expect(result.cut).to.equal(undefined);
        } else {
          expect(result.text.length).to.be.greaterThan(limit);
          expect(result.text.slice(0, limit)).to.equal(whole.slice(0, limit));
        }
      }),
      runs,
    );
  });

  it('stops reading a large value once the text is long enough', () => {
    let reads = 0;
    const big = Array.from({ length: 10_000 }, (_, i) => ({
      get n() {
        reads += 1;
        return i;
      },
    }));
    const result = toCifText(big, 'additionalData', 2000);
    expect(result.ok && result.cut).to.equal(true);
    expect(reads, 'values read').to.be.below(2 * 2000);
  });

  it('cuts a long string before quoting it', () => {
    const result = toCifText({ text: 'x'.repeat(5_000_000) }, 'additionalData', 2000);
    expect(result.ok && result.text.length).to.be.below(2100);
  });
});
