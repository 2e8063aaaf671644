/**
 * The filter grammar beyond plain terms: `or`, parentheses, `!` on groups, precedence (and
 * binds tighter than or), errors with positions; and the counted and timed fields
 * rcpt-count, attempts (estimated from qmgr's backoff) and expires (from the lifetimes).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POSTFIX_LIMITS } from '../../src/domain/postfix-limits.js';
import { estimateAttempts } from '../../src/domain/retry-estimate.js';
import { compileFilter, isFilterError, type FilterOptions } from '../../src/store/filter-match.js';
import { parseFilter } from '../../src/store/filter-parse.js';
import { makeEntry, NOW_MS, NOW_SEC } from './fixtures.js';

const HOUR = 3600;
const a = makeEntry('A000000001', { sender: 'x@a.example', to: ['r1@z.example'], queueName: 'deferred', arrivalTime: NOW_SEC - 3 * HOUR, createTime: NOW_SEC - 3 * HOUR });
const b = makeEntry('A000000002', { sender: 'x@b.example', to: ['r1@z.example', 'r2@z.example', 'r3@y.example'], queueName: 'hold', arrivalTime: NOW_SEC - 60 });
const c = makeEntry('A000000003', { sender: 'MAILER-DAEMON', to: ['bounce@c.example'], queueName: 'deferred', arrivalTime: NOW_SEC - 4.5 * 86400, createTime: NOW_SEC - 4.5 * 86400 });
const d = makeEntry('A000000004', { sender: 'or@d.example', to: ['(x)@d.example'], queueName: 'active', arrivalTime: NOW_SEC - 4.2 * 86400 });
const entries = [a, b, c, d];

function select(text: string, options: FilterOptions = {}): string[] {
  const f = compileFilter(text, options);
  if (isFilterError(f)) throw new Error(`${text}: ${f.error.message}`);
  return entries.filter((e) => f.match(e, NOW_MS)).map((e) => e.queueId.slice(-1));
}

describe('or, parentheses, negation', () => {
  it.each([
    ['domain:a.example or domain:b.example', ['1', '2']],
    ['(domain:a.example or domain:b.example) age>2h', ['1']],
    ['(domain:a.example or domain:b.example) age>2h !queue:hold', ['1']],
    ['domain:a.example age>1d or queue:hold', ['2']],
    ['queue:hold or domain:a.example age>1d', ['2']],
    ['!(queue:hold or queue:active)', ['1', '3']],
    ['!(queue:hold or queue:active) !from:mailer', ['1']],
    ['((from:a.example) or (from:b.example or from:d.example))', ['1', '2', '4']],
    ['(from:b.example)', ['2']],
    ['from:a.example OR from:b.example', ['1', '2']],
    ['"or"', ['4']],
    ['oregon or from:d.example', ['4']],
    ['"(x)"', ['4']],
    ['(to:/\\(x\\)/ or from:a.example)', ['1', '4']],
    ['', ['1', '2', '3', '4']],
  ])('%j selects %j', (text, want) => {
    expect(select(text)).toEqual(want);
  });

  it.each([
    ['(from:a', 0, /unclosed "\("/],
    ['from:a)', 6, /unmatched "\)"/],
    ['()', 0, /empty parentheses/],
    ['or from:a', 0, /"or" needs a term/],
    ['from:a or', 7, /"or" needs a term/],
    ['from:a or or from:b', 7, /"or" needs a term/],
    ['(from:a or)', 8, /"or" needs a term/],
    ['(from:a)x', 8, /put a space between terms/],
    ['! (from:a)', 0, /"!" must come right before a term/],
    ['rcpt-count>many', 11, /bad count/],
    ['expires=1d', 0, /expires takes > < >= or <=/],
  ])('%j: error at %i', (text, position, message) => {
    const r = parseFilter(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(message);
      expect(r.error.position).toBe(position);
    }
  });

  it('keeps every term, in text order, and says whether it reads the clock', () => {
    const r = parseFilter('(from:a or to:b) !(queue:hold)');
    expect(r.ok && r.terms.map((t) => t.start)).toEqual([1, 11, 19]);
    const f = compileFilter('from:a or expires<1d');
    expect(!isFilterError(f) && f.usesNow).toBe(true);
  });
});

describe('counted and timed fields', () => {
  it('rcpt-count counts the listed recipients', () => {
    expect(select('rcpt-count>1')).toEqual(['2']);
    expect(select('rcpt-count=1')).toEqual(['1', '3', '4']);
    expect(select('rcpt-count>=3 or rcpt-count<1')).toEqual(['2']);
  });

  it('expires< uses maximal_queue_lifetime, and bounce_queue_lifetime for the null sender', () => {
    // a: 3 h old of 5 d; c: a bounce 4.5 d old; d: 4.2 d old (no create_time: arrival).
    expect(select('expires<1d')).toEqual(['3', '4']);
    expect(select('expires<13h')).toEqual(['3']);
    const limits = { ...DEFAULT_POSTFIX_LIMITS, bounceQueueLifetime: 5 * 86400 + 3 * 3600, maximalQueueLifetime: 4 * 86400 + 6 * 3600 };
    expect(select('expires<13h', { limits })).toEqual(['4']);
    expect(select('expires<0s', { limits: { ...DEFAULT_POSTFIX_LIMITS, maximalQueueLifetime: 3600 } })).toEqual(['1', '4']);
    expect(select('expires<1h', { emptyAddress: 'double-bounce' })).toEqual([]);
  });

  it('attempts> is estimated from the next retry time and the backoffs; none without a delay reason', () => {
    const created = NOW_SEC - 10 * HOUR;
    const deferred = (nextRetryAfterCreate: number) =>
      makeEntry('B000000001', { createTime: created, arrivalTime: created, mtime: created + nextRetryAfterCreate, reasons: ['connect to x[192.0.2.1]:25: Connection refused'] });
    const limits = DEFAULT_POSTFIX_LIMITS; // 300 s .. 4000 s
    // On time, attempts come at 0, 300, 600, 1200, 2400, 4800, 8800, ... s after create_time.
    expect(estimateAttempts(deferred(300), limits)).toBe(1);
    expect(estimateAttempts(deferred(600), limits)).toBe(2);
    expect(estimateAttempts(deferred(1200), limits)).toBe(3);
    expect(estimateAttempts(deferred(2400), limits)).toBe(4);
    expect(estimateAttempts(deferred(4800), limits)).toBe(5);
    expect(estimateAttempts(deferred(8800), limits)).toBe(6);
    expect(estimateAttempts(deferred(12800), limits)).toBe(7);
    // A retry that came late (after a scan) counts as the attempt it was.
    expect(estimateAttempts(deferred(2 * 1500), limits)).toBe(4);
    expect(estimateAttempts({ ...deferred(8800), recipients: [{ address: 'r@x', delayReason: '' }] }, limits)).toBe(0);
    const f = compileFilter('attempts>5');
    expect(!isFilterError(f) && [deferred(8800), deferred(4800)].map((e) => f.match(e, NOW_MS))).toEqual([true, false]);
  });
});

describe('who fields inside groups', () => {
  it('an address block ends at ")" like any bare value', () => {
    const v6 = makeEntry('C000000001', { client: { clientName: 'mx', clientAddress: '2001:db8::5', clientPort: null, heloName: null, protocolName: 'ESMTP', saslMethod: null, saslUsername: null, saslSender: null } });
    const f = compileFilter('(client:10.0.0.0/8 or client:2001:db8::/32)');
    expect(!isFilterError(f) && f.match(v6, NOW_MS)).toBe(true);
  });
});
