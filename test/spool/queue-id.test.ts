import { describe, expect, it } from 'vitest';
import { hashDirs, isLongQueueId, isQueueIdName, stripQueueIdMarkers } from '../../src/domain/queue-id.js';
import { queuePath, type SpoolConfig } from '../../src/config/spool-config.js';

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

  it('puts an id at its hashed path in hashed queues only, at any depth', () => {
    const at = (depth: number) => ({ hashQueueNames: ['deferred', 'defer'], hashQueueDepth: depth }) as SpoolConfig;
    expect(queuePath(at(1), 'defer', 'D976E1604F1')).toBe('defer/D/D976E1604F1');
    expect(queuePath(at(2), 'deferred', '4jcGf03fq4zJyDQ')).toBe('deferred/7/D/4jcGf03fq4zJyDQ');
    expect(queuePath(at(7), 'defer', '4jcGf03fq4zJyDQ')).toBe('defer/7/D/F/A/0/_/_/4jcGf03fq4zJyDQ');
    expect(queuePath(at(0), 'defer', 'D976E1604F1')).toBe('defer/D976E1604F1');
    expect(queuePath(at(2), 'hold', 'D976E1604F1')).toBe('hold/D976E1604F1');
    for (const depth of [0, 1, 2, 3]) {
      for (const id of ['D976E1604F1', '4jcGf03fq4zJyDQ', 'AB']) expect(queuePath(at(depth), 'defer', id)).toBe(['defer', ...hashDirs(id, depth), id].join('/'));
    }
  });

  it('strips mailq markers users paste', () => {
    expect(stripQueueIdMarkers('1E2812260ED!#')).toBe('1E2812260ED');
  });
});
