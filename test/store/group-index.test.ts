/**
 * The incremental groupings (group-index.ts): after seeded random batches (new mail, moves
 * between queues, retries that change the reasons, files still being written, removals, full
 * rescans) and clock ticks, the rows the store's index gives equal a full regroup done by an
 * independent, naive build of the same entries at the same time; and batches never cause a
 * full regroup (only a new grouping or queue set does).
 */
import { describe, expect, it } from 'vitest';
import type { ClientAttributes, QueueEntry } from '../../src/domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import { clusterReason } from '../../src/domain/reason-cluster.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { addressDomain } from '../../src/store/filter-match.js';
import { GroupIndex } from '../../src/store/group-index.js';
import { AGE_BUCKETS, GROUP_BYS, type GroupBy, type GroupRow } from '../../src/store/group-keys.js';
import { selectGroups } from '../../src/store/groupings.js';
import { batch, fakeBackend, makeEntry, NOW_MS, NOW_SEC } from './fixtures.js';

/** mulberry32: the same batches on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REASONS = [
  'connect to mx1.dead.example[192.0.2.1]:25: Connection timed out',
  'connect to mx2.dead.example[192.0.2.2]:25: Connection timed out',
  'host mx.grey.example[198.51.100.3] said: 450 4.7.1 Greylisted, try again later (in reply to RCPT TO command)',
  'host mx.full.example[2001:db8::25] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)',
  'connect to mx.refuse.example[203.0.113.9]:25: Connection refused',
];
const DOMAINS = ['dead.example', 'grey.example', 'full.example', 'refuse.example', 'UPPER.example'];
const QUEUES: QueueName[] = ['incoming', 'active', 'deferred', 'deferred', 'hold'];

function randomEntry(rnd: () => number, id: string, now: number): QueueEntry {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const n = 1 + Math.floor(rnd() * 3);
  const to = Array.from({ length: n }, (_, i) => `u${i}@${pick(DOMAINS)}`);
  const client: ClientAttributes | null = rnd() < 0.3 ? null : { clientName: pick(['a.example', 'b.example']), clientAddress: pick(['192.0.2.7', '2001:db8::7', '198.51.100.1']), clientPort: '1', heloName: 'h', protocolName: 'ESMTPA', saslMethod: null, saslUsername: rnd() < 0.5 ? null : pick(['bob', 'eve']), saslSender: null };
  return makeEntry(id, {
    queueName: pick(QUEUES), sender: pick(['a@x.example', 'b@x.example', '']), client, to,
    reasons: to.map(() => (rnd() < 0.7 ? pick(REASONS) : '')),
    // Ages across every bucket, some a few seconds from a bound, and a few in the future.
    arrivalTime: Math.floor(now - (rnd() < 0.3 ? pick(AGE_BUCKETS) - rnd() * 120 : rnd() * 5 * 86_400) + (rnd() < 0.03 ? 300 : 0)),
    mtime: Math.floor(now + rnd() * 3600),
    ...(rnd() < 0.05 ? { state: 'incomplete' as const, mode: 0o600 } : {}),
  });
}

/** The full regroup, written independently: what the rows must equal. */
function naiveKeys(by: GroupBy, e: QueueEntry): Map<string, number> {
  const keys = new Map<string, number>();
  const put = (k: string, n = 1) => keys.set(k, (keys.get(k) ?? 0) + n);
  if (by === 'sender') put(e.sender, e.recipients.length);
  if (by === 'sasl') put(e.client?.saslUsername ?? '\u0000none', e.recipients.length);
  if (by === 'client') put(e.client?.clientAddress ?? '\u0000local', e.recipients.length);
  for (const r of e.recipients) {
    if (by === 'domain') put(addressDomain(r.address));
    if (by === 'reason' && r.delayReason) put(`${clusterReason(r.delayReason).id}\u0000${addressDomain(r.address)}`);
  }
  return keys;
}

function naiveRows(entries: Iterable<QueueEntry>, by: GroupBy, queues: readonly QueueName[], nowSec: number) {
  const rows = new Map<string, { key: string; messages: number; recipients: number; oldest: number; newest: number; nextRetry: number | null; histogram: number[]; ids: string[] }>();
  for (const e of entries) {
    if (!queues.includes(e.queueName) || e.state === 'incomplete') continue;
    const age = nowSec - e.arrivalTime;
    let bucket = AGE_BUCKETS.findIndex((b) => age < b);
    if (bucket < 0) bucket = AGE_BUCKETS.length;
    for (const [key, n] of naiveKeys(by, e)) {
      const row = rows.get(key) ?? { key, messages: 0, recipients: 0, oldest: Infinity, newest: -Infinity, nextRetry: null, histogram: [0, 0, 0, 0, 0, 0], ids: [] };
      rows.set(key, row);
      row.messages++;
      row.recipients += n;
      row.oldest = Math.min(row.oldest, e.arrivalTime);
      row.newest = Math.max(row.newest, e.arrivalTime);
      if (e.queueName === 'deferred') row.nextRetry = Math.min(row.nextRetry ?? Infinity, e.mtime);
      row.histogram[bucket]!++;
      row.ids.push(e.queueId);
    }
  }
  return [...rows.values()].sort((a, b) => b.messages - a.messages || (a.key < b.key ? -1 : 1));
}

