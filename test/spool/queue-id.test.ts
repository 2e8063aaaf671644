import { describe, expect, it } from 'vitest';
import { hashDirs, isLongQueueId, isQueueIdName, stripQueueIdMarkers } from '../../src/domain/queue-id.js';

describe('queue ids', () => {
  it('accepts the names Postfix accepts, not temp files, hash dirs or markers', () => {
    expect(isQueueIdName('D976E1604F1')).toBe(true);
    expect(isQueueIdName('4jcGf03fq4zJyDQ')).toBe(true);
    for (const bad of ['884436.3091', 'ID#FIX', 'A', 'core.bak', 'ID*', '']) expect(isQueueIdName(bad)).toBe(false);
  });

  it('tells long ids from short ones by the last z', () => {
    expect(isLongQueueId('4jcGf03fq4zJyDQ')).toBe(true);
    expect(isLongQueueId('D976E1604F1')).toBe(false);
    expect(isLongQueueId('shortz1')).toBe(false);
  });

  it('hashes short ids by their characters and long ids by the decoded microseconds', () => {
    expect(hashDirs('D976E1604F1', 1)).toEqual(['D']);
    expect(hashDirs('D976E1604F1', 2)).toEqual(['D', '9']);
    // usec field 3fq4 = 516000 = 0x7DFA0 (postfix-queue-format.md 4.2)
    expect(hashDirs('4jcGf03fq4zJyDQ', 2)).toEqual(['7', 'D']);
    expect(hashDirs('4jcGf03fq4zJyDQ', 7)).toEqual(['7', 'D', 'F', 'A', '0', '_', '_']);
  });

  it('strips mailq markers users paste', () => {
    expect(stripQueueIdMarkers('1E2812260ED!#')).toBe('1E2812260ED');
  });
});
