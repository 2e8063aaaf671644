import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { compileFilter, isFilterError, type CompiledFilter } from '../../src/store/filter-match.js';
import { parseAge, parseFilter, parseSize } from '../../src/store/filter-parse.js';
import { corpusEntries, makeEntry, NOW_MS, NOW_SEC } from './fixtures.js';

const alice = makeEntry('A1B2C3D4E5', {
  queueName: 'deferred',
  sender: 'alice@Shop.Example',
  to: ['bob@gmail.com', 'carol@Outlook.com'],
  reasons: ['connect to gmail-smtp-in.l.google.com[142.250.1.26]:25: Connection timed out', '451 4.7.1 Greylisted, try later'],
  subject: 'Weekly NEWS letter',
  arrivalTime: NOW_SEC - 3 * 3600, // 3 h old
  messageSize: 2048,
});
const bounce = makeEntry('F9E8D7C6B5', {
  queueName: 'hold',
  sender: 'MAILER-DAEMON',
  to: ['root@mx.example.net'],
  reasons: [''],
  subject: null,
  arrivalTime: NOW_SEC - 90, // 90 s old
  messageSize: 5 * 1024 * 1024,
});
const entries = [alice, bounce];

function compiled(text: string): CompiledFilter {
  const f = compileFilter(text);
  if (isFilterError(f)) throw new Error(`unexpected error for ${text}: ${f.error.message}`);
  return f;
}

function matching(text: string): string[] {
  const f = compiled(text);
  return entries.filter((e) => f.match(e, NOW_MS)).map((e) => e.queueId);
}

const A = alice.queueId;
const B = bounce.queueId;

describe('filter language: matches', () => {
  const cases: Array<[string, string[]]> = [
    ['', [A, B]],
    ['   ', [A, B]],
    // bare words: sender, recipients, reason, subject, id; case-insensitive substrings
    ['shop', [A]],
    ['SHOP.example', [A]],
    ['gmail', [A]],
    ['greylisted', [A]],
    ['news', [A]],
    ['f9e8', [B]],
    ['mailer-daemon', [B]],
    ['example', [A, B]],
    ['nothing-like-this', []],
    // fields
    ['from:alice', [A]],
    ['from:gmail', []],
    ['to:gmail', [A]],
    ['to:root@', [B]],
    ['domain:outlook.com', [A]],
    ['domain:shop.example', [A]],
    ['domain:mx.example.net', [B]],
    ['domain:alice', []],
    ['reason:"timed out"', [A]],
    ['reason:greylisted', [A]],
    ['reason:4.7', [A]],
    ['subject:weekly', [A]],
    ['subject:x', []],
    ['id:A1B2', [A]],
    ['queue:hold', [B]],
    ['queue:def', [A]],
    ['QUEUE:HOLD', [B]],
    // AND and negation
    ['example gmail', [A]],
    ['from:alice to:root', []],
    ['!from:alice', [B]],
    ['!queue:hold', [A]],
    ['!gmail', [B]],
    ['example !shop', [B]],
    ['!reason:/timed out/', [B]],
    // regex terms, bare and on fields
    ['/^alice@/', [A]],
    ['/A1B2C3D4E5$/', [A]],
    ['from:/daemon$/', [B]],
    ['to:/@(gmail|yahoo)\\.com$/', [A]],
    ['domain:/^outlook\\.com$/', [A]],
    ['reason:/try\\s+later/', [A]],
    ['/connection timed out/', [A]],
    ['!/shop/', [B]],
    ['id:/^F9/', [B]],
    // age with units (alice 3 h, bounce 90 s)
    ['age>1h', [A]],
    ['age<1h', [B]],
    ['age>60s', [A, B]],
    ['age>90s', [A]],
    ['age>=90s', [A, B]],
    ['age<=90s', [B]],
    ['age>2h59m', [A]],
    ['age>1d', []],
    ['age<0.5d', [A, B]],
    ['!age>1h', [B]],
    // size with suffixes (alice 2 KiB, bounce 5 MiB)
    ['size>1k', [A, B]],
    ['size>2k', [B]],
    ['size>=2k', [A, B]],
    ['size<1M', [A]],
    ['size>4.5M', [B]],
    ['size>1G', []],
    ['size<2049', [A]],
    ['size>1mb', [B]],
    // combined
    ['queue:deferred age>2h size<1M to:gmail !reason:refused', [A]],
  ];
  it.each(cases)('%j matches %j', (text, expected) => {
    expect(matching(text)).toEqual(expected);
  });
});

