/**
 * The watcher's intern table (SpoolIndex.intern): equal reasons share one copy, and a console
 * that reads ever new reasons for weeks ("try again in N seconds") keeps a table bounded by
 * the spool it tracks, not by every reason it ever read.
 */
import { describe, expect, it } from 'vitest';
import { SpoolIndex } from '../../src/watch/spool-index.js';

describe('SpoolIndex.intern', () => {
  it('gives back the same text, and stores a reason once', () => {
    const index = new SpoolIndex();
    const reason = 'connect to mx.example.net[192.0.2.1]:25: Connection timed out';
    expect(index.intern(reason)).toBe(reason);
    index.intern(`${reason}`);
    expect(index.internedCount).toBe(1);
  });

  it('stays bounded while new reasons keep coming for a small spool', () => {
    const index = new SpoolIndex();
    let most = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = `host mx.example.net said: 450 4.7.1 Greylisted, try again in ${i} seconds`;
      if (index.intern(text) !== text) throw new Error(`intern changed ${text}`);
      most = Math.max(most, index.internedCount);
    }
    // Before: every one of the 20,000 stayed (up to 100,000) for the life of the console.
    expect(most).toBeLessThanOrEqual(4096);
  });
});

describe('SpoolIndex.share', () => {
  it('keeps one copy of each sender and address, in the same bounded table', () => {
    const index = new SpoolIndex();
    const sender = ['bulk', '@example.com'].join('');
    expect(index.share(sender)).toBe('bulk@example.com');
    index.share(`bulk@${'example.com'}`);
    index.intern('a delay reason');
    expect(index.internedCount).toBe(2);
    let most = 0;
    for (let i = 0; i < 20_000; i++) {
      const address = `user${i}@example.org`;
      if (index.share(address) !== address) throw new Error(`share changed ${address}`);
      most = Math.max(most, index.internedCount);
    }
    expect(most).toBeLessThanOrEqual(4096);
  });
});
