/**
 * smallInt: whole numbers in the int32 range come back as ints (V8 keeps them unboxed), any
 * other number unchanged: it must never change a value the entries carry.
 */
import { describe, expect, it } from 'vitest';
import { smallInt } from '../../src/domain/small-int.js';

describe('smallInt', () => {
  it('keeps every value as it is', () => {
    const values = [0, 1, -1, 2777, 33216, 1796399008, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 40, 1.5, 1796349928123.4567, Number.NaN, Number.POSITIVE_INFINITY];
    for (const v of values) expect(smallInt(v)).toBe(v);
    // A double read from a typed array (as the read workers' wire gives it) is the same number.
    const wire = new Float64Array([1796399008, 12620031]);
    expect(smallInt(wire[0]!)).toBe(1796399008);
    expect(smallInt(wire[1]!)).toBe(12620031);
  });
});
