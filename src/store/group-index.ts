/**
 * One grouping of the queue kept up to date from the store's batches, so the who/why views do
 * not regroup 100,000 messages on every data frame: each group keeps its aggregates (messages,
 * recipients, oldest, newest, next retry, age histogram) and entries; a batch adds and removes
 * only the messages it changed, and rows() rebuilds only the rows of the groups it touched and
 * merges them into the sorted list of the others.
 *
 * Ages move with the clock: each message waits in a min-heap keyed by the time its age crosses
 * into the next bucket, so a later clock moves only the messages that crossed. The extremes
 * (oldest, newest, next retry) are group-extremes.ts's; a small group whose extreme left is
 * rescanned once when its row is next made, a reason row whose example left takes another.
 *
 * Contract: mutable and internal to one store (in its selector cache, like OldestTracker);
 * follow() takes the batches in order and answers false (the index is stale; the caller
 * resets it) when the batch does not start from the version it holds. rows() equals a full
 * build of the same entries at the same time (test/store/group-index.test.ts). Never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { GroupExtremes } from './group-extremes.js';
import { CrossingHeap } from './crossing-heap.js';
import { AGE_BUCKETS, bucketOf, compareRows, exampleOf, head, headOf, keysOf, LAST_BUCKET, mergeRows, newScratch, type GroupBy, type GroupRow, type RowHead } from './group-keys.js';

interface Group {
  head: RowHead;
  messages: number;
  /**
   * The entries counted in it, in the order they were added; entries since removed stay until
   * the list is compacted (an entry is live while it is not in the index's `gone`).
   */
  entries: QueueEntry[];
  recipients: number;
  extremes: GroupExtremes;
  histogram: number[];
  /** An extreme of a small group left: rescan the entries before the next row. */
  stale: boolean;
  /** An entry removed and added again may be in `entries` twice. */
  repeats: boolean;
  /** The entry the example text came from (reason rows). */
  exampleFrom: QueueEntry | null;
}

/** When an entry in `bucket` enters the next one (epoch seconds); null from the last. */
const crossingOf = (e: QueueEntry, bucket: number): number | null => (bucket < LAST_BUCKET ? e.arrivalTime + AGE_BUCKETS[bucket]! : null);

export class GroupIndex {
  /** The entries map the groups reflect; null before the first reset. */
  version: ReadonlyMap<string, QueueEntry> | null = null;
  /** Full builds done (tests and bench: batches must not cause them). */
  resets = 0;
  /**
   * The clock the histograms are at: every member counts in bucketOf(now - arrival), so a
   * removal finds its bucket without storing one per message.
   */
  private now = 0;
  private groups = new Map<string, Group>();
  /** Messages in at least one row. */
  private count = 0;
  /**
   * Entries removed (and not added again): they stay in the groups' lists and the heap until
   * dropped there. A WeakSet, not a look-up in the entries map: a rescan of 100,000 entries
   * asked the LayeredMap 100,000 times (a quarter of a second on the loaded machine).
   */
  private gone = new WeakSet<QueueEntry>();
  private heap = new CrossingHeap();
  /** Groups whose row changed since the last rows() (emptied ones included). */
  private dirty = new Set<Group>();
  private sorted: GroupRow[] = [];
  private readonly scratch = newScratch();
  /** In reset(): every group is dirty at the end, not marked per message. */
  private building = false;

  constructor(
    readonly by: GroupBy,
    /** Which entries count (the queues in view, messages only). */
    private readonly wanted: (e: QueueEntry) => boolean,
  ) {}

  /** A full build: every entry of `entries` at `nowSec`; `version` is the map they came from. */
  reset(entries: Iterable<QueueEntry>, nowSec: number, version: ReadonlyMap<string, QueueEntry> | null = null): void {
    this.resets++;
    this.groups.clear();
    this.count = 0;
    this.gone = new WeakSet();
    this.heap = new CrossingHeap();
    this.dirty.clear();
    this.sorted = [];
    this.now = nowSec;
    this.version = version;
    this.building = true;
    for (const e of entries) if (this.wanted(e)) this.add(e);
    this.building = false;
    for (const g of this.groups.values()) this.dirty.add(g);
  }

