/**
 * Groupings on the real corpus and on synthetic who/why spools: rows count messages once,
 * carry the right histogram and retry, and each row's filter selects exactly its messages
 * (what the console's Enter relies on).
 */
import { describe, expect, it } from 'vitest';
import type { ClientAttributes, QueueEntry } from '../../src/domain/entry.js';
import { emptyClientAttributes } from '../../src/spool/client-attributes.js';
import { compileFilter, isFilterError } from '../../src/store/filter-match.js';
import { buildGroups, exactRegex, GROUP_BYS, groupFilter, sortGroups } from '../../src/store/groupings.js';
import { corpusEntries, makeEntry, NOW_MS, NOW_SEC } from './fixtures.js';

const selectedBy = (filter: string, entries: QueueEntry[]) => {
  const f = compileFilter(filter);
  if (isFilterError(f)) throw new Error(`${filter}: ${f.error.message}`);
  return entries.filter((e) => f.match(e, NOW_MS)).map((e) => e.queueId).sort();
};

const login = (saslUsername: string | null, clientAddress: string): ClientAttributes => ({ ...emptyClientAttributes(), clientName: 'unknown', clientAddress, saslUsername, protocolName: 'ESMTPA' });
const greylist = (r: string) => `host mx1.grey.example[192.0.2.1] said: 450 4.7.1 <${r}>: Recipient address rejected: Greylisted (in reply to RCPT TO command)`;
const timeout = (n: number) => `connect to mx${n}.dead.example[192.0.2.${n}]:25: Connection timed out`;
const spool: QueueEntry[] = [
  makeEntry('S000000001', { sender: 'a@corp.example', client: login('bob', '198.51.100.7'), to: ['x@grey.example', 'y@grey.example'], reasons: [greylist('x@grey.example'), greylist('y@grey.example')], arrivalTime: NOW_SEC - 120, mtime: NOW_SEC + 600 }),
  makeEntry('S000000002', { sender: 'a@corp.example', client: login('bob', '198.51.100.8'), to: ['z@dead.example'], reasons: [timeout(1)], arrivalTime: NOW_SEC - 7200, mtime: NOW_SEC + 60 }),
  makeEntry('S000000003', { sender: 'b.c+d@corp.example', client: login('carol', '203.0.113.5'), to: ['w@dead.example'], reasons: [timeout(2)], arrivalTime: NOW_SEC - 5 * 86400 }),
  makeEntry('S000000004', { sender: 'local@corp.example', client: null, to: ['q@grey.example'], reasons: [greylist('q@grey.example')], queueName: 'hold', arrivalTime: NOW_SEC - 30 }),
  makeEntry('S000000005', { sender: 'a@corp.example', client: { ...login(null, '2001:db8::5'), clientName: 'mx.v6.example' }, to: ['r@other.example'], reasons: [''], queueName: 'incoming' }),
];

describe('groupings', () => {
  it('reason x domain: one cluster for all mx hosts of a domain, messages counted once, retry and ages', () => {
    const rows = buildGroups(spool, 'reason', NOW_SEC);
    expect(rows.map((r) => [r.cluster!.reasonClass, r.domain, r.messages, r.recipients])).toEqual([
      ['greylisting', 'grey.example', 2, 3],
      ['timeout', 'dead.example', 2, 2],
    ]);
    const grey = rows[0]!;
    expect(grey.ids).toEqual(['S000000001', 'S000000004']);
    expect(grey.nextRetry).toBe(NOW_SEC + 600); // the held one has no retry
    expect(grey.histogram).toEqual([2, 0, 0, 0, 0, 0]);
    expect(rows[1]!.histogram).toEqual([0, 0, 1, 0, 0, 1]);
    expect(rows[1]!.nextRetry).toBe(NOW_SEC + 60);
  });

  it('who: by SASL login, by client, by sender', () => {
    expect(buildGroups(spool, 'sasl', NOW_SEC).map((r) => [r.label, r.ids.length])).toEqual([['(no SASL login)', 2], ['bob', 2], ['carol', 1]]);
    expect(buildGroups(spool, 'client', NOW_SEC).map((r) => r.label).sort()).toEqual(['(local submission)', 'mx.v6.example[2001:db8::5]', 'unknown[198.51.100.7]', 'unknown[198.51.100.8]', 'unknown[203.0.113.5]']);
    expect(buildGroups(spool, 'sender', NOW_SEC)[0]).toMatchObject({ label: 'a@corp.example', messages: 3, recipients: 4 });
  });

  it("each row's filter selects exactly its messages, on the synthetic spool and the corpus", () => {
    for (const entries of [spool, corpusEntries()]) {
      for (const by of GROUP_BYS) {
        const rows = buildGroups(entries, by, NOW_SEC);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(selectedBy(groupFilter(by, row), entries), `${by} ${row.label}`).toEqual([...row.ids].sort());
      }
    }
  });

  it('sorts by count, age, retry and label; exactRegex escapes what the language reads', () => {
    const rows = buildGroups(spool, 'sender', NOW_SEC);
    expect(sortGroups(rows, 'oldest')[0]!.label).toBe('b.c+d@corp.example');
    expect(sortGroups(rows, 'label').map((r) => r.label)).toEqual(['a@corp.example', 'b.c+d@corp.example', 'local@corp.example']);
    expect(sortGroups(rows, 'messages', true)[2]!.label).toBe('a@corp.example');
    expect(sortGroups(rows, 'retry')[0]!.label).toBe('a@corp.example');
    expect(exactRegex('a/b.c+(d)')).toBe('/^a\\/b\\.c\\+\\(d\\)$/');
  });
});
