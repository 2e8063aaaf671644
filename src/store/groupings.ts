/**
 * The queue grouped: by reason cluster x destination domain (why), by sender, SASL login or
 * client (who), or by recipient domain. One row per group with how many messages and
 * recipients, the oldest and newest arrival, the next retry, a small age histogram, the ids,
 * and the filter text that selects exactly its messages (the console's Enter sets it).
 *
 * Contract: pure, never throws. A message counts once per row; a message whose recipients
 * fall into several rows (two domains, two reasons) counts in each. Reason rows list only
 * recipients with a delay reason. Rows come sorted by message count, largest first.
 * Text is raw: sanitize before display.
 */
import type { QueueEntry } from '../domain/entry.js';
import { clusterReason, describeCluster, type ReasonCluster } from '../domain/reason-cluster.js';
import type { QueueName } from '../domain/queue.js';
import type { ConsoleData } from './console-state.js';
import { addressDomain } from './filter-match.js';
import { memoSlot } from './selector-cache.js';

export const GROUP_BYS = ['reason', 'domain', 'sender', 'sasl', 'client'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Upper bounds of the histogram's age buckets, seconds (the last bucket is everything older). */
export const AGE_BUCKETS = [600, 3600, 4 * 3600, 86_400, 3 * 86_400] as const;
export const AGE_BUCKET_LABELS = ['<10m', '<1h', '<4h', '<1d', '<3d', 'older'] as const;

export interface GroupRow {
  key: string;
  /** What the group is: the sender, login, client, domain, or the cluster's description. */
  label: string;
  /** Reason rows: the destination domain; null otherwise. */
  domain: string | null;
  cluster: ReasonCluster | null;
  messages: number;
  recipients: number;
  /** Oldest and newest arrival, epoch seconds. */
  oldest: number;
  newest: number;
  /** The soonest retry among its deferred messages (epoch seconds), or null when none is deferred. */
  nextRetry: number | null;
  /** Messages per AGE_BUCKETS bucket. */
  histogram: number[];
  /** The filter that selects its messages. */
  filter: string;
  ids: string[];
  /** Reason rows: the raw text of one of its reasons (the template's source); null otherwise. */
  example: string | null;
}

/** A /regex/ for the filter language that matches exactly `text` (anchored, escaped). */
export function exactRegex(text: string): string {
  return '/^' + text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '$/';
}

/** One cell per age bucket, its height the bucket's share of the largest; `·` for none. */
export function histogramCells(histogram: readonly number[]): string {
  const blocks = ' ▁▂▃▄▅▆▇█';
  const max = Math.max(...histogram);
  return histogram.map((n) => (n === 0 ? '·' : blocks[Math.max(1, Math.round((n / max) * 8))])).join('');
}

function bucketOf(age: number): number {
  for (let i = 0; i < AGE_BUCKETS.length; i++) if (age < AGE_BUCKETS[i]!) return i;
  return AGE_BUCKETS.length;
}

interface Draft extends GroupRow {
  last: QueueEntry | null;
}

/** The rows (key, label, filter, ...) of one entry under a grouping, with its recipient counts. */
type RowHead = Pick<GroupRow, 'key' | 'label' | 'domain' | 'cluster' | 'filter'> & { example?: string };
type Keyer = (entry: QueueEntry, add: (key: string, make: () => RowHead, recipients: number) => void) => void;

const domainFilter = (domain: string) => (domain === '' ? 'to:/^[^@]*$/' : `to:/@${exactRegex(domain).slice(2)}`);

const KEYERS: Record<GroupBy, Keyer> = {
  sender: (e, add) => add(e.sender, () => ({ key: e.sender, label: e.sender, domain: null, cluster: null, filter: `from:${exactRegex(e.sender)}` }), e.recipients.length),
  sasl: (e, add) => {
    const login = e.client?.saslUsername ?? null;
    if (login === null) add('\u0000none', () => ({ key: '\u0000none', label: '(no SASL login)', domain: null, cluster: null, filter: '!sasl:/./' }), e.recipients.length);
    else add(login, () => ({ key: login, label: login, domain: null, cluster: null, filter: `sasl:${exactRegex(login)}` }), e.recipients.length);
  },
  client: (e, add) => {
    const c = e.client;
    if (!c || c.clientAddress === null) {
      add('\u0000local', () => ({ key: '\u0000local', label: '(local submission)', domain: null, cluster: null, filter: 'origin:local' }), e.recipients.length);
      return;
    }
    const address = c.clientAddress;
    add(address, () => ({ key: address, label: `${c.clientName ?? 'unknown'}[${address}]`, domain: null, cluster: null, filter: `client:${exactRegex(address)}` }), e.recipients.length);
  },
  domain: (e, add) => {
    const counts = new Map<string, number>();
    for (const r of e.recipients) {
      const d = addressDomain(r.address);
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    for (const [d, n] of counts) add(d, () => ({ key: d, label: d || '(no domain)', domain: d, cluster: null, filter: domainFilter(d) }), n);
  },
  reason: (e, add) => {
    for (const r of e.recipients) {
      if (r.delayReason === '') continue;
      const cluster = clusterReason(r.delayReason);
      const d = addressDomain(r.address);
      // The short id, not the long key: one string built per recipient at 100k messages.
      const key = cluster.id + '\u0000' + d;
      add(key, () => ({ key, label: describeCluster(cluster), domain: d, cluster, filter: `why:#${cluster.id} ${domainFilter(d)}`, example: r.delayReason }), 1);
    }
  },
};

export function buildGroups(entries: Iterable<QueueEntry>, by: GroupBy, nowSec: number): GroupRow[] {
  const rows = new Map<string, Draft>();
  const keyer = KEYERS[by];
  for (const entry of entries) {
    const age = nowSec - entry.arrivalTime;
    keyer(entry, (key, make, recipients) => {
      let row = rows.get(key);
      if (!row) {
        row = { example: null, ...make(), messages: 0, recipients: 0, oldest: Infinity, newest: -Infinity, nextRetry: null, histogram: Array<number>(AGE_BUCKETS.length + 1).fill(0), ids: [], last: null };
        rows.set(key, row);
      }
      row.recipients += recipients;
      if (row.last === entry) return;
      row.last = entry;
      row.messages++;
      row.ids.push(entry.queueId);
      if (entry.arrivalTime < row.oldest) row.oldest = entry.arrivalTime;
      if (entry.arrivalTime > row.newest) row.newest = entry.arrivalTime;
      if (entry.queueName === 'deferred' && (row.nextRetry === null || entry.mtime < row.nextRetry)) row.nextRetry = entry.mtime;
      row.histogram[bucketOf(age)]!++;
    });
  }
  const out: GroupRow[] = [];
  for (const { last: _, ...row } of rows.values()) out.push(row);
  return sortGroups(out, 'messages');
}

export const GROUP_SORTS = ['messages', 'oldest', 'newest', 'retry', 'label'] as const;
export type GroupSort = (typeof GROUP_SORTS)[number];

/** A sorted copy: messages (most first), oldest/newest arrival (oldest first), next retry (soonest first), label. */
export function sortGroups(rows: readonly GroupRow[], by: GroupSort, reverse = false): GroupRow[] {
  const cmp: Record<GroupSort, (a: GroupRow, b: GroupRow) => number> = {
    messages: (a, b) => b.messages - a.messages,
    oldest: (a, b) => a.oldest - b.oldest,
    newest: (a, b) => a.newest - b.newest,
    retry: (a, b) => (a.nextRetry ?? Infinity) - (b.nextRetry ?? Infinity),
    label: (a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  };
  const sorted = [...rows].sort((a, b) => cmp[by](a, b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reverse ? sorted.reverse() : sorted;
}

/** The groups of the queues in view, from the store; memoised on the entries and the clock. */
export function selectGroups(state: ConsoleData, by: GroupBy, queues: readonly QueueName[]): GroupRow[] {
  const key = [state.entries, state.clock, by, queues.join(',')];
  return memoSlot(state.cache, 'groups', key, () => {
    const wanted = new Set(queues);
    const entries: QueueEntry[] = [];
    for (const e of state.entries.values()) if (wanted.has(e.queueName)) entries.push(e);
    return buildGroups(entries, by, state.clock / 1000);
  });
}

/**
 * The monitor view's top reasons: regrouped when a trend sample changed something (at most
 * every 10 s; trends.ts), not per batch: grouping 100,000 messages by reason takes about half
 * a second, and the monitor would pay it on every data frame while mail flows.
 */
export function selectTopReasons(state: ConsoleData, queues: readonly QueueName[]): GroupRow[] {
  const key = queues.join(',');
  return memoSlot(state.cache, 'topReasons', [state.trendVersion, key], () =>
    // A sample while nothing moved (the rings still filling) keeps the rows: no regroup.
    memoSlot(state.cache, 'topReasonsEntries', [state.entries, key], () => {
      const wanted = new Set(queues);
      const entries: QueueEntry[] = [];
      for (const e of state.entries.values()) if (wanted.has(e.queueName)) entries.push(e);
      return buildGroups(entries, 'reason', state.clock / 1000);
    }));
}