  /** One batch: `removed` (old versions) and `added` (new versions) took `before` to `after`. */
  follow(before: ReadonlyMap<string, QueueEntry>, after: ReadonlyMap<string, QueueEntry>, removed: readonly QueueEntry[], added: readonly QueueEntry[]): boolean {
    if (this.version !== before) return false;
    // `removed` holds the versions `before` had: exactly the ones counted here.
    this.version = after;
    for (const e of removed) if (this.wanted(e)) this.remove(e);
    for (const e of added) if (this.wanted(e)) this.add(e);
    this.compactHeap();
    return true;
  }

  /** The rows at `nowSec`, most messages first; the same array while nothing changed. */
  rows(nowSec: number): GroupRow[] {
    if (nowSec < this.now) this.rebucket(nowSec);
    else if (nowSec > this.now) this.advance(nowSec);
    if (this.dirty.size === 0) return this.sorted;
    const changed = new Set<string>();
    const fresh: GroupRow[] = [];
    for (const g of this.dirty) {
      changed.add(g.head.key);
      if (this.groups.get(g.head.key) === g) fresh.push(this.rowOf(g));
    }
    this.dirty.clear();
    fresh.sort(compareRows);
    const kept = this.sorted.filter((r) => !changed.has(r.key));
    this.sorted = mergeRows(kept, fresh);
    return this.sorted;
  }

  /** The queue ids in the row `key`, in the order they were counted. */
  idsOf(key: string): string[] {
    const g = this.groups.get(key);
    if (!g) return [];
    this.compact(g);
    return g.entries.map((e) => e.queueId);
  }

  private add(e: QueueEntry): void {
    const { scratch } = this;
    keysOf(this.by, e, scratch);
    // A message in no row (no delay reason) is not a member: nothing to age.
    if (scratch.keys.length === 0) return;
    const bucket = bucketOf(this.now - e.arrivalTime);
    // One added again after its removal may now be twice in a group's list (compact() drops it).
    const repeat = this.gone.delete(e);
    for (let i = 0; i < scratch.keys.length; i++) {
      const key = scratch.keys[i]!;
      let g = this.groups.get(key);
      if (!g) {
        const head = headOf(this.by, e, key, scratch.firsts[i]!);
        g = { head, messages: 0, entries: [], recipients: 0, extremes: new GroupExtremes(), histogram: [0, 0, 0, 0, 0, 0], stale: false, repeats: false, exampleFrom: head.example === null ? null : e };
        this.groups.set(key, g);
      }
      g.messages++;
      g.entries.push(e);
      g.recipients += scratch.counts[i]!;
      g.histogram[bucket]!++;
      g.extremes.add(e);
      if (repeat) g.repeats = true;
      if (!this.building) this.dirty.add(g);
    }
    this.count++;
    const t = crossingOf(e, bucket);
    if (t !== null) this.heap.push(t, e);
  }

  private remove(e: QueueEntry): void {
    const { scratch } = this;
    keysOf(this.by, e, scratch);
    if (scratch.keys.length === 0) return;
    this.count--;
    this.gone.add(e);
    const bucket = bucketOf(this.now - e.arrivalTime);
    for (let i = 0; i < scratch.keys.length; i++) {
      const g = this.groups.get(scratch.keys[i]!);
      if (!g) continue;
      g.messages--;
      g.recipients -= scratch.counts[i]!;
      g.histogram[bucket]!--;
      if (g.extremes.remove(e)) g.stale = true;
      if (g.messages === 0) this.groups.delete(g.head.key);
      // Removed entries wait in g.entries for a rescan; do not let them pile up.
      else if (g.entries.length > 2 * g.messages + 64) this.compact(g);
      this.dirty.add(g);
    }
  }

