/**
 * The link's string pool: repeated senders, addresses, subjects and delay reasons of parsed
 * entries are kept once (the table holds each distinct text once and the entries read the
 * same), and the table is bounded: past max(4,096, twice the entries held) it starts again.
 */
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { StringPool } from '../../src/remote/string-pool.js';
import { makeEntry } from '../store/fixtures.js';

describe('StringPool', () => {
  it('keeps one copy of each repeated text; the entries read as before', () => {
    const sent = Array.from({ length: 500 }, (_, i) => makeEntry(`AAAAAAA${String(i).padStart(3, '0')}`, { to: ['a@x.example', `u${i % 7}@y.example`], reasons: ['connect to x.example[192.0.2.1]:25: Connection timed out', ''], subject: 'Your invoice' }));
    const parsed = JSON.parse(JSON.stringify(sent)) as QueueEntry[];
    const pool = new StringPool();
    pool.shareEntries(parsed, parsed.length);
    expect(parsed).toEqual(sent);
    // sender, subject, 'a@x.example', 7 other addresses, one reason and '' (no reason).
    expect(pool.size).toBe(1 + 1 + 1 + 7 + 2);
  });

  it('is bounded: past max(4,096, twice the entries held) it starts again', () => {
    const pool = new StringPool();
    for (let i = 0; i < 4096; i++) pool.share(`text ${i}`, 10);
    expect(pool.size).toBe(4096);
    pool.share('one more', 10);
    expect(pool.size).toBe(1);
    for (let i = 0; i < 5000; i++) pool.share(`text ${i}`, 3000);
    expect(pool.size).toBe(5001); // with "one more": 6,000 held allows it
  });
});
