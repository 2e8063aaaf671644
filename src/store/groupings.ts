/**
 * The queue grouped: by reason cluster x destination domain (why), by sender, SASL login or
 * client (who), or by recipient domain. One row per group with how many messages and
 * recipients, the oldest and newest arrival, the next retry and a small age histogram;
 * groupFilter() makes, when asked, the filter text that selects exactly its messages (the
 * console's Enter sets it).
 *
 * Contract: pure, never throws. A message counts once per row; a message whose recipients
 * fall into several rows (two domains, two reasons) counts in each. Reason rows list only
 * recipients with a delay reason. Rows come sorted by message count, largest first.
 * Text is raw: sanitize before display. The console's rows come from an incremental index
 * (group-index.ts) that follows the store's batches; buildGroups() is the one-shot build.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import type { ConsoleData } from './console-state.js';
import { buildWhoGroups } from './group-build.js';
import { GroupIndex } from './group-index.js';
import { bucketOf, compareRows, type GroupBy, type GroupRow } from './group-keys.js';
import { countIn, GroupLookup, rowWithIds } from './group-lookup.js';
import { isMessage } from './queue-stats.js';
import { memoSlot } from './selector-cache.js';

export { AGE_BUCKET_LABELS, AGE_BUCKETS, exactRegex, GROUP_BYS, groupFilter, type GroupBy, type GroupRow } from './group-keys.js';

/** A row with its queue ids (the CLI's `top --json`); the console's rows need none. */
export type GroupRowWithIds = GroupRow & { ids: string[] };

/** One cell per age bucket, its height the bucket's share of the largest; `·` for none. */
export function histogramCells(histogram: readonly number[]): string {
  const blocks = ' ▁▂▃▄▅▆▇█';
  const max = Math.max(...histogram);
  return histogram.map((n) => (n === 0 ? '·' : blocks[Math.max(1, Math.round((n / max) * 8))])).join('');
}

/**
 * The rows of `entries` (every one counts), with their ids in the entries' order: one pass,
 * none of the index's bookkeeping for later batches (the CLI's `top`).
 */
export function buildGroups(entries: Iterable<QueueEntry>, by: GroupBy, nowSec: number): GroupRowWithIds[] {
  // One row per message: counted by row number, no object per row until the end.
  if (by === 'sender' || by === 'sasl' || by === 'client') return buildWhoGroups(entries, by, nowSec);
  const lookup = new GroupLookup(by, true);
  const { found, counts } = lookup;
  for (const e of entries) {
    const n = lookup.find(e, true);
    if (n === 0) continue;
    const bucket = bucketOf(nowSec - e.arrivalTime);
    for (let i = 0; i < n; i++) {
      const g = found[i]!;
      countIn(g, e, counts[i]!, bucket);
      g.ids!.push(e.queueId);
    }
  }
  const rows: GroupRowWithIds[] = [];
  for (const g of lookup.groups.values()) rows.push(rowWithIds(g));
  return rows.sort(compareRows);
}

export const GROUP_SORTS = ['messages', 'oldest', 'newest', 'retry', 'label'] as const;
export type GroupSort = (typeof GROUP_SORTS)[number];

/** A sorted copy: messages (most first), oldest/newest arrival (oldest first), next retry (soonest first), label. */
export function sortGroups<T extends GroupRow>(rows: readonly T[], by: GroupSort, reverse = false): T[] {
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

/**
 * The rows in a view's order: the same array while the rows and the order stay (a key that
 * moves the cursor in a view sorted by age sorted all 17,000 client rows again, twice).
 */
export function selectSortedGroups(state: ConsoleData, by: GroupBy, queues: readonly QueueName[], sort: GroupSort, reverse: boolean): GroupRow[] {
  const rows = selectGroups(state, by, queues);
  if (sort === 'messages' && !reverse) return rows;
  return memoSlot(state.cache, 'sortedGroups', [rows, sort, reverse], () => sortGroups(rows, sort, reverse));
}

/** How many groupings the store keeps following (the why view, a who view, the monitor's). */
const KEPT_INDEXES = 3;

/**
 * The groups of the queues in view, from the store: an index per grouping and queue set, kept
 * in the selector cache and fed by every batch (batch-apply.ts), so a frame costs only what
 * changed. A full build only for a new grouping or queue set (or an index that fell behind).
 */
export function selectGroups(state: ConsoleData, by: GroupBy, queues: readonly QueueName[]): GroupRow[] {
  const name = `${by}:${queues.join(',')}`;
  const kept = state.cache.groupIndexes;
  let at = kept.findIndex((k) => k.name === name);
  if (at < 0) {
    const wanted = new Set(queues);
    kept.unshift({ name, index: new GroupIndex(by, (e) => wanted.has(e.queueName) && isMessage(e)) });
    if (kept.length > KEPT_INDEXES) kept.pop();
    at = 0;
  }
  const { index } = kept[at]!;
  const nowSec = state.clock / 1000;
  if (index.version !== state.entries) index.reset(state.entries.values(), nowSec, state.entries);
  return index.rows(nowSec);
}

/**
 * The monitor view's top reasons: new rows when a trend sample changed something (at most
 * every 10 s; trends.ts), not per batch, so the pane that watches a server all day moves at
 * the pace of its sparklines.
 */
export function selectTopReasons(state: ConsoleData, queues: readonly QueueName[]): GroupRow[] {
  const key = queues.join(',');
  return memoSlot(state.cache, 'topReasons', [state.trendVersion, key], () =>
    // A sample while nothing moved (the rings still filling) keeps the rows.
    memoSlot(state.cache, 'topReasonsEntries', [state.entries, key], () => selectGroups(state, 'reason', queues)));
}