  /** The clock moved on: move the members whose age crossed a bucket bound since `this.now`. */
  private advance(nowSec: number): void {
    const before = this.now;
    this.now = nowSec;
    const { heap } = this;
    const due = new Set<QueueEntry>();
    while (heap.at.length > 0 && heap.at[0]! <= nowSec) {
      due.add(heap.who[0]!);
      heap.pop();
    }
    const { scratch } = this;
    for (const e of due) {
      // Items of entries gone, or a second item of one re-added, change nothing.
      if (!this.live(e)) continue;
      const from = bucketOf(before - e.arrivalTime);
      const to = bucketOf(nowSec - e.arrivalTime);
      if (from === to) continue;
      keysOf(this.by, e, scratch);
      for (const key of scratch.keys) {
        const g = this.groups.get(key)!;
        g.histogram[from]!--;
        g.histogram[to]!++;
        this.dirty.add(g);
      }
      const t = crossingOf(e, to);
      if (t !== null) heap.push(t, e);
    }
    this.compactHeap();
  }

  /** Items of entries gone stay until popped: rebuild when they are most of the heap. */
  private compactHeap(): void {
    if (this.heap.at.length <= 1024 || this.heap.at.length <= 3 * this.count) return;
    this.reschedule();
  }

  /** The heap again from the live entries (each once, though it may be in several rows). */
  private reschedule(): void {
    this.heap = new CrossingHeap();
    const seen = new Set<QueueEntry>();
    for (const g of this.groups.values()) {
      this.compact(g);
      for (const e of g.entries) {
        if (seen.has(e)) continue;
        seen.add(e);
        const t = crossingOf(e, bucketOf(this.now - e.arrivalTime));
        if (t !== null) this.heap.push(t, e);
      }
    }
  }

  /** Every member's bucket again (the clock went back). */
  private rebucket(nowSec: number): void {
    this.now = nowSec;
    for (const g of this.groups.values()) {
      this.compact(g);
      g.histogram.fill(0);
      for (const e of g.entries) g.histogram[bucketOf(nowSec - e.arrivalTime)]!++;
      this.dirty.add(g);
    }
    this.reschedule();
  }

  /** Whether `e` is counted now (in the groups' lists and the heap, removed ones linger). */
  private live(e: QueueEntry): boolean {
    return !this.gone.has(e);
  }

  /** Drop removed entries (and repeats of one re-added) from a group's list. */
  private compact(g: Group): void {
    if (g.entries.length === g.messages) return;
    if (!g.repeats) {
      g.entries = g.entries.filter((e) => this.live(e));
      return;
    }
    const seen = new Set<QueueEntry>();
    g.entries = g.entries.filter((e) => this.live(e) && !seen.has(e) && (seen.add(e), true));
    g.repeats = false;
  }

  private rowOf(g: Group): GroupRow {
    if (g.stale) this.rescan(g);
    if (g.exampleFrom && !this.live(g.exampleFrom)) this.newExample(g);
    const h = g.head;
    // Spelled out, not spread: one object shape for every row (spreading heads of several
    // shapes cost ~10 µs a row, 0.2 s for 17,000 client rows).
    const { oldest, newest, nextRetry } = g.extremes;
    return { key: h.key, label: h.label, domain: h.domain, cluster: h.cluster, filter: h.filter, example: h.example, messages: g.messages, recipients: g.recipients, oldest, newest, nextRetry, histogram: g.histogram.slice() };
  }

  /** Extremes from the live entries (after one of them left a small group). */
  private rescan(g: Group): void {
    this.compact(g);
    g.extremes.rescan(g.entries);
    g.stale = false;
  }

  /** A reason row whose example's message left: the newest live entry's reason instead. */
  private newExample(g: Group): void {
    for (let i = g.entries.length - 1; i >= 0; i--) {
      const e = g.entries[i]!;
      if (!this.live(e)) continue;
      g.exampleFrom = e;
      g.head = head(g.head.key, g.head.label, g.head.domain, g.head.cluster, g.head.filter, exampleOf(e, g.head.key));
      return;
    }
  }
}
