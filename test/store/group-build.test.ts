/**
 * The full build of a grouping (group-lookup.ts, groupings.ts buildGroups): a reason text is
 * clustered once per distinct text, not once per recipient (queues repeat a few reasons
 * thousands of times); the one-shot build equals the store's index (rows and ids), for every
 * grouping, with messages to many domains, and by client with thousands of rows; rows carry
 * no filter text (groupFilter() makes it when asked); the heaps built in one go pop in order.
 */
import { describe, expect, it, vi } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import * as clusters from '../../src/domain/reason-cluster.js';
import { CrossingHeap } from '../../src/store/crossing-heap.js';
import { GroupIndex } from '../../src/store/group-index.js';
import { buildGroups, GROUP_BYS } from '../../src/store/groupings.js';
import { makeEntry, NOW_SEC } from './fixtures.js';

vi.mock('../../src/domain/reason-cluster.js', async (original) => {
  const real = await original<typeof clusters>();
  return { ...real, clusterReason: vi.fn(real.clusterReason) };
});

const REASONS = [
  'connect to mx1.dead.example[192.0.2.1]:25: Connection timed out',
  'host mx.grey.example[198.51.100.3] said: 450 4.7.1 Greylisted, try again later (in reply to RCPT TO command)',
  'host mx.full.example[2001:db8::25] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)',
];

/** Messages to one to three of a few domains, and now and then one to 40 (past the linear scan of a message's groups). */
function spool(n: number): QueueEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const to = i % 97 === 0 ? Array.from({ length: 40 }, (_, k) => `u${k}@d${k % 23}.example`) : Array.from({ length: 1 + (i % 3) }, (_, k) => `u${k}@D${(i + k) % 4}.example`);
    return makeEntry(`B${i.toString(16).toUpperCase().padStart(9, '0')}`, {
      queueName: i % 5 === 0 ? 'hold' : 'deferred',
      sender: `s${i % 7}@x.example`,
      client: i % 3 === 0 ? null : { clientName: 'c.example', clientAddress: `192.0.2.${i % 11}`, clientPort: '1', heloName: 'h', protocolName: 'ESMTPA', saslMethod: null, saslUsername: i % 2 ? `login${i % 5}` : null, saslSender: null },
      to,
      // Distinct string objects of the same few texts, as read from many defer logs.
      reasons: to.map((_, k) => ((i + k) % 4 === 3 ? '' : `${REASONS[(i + k) % 3]!} `.trimEnd())),
      arrivalTime: NOW_SEC - ((i * 7919) % (6 * 86_400)),
      mtime: NOW_SEC + (i % 900),
    });
  });
}

describe('building a grouping', () => {
  it('clusters each distinct reason text once, not once per recipient', () => {
    const entries = spool(2000);
    const recipients = entries.reduce((n, e) => n + e.recipients.filter((r) => r.delayReason !== '').length, 0);
    const clusterReason = vi.mocked(clusters.clusterReason);
    clusterReason.mockClear();
    const rows = buildGroups(entries, 'reason', NOW_SEC);
    // Once per distinct text, and once more for each row's head.
    expect(clusterReason.mock.calls.length).toBeLessThanOrEqual(REASONS.length + rows.length);
    expect(recipients).toBeGreaterThan(2000);
    // The store's index too: each text once per build, not per recipient.
    clusterReason.mockClear();
    const index = new GroupIndex('reason', () => true);
    index.reset(entries, NOW_SEC);
    expect(clusterReason.mock.calls.length).toBeLessThanOrEqual(REASONS.length + rows.length);
  });

  for (const by of GROUP_BYS) {
    it(`the one-shot build equals the store's index, rows and ids (${by})`, () => {
      const entries = spool(600);
      const index = new GroupIndex(by, () => true);
      index.reset(entries, NOW_SEC);
      const expected = index.rows(NOW_SEC).map((r) => ({ ...r, ids: index.idsOf(r.key) }));
      const rows = buildGroups(entries, by, NOW_SEC);
      expect(rows).toEqual(expected);
      expect(rows.length).toBeGreaterThan(by === 'domain' ? 20 : 3);
      // After a batch and a later clock the index still equals a fresh build.
      const moved = entries.slice(0, 50).map((e) => ({ ...e, queueName: 'active' as const }));
      const before = new Map(entries.map((e) => [e.queueId, e]));
      const after = new Map(before);
      for (const e of moved) after.set(e.queueId, e);
      index.version = before;
      expect(index.follow(before, after, entries.slice(0, 50), moved)).toBe(true);
      const later = NOW_SEC + 4000;
      const fresh = buildGroups(after.values(), by, later).map(({ ids: _ids, ...r }) => r);
      expect(index.rows(later)).toEqual(fresh);
    });
  }

  it('by client, sender and login: past the first arrays (thousands of rows), from an iterator, equals the index; rows carry no filter text', () => {
    // Distinct clients and senders for most messages: more rows than the build's first
    // columns hold, more messages than its first id list (entries come as an iterator).
    const entries = spool(1500).map((e, i) => ({ ...e, sender: `s${i}@x.example`, client: e.client && { ...e.client, clientAddress: `10.0.${i >> 8}.${i & 255}` } }));
    for (const by of ['client', 'sender', 'sasl'] as const) {
      const index = new GroupIndex(by, () => true);
      index.reset(entries, NOW_SEC);
      const expected = index.rows(NOW_SEC).map((r) => ({ ...r, ids: index.idsOf(r.key) }));
      const rows = buildGroups((function* () { yield* entries; })(), by, NOW_SEC);
      expect(rows).toEqual(expected);
      expect(rows.length).toBeGreaterThan(by === 'sasl' ? 4 : 900);
      // The filter text is made when asked (groupFilter), for the row Enter opens: not per row.
      for (const row of [...rows, ...index.rows(NOW_SEC)]) expect(row).not.toHaveProperty('filter');
    }
  });

  it('heaps made in one go pop in order', () => {
    const entries = spool(300);
    const values = entries.map((_, i) => (i * 7919) % 1009);
    const heap = CrossingHeap.from(values.slice(), entries.slice());
    const popped: number[] = [];
    while (heap.at.length > 0) {
      // Each value still with its entry.
      expect(heap.who[0]).toBe(entries[values.indexOf(heap.at[0]!)]);
      popped.push(heap.at[0]!);
      heap.pop();
    }
    expect(popped).toEqual(values.slice().sort((a, b) => a - b));
    const crossings = CrossingHeap.of(entries, NOW_SEC, (e) => e.queueName === 'hold');
    const times: number[] = [];
    while (crossings.at.length > 0) (times.push(crossings.at[0]!), crossings.pop());
    expect(times).toEqual(times.slice().sort((a, b) => a - b));
    // The last bucket has no crossing; hold was left out.
    expect(times.length).toBe(entries.filter((e) => e.queueName !== 'hold' && NOW_SEC - e.arrivalTime < 3 * 86_400).length);
  });
});
