/**
 * The one-shot build of a grouping where each message falls into exactly one row: by sender,
 * SASL login or client (the CLI's `top`, and the bench's figure for a grouping). A row is a
 * number while the messages are counted: its aggregates sit in typed arrays by that number,
 * and each message's row number in one more; the row objects, their histograms and id lists
 * (each allocated at its final length) are made once at the end. A build by client of 100,000
 * messages (17,500 rows) made six objects per row that lived through the whole pass (head,
 * group, extremes, a growing id list...): a quarter of its time was the collector copying them.
 *
 * Contract: pure, never throws; rows and ids equal the store's index and group-lookup.ts's
 * build (test/store/group-build.test.ts). Text is raw: sanitize before display.
 */
import type { QueueEntry } from '../domain/entry.js';
import { bucketOf, compareRows, LOCAL, NO_LOGIN, whoLabel, type GroupRow } from './group-keys.js';

export type WhoBy = 'sender' | 'sasl' | 'client';
type RowWithIds = GroupRow & { ids: string[] };

const BUCKETS = 6;

/** The row key of `e` in grouping `by`. */
function whoKey(by: WhoBy, e: QueueEntry): string {
  if (by === 'sender') return e.sender;
  if (by === 'sasl') return e.client?.saslUsername ?? NO_LOGIN;
  return e.client?.clientAddress ?? LOCAL;
}

/** Typed arrays indexed by row number, grown by doubling. */
class Columns {
  size = 0;
  messages = new Int32Array(256);
  recipients = new Float64Array(256);
  oldest = new Float64Array(256);
  newest = new Float64Array(256);
  /** The soonest retry; Infinity while no message of the row is deferred. */
  retry = new Float64Array(256);
  histogram = new Int32Array(256 * BUCKETS);

  /** A new row's number. */
  add(): number {
    if (this.size === this.messages.length) this.grow();
    const g = this.size++;
    this.oldest[g] = Infinity;
    this.newest[g] = -Infinity;
    this.retry[g] = Infinity;
    return g;
  }

  private grow(): void {
    const n = this.messages.length * 2;
    const more = <T extends Int32Array | Float64Array>(a: T, make: new (n: number) => T, length: number): T => {
      const b = new make(length);
      b.set(a);
      return b;
    };
    this.messages = more(this.messages, Int32Array, n);
    this.recipients = more(this.recipients, Float64Array, n);
    this.oldest = more(this.oldest, Float64Array, n);
    this.newest = more(this.newest, Float64Array, n);
    this.retry = more(this.retry, Float64Array, n);
    this.histogram = more(this.histogram, Int32Array, n * BUCKETS);
  }
}

/** The pass over the messages: each row's aggregates, and each message's row number and id. */
interface Counted {
  c: Columns;
  /** Each row's key and first message (its label's source), by row number. */
  keys: string[];
  firsts: QueueEntry[];
  rowOf: Int32Array;
  ids: string[];
  n: number;
}

/**
 * The rows of `entries` (every one counts) by sender, login or client, ids in the entries' order.
 * Three functions, one loop each: in one function, the code V8 compiled while the first loop
 * ran met the later loops without type feedback and fell back to the interpreter in every build.
 */
export function buildWhoGroups(entries: Iterable<QueueEntry>, by: WhoBy, nowSec: number): RowWithIds[] {
  const counted = countRows(entries, by, nowSec);
  return makeRows(counted, idLists(counted), by).sort(compareRows);
}

function countRows(entries: Iterable<QueueEntry>, by: WhoBy, nowSec: number): Counted {
  const numbers = new Map<string, number>();
  const keys: string[] = [];
  const firsts: QueueEntry[] = [];
  const c = new Columns();
  // Sized at once for an array of entries.
  const capacity = Array.isArray(entries) ? Math.max(entries.length, 16) : 1024;
  let rowOf = new Int32Array(capacity);
  const ids = new Array<string>(capacity);
  let n = 0;
  for (const e of entries) {
    const key = whoKey(by, e);
    let g = numbers.get(key);
    if (g === undefined) {
      g = c.add();
      numbers.set(key, g);
      keys.push(key);
      firsts.push(e);
    }
    c.messages[g]!++;
    c.recipients[g]! += e.recipients.length;
    const t = e.arrivalTime;
    if (t < c.oldest[g]!) c.oldest[g] = t;
    if (t > c.newest[g]!) c.newest[g] = t;
    if (e.queueName === 'deferred' && e.mtime < c.retry[g]!) c.retry[g] = e.mtime;
    c.histogram[g * BUCKETS + bucketOf(nowSec - t)]!++;
    if (n === rowOf.length) {
      const more = new Int32Array(n * 2);
      more.set(rowOf);
      rowOf = more;
    }
    ids[n] = e.queueId;
    rowOf[n++] = g;
  }
  return { c, keys, firsts, rowOf, ids, n };
}

/** Each row's id list at its final length, filled in the messages' order. */
function idLists({ c, rowOf, ids, n }: Counted): string[][] {
  const lists: string[][] = new Array(c.size);
  const filled = new Int32Array(c.size);
  for (let g = 0; g < c.size; g++) lists[g] = new Array<string>(c.messages[g]!);
  for (let i = 0; i < n; i++) {
    const g = rowOf[i]!;
    lists[g]![filled[g]!++] = ids[i]!;
  }
  return lists;
}

function makeRows({ c, keys, firsts }: Counted, lists: string[][], by: WhoBy): RowWithIds[] {
  const rows: RowWithIds[] = new Array(c.size);
  const hist = c.histogram;
  for (let g = 0; g < c.size; g++) {
    const h = g * BUCKETS;
    const retry = c.retry[g]!;
    rows[g] = {
      key: keys[g]!, label: whoLabel(by, firsts[g]!, keys[g]!), domain: null, cluster: null, example: null,
      messages: c.messages[g]!, recipients: c.recipients[g]!, oldest: c.oldest[g]!, newest: c.newest[g]!, nextRetry: retry === Infinity ? null : retry,
      histogram: [hist[h]!, hist[h + 1]!, hist[h + 2]!, hist[h + 3]!, hist[h + 4]!, hist[h + 5]!], ids: lists[g]!,
    };
  }
  return rows;
}
