/**
 * Which groups of one grouping a message falls into, answered with the group objects
 * themselves: a group's key string (the cluster id and domain of a reason row) is made once,
 * when the group is, not once per recipient of every message. A reason text is clustered
 * once per distinct text (queues repeat a few reasons thousands of times); its cluster's
 * groups are found by domain from there.
 *
 * Contract: find() fills `found` / `counts` / `firsts` (no allocation per message beyond a
 * domain's text); with `create` it makes the groups missing, else skips them. drop() forgets an
 * emptied group. Keys equal group-keys.ts's keysOf() (the tests' naive build checks them).
 * Never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { clusterReason } from '../domain/reason-cluster.js';
import { addressDomain } from './filter-match.js';
import { GroupExtremes } from './group-extremes.js';
import { headOf, LOCAL, NO_LOGIN, type GroupBy, type GroupRow, type RowHead } from './group-keys.js';

export interface Group {
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
  /** A one-shot build's queue ids (taken while the entry is at hand: a pass over the lists after cost as much as the build); null in an index. */
  ids: string[] | null;
}

/** Count `e` (with `recipients` of its recipients, in age `bucket`) in `g`. */
export function countIn(g: Group, e: QueueEntry, recipients: number, bucket: number): void {
  g.messages++;
  g.recipients += recipients;
  g.histogram[bucket]!++;
  g.extremes.add(e);
}

/** The row of a group as it stands. */
export function rowOf(g: Group): GroupRow {
  const h = g.head;
  // Spelled out, not spread: one object shape for every row (spreading heads of several
  // shapes cost ~10 µs a row, 0.2 s for 17,000 client rows).
  const { oldest, newest, nextRetry } = g.extremes;
  return { key: h.key, label: h.label, domain: h.domain, cluster: h.cluster, example: h.example, messages: g.messages, recipients: g.recipients, oldest, newest, nextRetry, histogram: g.histogram.slice() };
}

/** A one-shot build's row: its ids and histogram (the group is thrown away), in one object. */
export function rowWithIds(g: Group): GroupRow & { ids: string[] } {
  const h = g.head;
  const { oldest, newest, nextRetry } = g.extremes;
  return { key: h.key, label: h.label, domain: h.domain, cluster: h.cluster, example: h.example, messages: g.messages, recipients: g.recipients, oldest, newest, nextRetry, histogram: g.histogram, ids: g.ids ?? [] };
}

/** A one-shot build's groups keep no entries (frozen: nothing may add one). */
const NO_ENTRIES = Object.freeze([]) as unknown as QueueEntry[];
/** Past this many distinct reason texts the text -> cluster map starts again (memory). */
const REASON_TEXTS_MAX = 50_000;
/** Up to this many groups in one message, duplicates are found by a linear scan. */
const LINEAR = 16;

export class GroupLookup {
  /** Every group by its key (the rows' key). */
  readonly groups = new Map<string, Group>();
  /** find()'s answer: the first `n` slots are the message's distinct groups. */
  readonly found: Group[] = [];
  /** Its recipients in each group. */
  readonly counts: number[] = [];
  /** Its first recipient in each group (the one that made the group, for the head). */
  readonly firsts: number[] = [];
  n = 0;
  /** Reason rows: a cluster id's groups by domain. */
  private clusters = new Map<string, Map<string, Group>>();
  /** Reason rows: a reason text's cluster id and that cluster's groups. */
  private texts = new Map<string, { id: string; byDomain: Map<string, Group> }>();
  /** find()'s slots by group, once a message has many groups (a list to thousands of domains). */
  private slots = new Map<Group, number>();

  constructor(
    readonly by: GroupBy,
    /** A one-shot build: groups keep queue ids, not entries. */
    private readonly keepIds = false,
  ) {}

  clear(): void {
    this.groups.clear();
    this.clusters.clear();
    this.texts.clear();
  }

  /** The distinct groups of `e` (how many: this.n). */
  find(e: QueueEntry, create: boolean): number {
    this.n = 0;
    if (this.slots.size > 0) this.slots.clear();
    const rcpts = e.recipients;
    switch (this.by) {
      case 'sender':
        this.one(e, e.sender, create, rcpts.length);
        break;
      case 'sasl':
        this.one(e, e.client?.saslUsername ?? NO_LOGIN, create, rcpts.length);
        break;
      case 'client':
        this.one(e, e.client?.clientAddress ?? LOCAL, create, rcpts.length);
        break;
      case 'domain':
        for (let i = 0; i < rcpts.length; i++) {
          const key = addressDomain(rcpts[i]!.address);
          let g = this.groups.get(key);
          if (!g) {
            if (!create) continue;
            g = this.make(e, key, i);
          }
          this.put(g, i);
        }
        break;
      case 'reason':
        for (let i = 0; i < rcpts.length; i++) {
          const r = rcpts[i]!;
          if (r.delayReason === '') continue;
          const text = this.text(r.delayReason);
          const domain = addressDomain(r.address);
          let g = text.byDomain.get(domain);
          if (!g) {
            if (!create) continue;
            g = this.make(e, text.id + '\u0000' + domain, i);
            text.byDomain.set(domain, g);
          }
          this.put(g, i);
        }
    }
    return this.n;
  }

  /** Forget an emptied group (its key is made again if a message brings it back). */
  drop(g: Group): void {
    this.groups.delete(g.head.key);
    if (g.head.cluster) this.clusters.get(g.head.cluster.id)?.delete(g.head.domain!);
  }

  private one(e: QueueEntry, key: string, create: boolean, recipients: number): void {
    let g = this.groups.get(key);
    if (!g) {
      if (!create) return;
      g = this.make(e, key, 0);
    }
    this.found[0] = g;
    this.counts[0] = recipients;
    this.firsts[0] = 0;
    this.n = 1;
  }

  private text(reason: string): { id: string; byDomain: Map<string, Group> } {
    let t = this.texts.get(reason);
    if (t) return t;
    const { id } = clusterReason(reason);
    let byDomain = this.clusters.get(id);
    if (!byDomain) this.clusters.set(id, (byDomain = new Map()));
    if (this.texts.size >= REASON_TEXTS_MAX) this.texts.clear();
    this.texts.set(reason, (t = { id, byDomain }));
    return t;
  }

  private make(e: QueueEntry, key: string, first: number): Group {
    const head = headOf(this.by, e, key, first);
    const g: Group = { head, messages: 0, entries: this.keepIds ? NO_ENTRIES : [], recipients: 0, extremes: new GroupExtremes(), histogram: [0, 0, 0, 0, 0, 0], stale: false, repeats: false, exampleFrom: head.example === null ? null : e, ids: this.keepIds ? [] : null };
    this.groups.set(key, g);
    return g;
  }

  /** One more recipient of the message in `g`. */
  private put(g: Group, recipient: number): void {
    const { found, n } = this;
    if (n <= LINEAR) {
      for (let i = 0; i < n; i++) {
        if (found[i] === g) {
          this.counts[i]!++;
          return;
        }
      }
      if (n === LINEAR) for (let i = 0; i < n; i++) this.slots.set(found[i]!, i);
    } else {
      const i = this.slots.get(g);
      if (i !== undefined) {
        this.counts[i]!++;
        return;
      }
    }
    if (n >= LINEAR) this.slots.set(g, n);
    found[n] = g;
    this.counts[n] = 1;
    this.firsts[n] = recipient;
    this.n = n + 1;
  }
}
