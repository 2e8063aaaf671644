/**
 * Filters are typed by admins but run over text others wrote: user regexes go through re2js
 * (linear time), and no word or pattern length crashes or freezes the matcher. These would
 * hang (catastrophic backtracking) or throw (V8's regex stack) with JavaScript's own engine.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, isFilterError } from '../../src/store/filter-match.js';
import { makeEntry } from './fixtures.js';

function matcher(text: string) {
  const f = compileFilter(text);
  if (isFilterError(f)) throw new Error(f.error.message);
  return f;
}

describe('hostile filters', () => {
  it('/(a+)+$/ against a long subject answers at once (no backtracking)', () => {
    const entry = makeEntry('AAAAAAAAA1', { subject: `${'a'.repeat(34)}!` });
    const started = process.hrtime.bigint();
    expect(matcher('subject:/(a+)+$/').match(entry, 0)).toBe(false);
    expect(matcher('/(a+)+!/').match(entry, 0)).toBe(true);
    // A second for work that is linear in 35 characters: the backtracking engine takes minutes.
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(1);
  });

  it('from:/x+y/ against a 1 MB sender, and a 20,000-character word, neither freeze nor throw', () => {
    const entry = makeEntry('AAAAAAAAA1', { sender: `${'x'.repeat(1_000_000)}@example.com` });
    expect(matcher('from:/x+y/').match(entry, 0)).toBe(false);
    const word = 'a'.repeat(20_000);
    expect(matcher(word).match(makeEntry('AAAAAAAAA2', { subject: `A${word}` }), 0)).toBe(true);
    expect(matcher(word).match(makeEntry('AAAAAAAAA3', { subject: 'short' }), 0)).toBe(false);
  });

  it('RE2 syntax: what it cannot do in linear time is a clear parse error, not a hang', () => {
    const f = compileFilter('/(?<=a)b/');
    expect(isFilterError(f) && f.error.message).toMatch(/bad regular expression .*invalid/);
    expect(matcher('/Réunion/').match(makeEntry('AAAAAAAAA4', { subject: 'RÉUNION demain' }), 0)).toBe(true);
  });
});
