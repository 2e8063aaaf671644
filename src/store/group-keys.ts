/**
 * What the groupings are made of: the row type, the age buckets, and for each grouping the
 * head of a new row (label, filter, cluster). Which rows a message falls into are group-lookup.ts's (which finds
 * a message's groups without making their key strings).
 *
 * Contract: pure, never throws. Text is raw: sanitize before display.
 */
import type { QueueEntry } from '../domain/entry.js';
import { clusterReason, describeCluster, type ReasonCluster } from '../domain/reason-cluster.js';
import { addressDomain } from './filter-match.js';

export const GROUP_BYS = ['reason', 'domain', 'sender', 'sasl', 'client'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Upper bounds of the histogram's age buckets, seconds (the last bucket is everything older). */
export const AGE_BUCKETS = [600, 3600, 4 * 3600, 86_400, 3 * 86_400] as const;
export const AGE_BUCKET_LABELS = ['<10m', '<1h', '<4h', '<1d', '<3d', 'older'] as const;
export const LAST_BUCKET = AGE_BUCKETS.length;

export function bucketOf(age: number): number {
  for (let i = 0; i < AGE_BUCKETS.length; i++) if (age < AGE_BUCKETS[i]!) return i;
  return LAST_BUCKET;
}

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
  /** Reason rows: the raw text of one of its reasons (the template's source); null otherwise. */
  example: string | null;
}

/** A row's identity and text, fixed when the row is made. */
export type RowHead = Pick<GroupRow, 'key' | 'label' | 'domain' | 'cluster' | 'example'>;

/** A /regex/ for the filter language that matches exactly `text` (anchored, escaped). */
export function exactRegex(text: string): string {
  return '/^' + text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '$/';
}

const domainFilter = (domain: string) => (domain === '' ? 'to:/^[^@]*$/' : `to:/@${exactRegex(domain).slice(2)}`);
/** The keys of the rows of messages without a SASL login, and of local submissions. */
export const NO_LOGIN = '\u0000none';
export const LOCAL = '\u0000local';

/** The reason row key of one recipient: the cluster's short id and the domain. */
function reasonKey(reason: string, address: string): string {
  return clusterReason(reason).id + '\u0000' + addressDomain(address);
}

/** A head, always built in this one shape. */
export function head(key: string, label: string, domain: string | null, cluster: ReasonCluster | null, example: string | null): RowHead {
  return { key, label, domain, cluster, example };
}

/** The label of a sender, SASL login or client row `key` (`e`: a message of it). */
export function whoLabel(by: 'sender' | 'sasl' | 'client', e: QueueEntry, key: string): string {
  if (by === 'sender') return key;
  if (by === 'sasl') return key === NO_LOGIN ? '(no SASL login)' : key;
  return key === LOCAL ? '(local submission)' : `${e.client?.clientName ?? 'unknown'}[${key}]`;
}

/** The head of the row `key` that entry `e` opens (`first`: its recipient that gave the key). */
export function headOf(by: GroupBy, e: QueueEntry, key: string, first: number): RowHead {
  switch (by) {
    case 'sender':
    case 'sasl':
    case 'client':
      return head(key, whoLabel(by, e, key), null, null, null);
    case 'domain':
      return head(key, key || '(no domain)', key, null, null);
    case 'reason': {
      const r = e.recipients[first]!;
      const cluster = clusterReason(r.delayReason);
      return head(key, describeCluster(cluster), addressDomain(r.address), cluster, r.delayReason);
    }
  }
}

/**
 * The filter that selects exactly the messages of `row` (what Enter on a row sets). Made
 * when asked, not with the row: escaping the keys of 17,500 client rows was a fifth of
 * building them, for the one row that Enter opens.
 */
export function groupFilter(by: GroupBy, row: Pick<GroupRow, 'key' | 'domain' | 'cluster'>): string {
  const { key } = row;
  switch (by) {
    case 'sender':
      return `from:${exactRegex(key)}`;
    case 'sasl':
      return key === NO_LOGIN ? '!sasl:/./' : `sasl:${exactRegex(key)}`;
    case 'client':
      return key === LOCAL ? 'origin:local' : `client:${exactRegex(key)}`;
    case 'domain':
      return domainFilter(key);
    case 'reason':
      return `why:#${row.cluster!.id} ${domainFilter(row.domain!)}`;
  }
}

/** Reason rows: the first reason of `e` that falls into `key` (the row's example), or null. */
export function exampleOf(e: QueueEntry, key: string): string | null {
  for (const r of e.recipients) if (r.delayReason !== '' && reasonKey(r.delayReason, r.address) === key) return r.delayReason;
  return null;
}

/** Rows in the view's default order: most messages first, then by key. */
export function compareRows(a: GroupRow, b: GroupRow): number {
  return b.messages - a.messages || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Two lists sorted by compareRows as one. */
export function mergeRows(a: GroupRow[], b: GroupRow[]): GroupRow[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: GroupRow[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareRows(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