describe('filter language: errors carry a position and a message', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['from:', 5, /from: needs a value/],
    ['gmail !', 6, /"!" must come right before a term/],
    ['age>2', 4, /bad age "2".*unit/],
    ['age>', 4, /age> needs a value/],
    ['age=2h', 0, /age takes > < >= or <=/],
    ['size>12q', 5, /bad size "12q"/],
    ['queue:nope', 6, /queue:nope is not a queue/],
    ['queue:', 6, /is not a queue/],
    ['ok foo:bar', 3, /unknown field "foo:"/],
    ['!foo:bar', 1, /unknown field "foo:"/],
    ['/unclosed', 0, /unclosed regular expression/],
    ['to:/(ab/', 3, /bad regular expression \/\(ab\//],
    ['//', 0, /empty regular expression/],
    ['reason:"timed out', 7, /unclosed quote/],
    ['/ab/cd', 4, /unexpected "cd"/],
  ];
  it.each(cases)('%j -> error at %i', (text, position, message) => {
    const f = compileFilter(text);
    expect(isFilterError(f)).toBe(true);
    if (!isFilterError(f)) return;
    expect(f.error.position).toBe(position);
    expect(f.error.message).toMatch(message);
  });

  it('never throws on hostile input', () => {
    for (const text of ['\u001b[31m', '!!', '"', '/\\', 'age>>1h', 'size<', ':', 'a:b:c', '\u0000', '(((', '/(?<=a)/']) {
      expect(() => compileFilter(text)).not.toThrow();
    }
  });
});

describe('filter language: details', () => {
  it('parses units', () => {
    expect(parseAge('90s')).toBe(90);
    expect(parseAge('1h30m')).toBe(5400);
    expect(parseAge('2d')).toBe(172800);
    expect(parseAge('1w')).toBe(604800);
    expect(parseSize('10k')).toBe(10240);
    expect(parseSize('1M')).toBe(1048576);
    expect(parseSize('1.5M')).toBe(1572864);
    expect(parseSize('512')).toBe(512);
  });

  it('keeps terms with positions, and quotes allow spaces and colons', () => {
    const parsed = parseFilter(' !from:x "said: 450"');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.terms.map((t) => [t.kind, t.negate, t.start])).toEqual([
      ['text', true, 1],
      ['text', false, 9],
    ]);
    expect(parsed.terms[1]).toMatchObject({ field: 'any', value: 'said: 450' });
  });

  it('a regex may hold spaces and escaped slashes', () => {
    const f = compiled('reason:/timed out/ /^alice@shop\\/?/');
    expect(f.terms).toHaveLength(2);
    expect(f.match(alice, NOW_MS)).toBe(true);
  });

  it('says whether it reads the clock', () => {
    expect(compiled('age>1h').usesNow).toBe(true);
    expect(compiled('size>1k from:x').usesNow).toBe(false);
    expect(compiled('').empty).toBe(true);
  });

  it('works on real corpus entries: to:, reason: and negation partition the queue', () => {
    const all: QueueEntry[] = corpusEntries().filter((e) => e.queueName === 'deferred');
    expect(all.length).toBeGreaterThan(10);
    const lists = compiled('to:lists.example.com');
    const notLists = compiled('!to:lists.example.com');
    const a = all.filter((e) => lists.match(e, NOW_MS));
    const b = all.filter((e) => notLists.match(e, NOW_MS));
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.length + b.length).toBe(all.length);
    const withReason = all.filter((e) => compiled('reason:/./').match(e, NOW_MS));
    expect(withReason.length).toBe(all.filter((e) => e.recipients.some((r) => r.delayReason !== '')).length);
  });
});
