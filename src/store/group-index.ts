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
import { CrossingHeap, crossingOf } from './crossing-heap.js';
import { HEAP_FROM } from './group-extremes.js';
import { bucketOf, compareRows, exampleOf, head, mergeRows, type GroupBy, type GroupRow } from './group-keys.js';
import { countIn, GroupLookup, rowOf, type Group } from './group-lookup.js';

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
  /** The groups, and which of them a message falls into. */
  private readonly lookup: GroupLookup;
  /** Messages in at least one row. */
  private count = 0;
  /**
   * Entries removed (and not added again): they stay in the groups' lists and the heap until
   * dropped there. A WeakSet, not a look-up in the entries map: a rescan of 100,000 entries
   * asked the LayeredMap 100,000 times (a quarter of a second on the loaded machine).
   */
  private gone = new WeakSet<QueueEntry>();
  /**
   * The crossings; null until the clock first moves after a full build, then made from the
   * groups' lists at once in O(n) (a build that pushed each message cost a third more).
   */
  private heap: CrossingHeap | null = null;
  /** Groups whose row changed since the last rows() (emptied ones included). */
  private dirty = new Set<Group>();
  private sorted: GroupRow[] = [];
  /** In reset(): every group is dirty at the end, not marked per message. */
  private building = false;

  constructor(
    readonly by: GroupBy,
    /** Which entries count (the queues in view, messages only). */
    private readonly wanted: (e: QueueEntry) => boolean,
  ) {
    this.lookup = new GroupLookup(by);
  }

  /** A full build: every entry of `entries` at `nowSec`; `version` is the map they came from. */
  reset(entries: Iterable<QueueEntry>, nowSec: number, version: ReadonlyMap<string, QueueEntry> | null = null): void {
    this.resets++;
    this.lookup.clear();
    this.count = 0;
    this.gone = new WeakSet();
    this.heap = null;
    this.dirty.clear();
    this.sorted = [];
    this.now = nowSec;
    this.version = version;
    this.building = true;
    const { wanted } = this;
    for (const e of entries) if (wanted(e)) this.add(e);
    this.building = false;
    for (const g of this.lookup.groups.values()) this.dirty.add(g);
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
    const { groups } = this.lookup;
    const fresh: GroupRow[] = [];
    for (const g of this.dirty) if (groups.get(g.head.key) === g) fresh.push(this.rowOf(g));
    fresh.sort(compareRows);
    if (this.sorted.length === 0) {
      // After a full build every group is dirty: no merge, no set of the changed keys.
      this.dirty.clear();
      return (this.sorted = fresh);
    }
    const changed = new Set<string>();
    for (const g of this.dirty) changed.add(g.head.key);
    this.dirty.clear();
    const kept = this.sorted.filter((r) => !changed.has(r.key));
    this.sorted = mergeRows(kept, fresh);
    return this.sorted;
  }

  /** The queue ids in the row `key`, in the order they were counted. */
  idsOf(key: string): string[] {
    const g = this.lookup.groups.get(key);
    if (!g) return [];
    this.compact(g);
    return g.entries.map((e) => e.queueId);
  }

  private add(e: QueueEntry): void {
    const { lookup } = this;
    const n = lookup.find(e, true);
    // A message in no row (no delay reason) is not a member: nothing to age.
    if (n === 0) return;
    const bucket = bucketOf(this.now - e.arrivalTime);
    // One added again after its removal may now be twice in a group's list (compact() drops it).
    const repeat = !this.building && this.gone.delete(e);
    const { found, counts } = lookup;
    for (let i = 0; i < n; i++) {
      const g = found[i]!;
      countIn(g, e, counts[i]!, bucket);
      g.entries.push(e);
      // Big groups keep their extremes in heaps from the start (made from the few entries so
      // far): else the first batch that takes the newest message of every group (often the
      // first batch) rescans them all in one frame.
      if (g.messages === HEAP_FROM + 1) this.rescan(g);
      if (repeat) g.repeats = true;
      if (!this.building) this.dirty.add(g);
    }
    this.count++;
    if (!this.heap) return;
    const t = crossingOf(e, bucket);
    if (t !== null) this.heap.push(t, e);
  }

  private remove(e: QueueEntry): void {
    const { lookup } = this;
    const n = lookup.find(e, false);
    if (n === 0) return;
    this.count--;
    this.gone.add(e);
    const bucket = bucketOf(this.now - e.arrivalTime);
    const { found, counts } = lookup;
    for (let i = 0; i < n; i++) {
      const g = found[i]!;
      g.messages--;
      g.recipients -= counts[i]!;
      g.histogram[bucket]!--;
      if (g.extremes.remove(e, this.isLive, g.messages)) g.stale = true;
      if (g.messages === 0) lookup.drop(g);
      // Removed entries wait in g.entries for a rescan; do not let them pile up.
      else if (g.entries.length > 2 * g.messages + 64) this.compact(g);
      this.dirty.add(g);
    }
  }

  /**
   * The crossing heap, once the clock moves after a full build: from every group's list, so
   * a message in two rows is in it twice (advance() takes each once) until compactHeap().
   */
  private schedule(): CrossingHeap {
    if (this.heap) return this.heap;
    const members: QueueEntry[] = [];
    for (const g of this.lookup.groups.values()) for (const e of g.entries) members.push(e);
    return (this.heap = CrossingHeap.of(members, this.now, (e) => !this.live(e)));
  }

  /** The clock moved on: move the members whose age crossed a bucket bound since `this.now`. */
  private advance(nowSec: number): void {
    const heap = this.schedule();
    const before = this.now;
    this.now = nowSec;
    const due = new Set<QueueEntry>();
    while (heap.at.length > 0 && heap.at[0]! <= nowSec) {
      due.add(heap.who[0]!);
      heap.pop();
    }
    const { lookup } = this;
    for (const e of due) {
      // Items of entries gone, or a second item of one re-added, change nothing.
      if (!this.live(e)) continue;
      const from = bucketOf(before - e.arrivalTime);
      const to = bucketOf(nowSec - e.arrivalTime);
      if (from === to) continue;
      const n = lookup.find(e, false);
      for (let i = 0; i < n; i++) {
        const g = lookup.found[i]!;
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
    if (!this.heap || this.heap.at.length <= 1024 || this.heap.at.length <= 3 * this.count) return;
    this.reschedule();
  }

  /** The heap again from the live entries (each once, though it may be in several rows). */
  private reschedule(): void {
    const seen = new Set<QueueEntry>();
    for (const g of this.lookup.groups.values()) {
      this.compact(g);
      for (const e of g.entries) seen.add(e);
    }
    this.heap = CrossingHeap.of([...seen], this.now, () => false);
  }

  /** Every member's bucket again (the clock went back). */
  private rebucket(nowSec: number): void {
    this.now = nowSec;
    for (const g of this.lookup.groups.values()) {
      this.compact(g);
      g.histogram.fill(0);
      for (const e of g.entries) g.histogram[bucketOf(nowSec - e.arrivalTime)]!++;
      this.dirty.add(g);
    }
    this.reschedule();
  }

  private readonly isLive = (e: QueueEntry): boolean => this.live(e);

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
    return rowOf(g);
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
      g.head = head(g.head.key, g.head.label, g.head.domain, g.head.cluster, exampleOf(e, g.head.key));
      return;
    }
  }
}
