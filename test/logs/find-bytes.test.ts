/**
 * The bigram Horspool search finds exactly what a naive scan finds: every occurrence,
 * overlapping ones too, at buffer edges, with repeated bytes in the pattern.
 */
import { describe, expect, it } from 'vitest';
import { createByteSearch } from '../../src/logs/find-bytes.js';

function naive(hay: Buffer, pat: Buffer, from: number, end: number): number[] {
  const out: number[] = [];
  for (let i = from; i + pat.length <= end; i++) if (hay.subarray(i, i + pat.length).equals(pat)) out.push(i);
  return out;
}

describe('createByteSearch', () => {
  it('agrees with a naive scan on random and adversarial inputs', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const patterns = ['AB', 'AAA', 'ABA', 'AABAA', '7F72D20C192', 'postfix/smtpd[9386]: ', 'BBBBBBBBBBB'];
    for (const p of patterns) {
      const pat = Buffer.from(p);
      for (let round = 0; round < 40; round++) {
        const alphabet = round % 2 === 0 ? 'AB' : 'AB7F2D0C19 postfix/smtpd[9386]:';
        const hay = Buffer.from(Array.from({ length: 300 + rand(300) }, () => alphabet[rand(alphabet.length)]).join('') + p);
        const from = rand(20);
        const end = hay.length - rand(3);
        const got: number[] = [];
        createByteSearch(pat)(hay, from, end, (i) => got.push(i));
        expect(got, `${p} round ${round}`).toEqual(naive(hay, pat, from, end));
      }
    }
  });
});
