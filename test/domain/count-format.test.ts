/**
 * formatCount (src/domain/count-format.ts) writes what `toLocaleString('en-US')` writes, for
 * every kind of number, but an integer without asking ICU: Number.prototype.toLocaleString is
 * watched (the unit's edge) and not called for one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCount } from '../../src/domain/count-format.js';

afterEach(() => vi.restoreAllMocks());

const INTEGERS = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 12345, 99999, 100000, 123456, 999999, 1000000, 1234567, 36, 300000, -1, -999, -1000, -1234567, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];

describe('formatCount', () => {
  it('writes every integer as toLocaleString("en-US") does, without calling it', () => {
    const expected = INTEGERS.map((n) => n.toLocaleString('en-US'));
    let seed = 7;
    const random = Array.from({ length: 2000 }, () => ((seed = (seed * 48271) % 2147483647), (seed % 2 ? 1 : -1) * Math.floor(seed ** (1 + (seed % 5) / 4) % Number.MAX_SAFE_INTEGER)));
    const randomExpected = random.map((n) => n.toLocaleString('en-US'));
    const toLocale = vi.spyOn(Number.prototype, 'toLocaleString');
    expect(INTEGERS.map(formatCount)).toEqual(expected);
    expect(random.map(formatCount)).toEqual(randomExpected);
    expect(toLocale).not.toHaveBeenCalled();
  });

  it('anything else as toLocaleString("en-US") writes it', () => {
    for (const n of [1.5, 1234.5678, -0.25, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 60, 1e21]) {
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