const comparable = (rows: readonly GroupRow[]) => rows.map(({ key, messages, recipients, oldest, newest, nextRetry, histogram }) => ({ key, messages, recipients, oldest, newest, nextRetry, histogram }));

describe('incremental groupings', () => {
  // Seed 3 starts big enough for many groups past 64 messages (their extremes kept in heaps).
  for (const [seed, size] of [[1, 150], [2, 150], [3, 700]] as const) {
    it(`equal a full regroup after random batches and clock ticks (seed ${seed}, ${size} messages)`, () => {
      const rnd = seeded(seed);
      let clock = NOW_MS;
      const store = createConsoleStore({ backend: fakeBackend(), now: () => clock });
      const live = new Map<string, QueueEntry>();
      let next = 0;
      const fresh = () => randomEntry(rnd, `R${(next++).toString(16).toUpperCase().padStart(9, '0')}`, clock / 1000);
      const start = Array.from({ length: size }, fresh);
      for (const e of start) live.set(e.queueId, e);
      store.getState().applySpoolBatch({ upserts: start, removals: [], full: true, firstEventAt: null });
      const views: Array<[GroupBy, QueueName[]]> = [...GROUP_BYS.map((by): [GroupBy, QueueName[]] => [by, QUEUE_NAMES.filter((q) => q !== 'corrupt')]), ['reason', ['deferred']]];
      // The view in use changes now and then; the others' indexes keep following the batches.
      for (const [by, queues] of views.slice(0, 3)) selectGroups(store.getState(), by, queues);
      for (let step = 0; step < 120; step++) {
        const ids = [...live.keys()];
        const upserts: QueueEntry[] = [];
        const removals: string[] = [];
        for (let k = Math.floor(rnd() * 12); k > 0; k--) {
          const r = rnd();
          const old = live.get(ids[Math.floor(rnd() * ids.length)]!);
          if (r < 0.35 || !old) upserts.push(fresh());
          else if (r < 0.55) removals.push(old.queueId);
          else if (r < 0.75) upserts.push({ ...old, queueName: QUEUES[Math.floor(rnd() * QUEUES.length)]!, state: 'ok', mode: 0o700 });
          else upserts.push({ ...randomEntry(rnd, old.queueId, clock / 1000), arrivalTime: old.arrivalTime });
        }
        for (const e of upserts) live.set(e.queueId, e);
        for (const id of removals) live.delete(id);
        const full = rnd() < 0.05;
        store.getState().applySpoolBatch(full ? { upserts: [...live.values()], removals: [], full: true, firstEventAt: null } : batch(upserts, removals));
        if (rnd() < 0.4) {
          // Often past a bucket bound (ten minutes), now and then much further.
          clock += Math.floor(rnd() * (rnd() < 0.1 ? 86_400_000 : 900_000));
          store.getState().tick();
        }
        if (rnd() < 0.5) continue; // batches between reads: the indexes follow them anyway
        const state = store.getState();
        const [by, queues] = views[Math.floor(rnd() * views.length)]!;
        const rows = selectGroups(state, by, queues);
        const expected = naiveRows(state.entries.values(), by, queues, state.clock / 1000);
        expect(comparable(rows), `step ${step} ${by} ${queues.join(',')}`).toEqual(comparable(expected as unknown as GroupRow[]));
        for (const row of rows.filter((r) => r.example !== null)) {
          const members = expected.find((r) => r.key === row.key)!.ids;
          // The example is a reason of a message still in the row.
          expect(members.some((id) => state.entries.get(id)!.recipients.some((r) => r.delayReason === row.example)), row.key).toBe(true);
        }
      }
      // One build per view, at its first read: every batch after that was followed.
      for (const { index } of store.getState().cache.groupIndexes) expect(index.resets, index.by).toBe(1);
    });
  }

  it('the same rows array while nothing changed; a clock that goes back rebuckets', () => {
    const index = new GroupIndex('sender', () => true);
    const e = makeEntry('A1', { arrivalTime: NOW_SEC - 500 });
    index.reset([e], NOW_SEC);
    const first = index.rows(NOW_SEC);
    expect(first[0]!.histogram).toEqual([1, 0, 0, 0, 0, 0]);
    expect(index.rows(NOW_SEC)).toBe(first);
    expect(index.rows(NOW_SEC + 100)[0]!.histogram).toEqual([0, 1, 0, 0, 0, 0]);
    expect(index.rows(NOW_SEC + 4 * 86_400)[0]!.histogram).toEqual([0, 0, 0, 0, 0, 1]);
    expect(index.rows(NOW_SEC)[0]!.histogram).toEqual([1, 0, 0, 0, 0, 0]);
  });
});
