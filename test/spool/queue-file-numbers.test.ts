/**
 * The numbers parseQueueFile reads from record text (src/spool/queue-file.ts leadingInteger):
 * the T record's seconds and the create_time attribute, as showq's atol() reads them, whether
 * the fast path (digits first, no string) or the regex takes them.
 */
import { describe, expect, it } from 'vitest';
import { parseQueueFile } from '../../src/spool/queue-file.js';
import { rec } from '../helpers/records.js';

describe("the T record's time and create_time, read as showq's atol()", () => {
  // Digits first (read without a string), and the rest through the regex, as before.
  it.each([
    ['1795895002 1', 1795895002],
    ['1795895002', 1795895002],
    ['0012', 12],
    ['123abc', 123],
    ['  42 7', 42],
    ['+5', 5],
    ['-7', -7],
    ['999999999999999', 999999999999999],
    ['1234567890123456789', 1234567890123456789],
    ['x1', 0],
    ['', 0],
  ])('%j -> %d', (text, seconds) => {
    const parsed = parseQueueFile(Buffer.concat([rec('T', text), rec('A', `create_time=${text}`), rec('S', 's@x'), rec('M'), rec('X'), rec('E')]), { queueName: 'hold', skipContent: false });
    expect(parsed.arrivalTime).toBe(seconds);
    expect(parsed.createTime).toBe(seconds);
  });
});
