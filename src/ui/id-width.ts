/**
 * The QUEUE ID column's width: the widest id cell (id + markers) present, so long queue ids
 * (enable_long_queue_ids: 15-17 characters) show whole at every width; and the HOST column's:
 * the widest target label (0 when no entry has one, i.e. not the merged fleet view). Memoised
 * per entries version; after a batch only the entries it brought are measured (O(batch), not
 * O(spool)), so a width may stay wider than needed after the widest left, until the next full
 * scan. Pure.
 */
import type { QueueEntry } from '../domain/entry.js';
import { printable } from '../spool/printable.js';
import { queueIdCell } from './columns.js';
import { cellWidth } from './text-cells.js';

/** The title "QUEUE ID" is the narrowest the column gets. */
export const MIN_ID_WIDTH = 8;

type Entries = ReadonlyMap<string, QueueEntry>;
export interface EntriesChange {
  before: Entries;
  after: Entries;
  /** The entries the change brought (new ones and new versions). */
  added: readonly QueueEntry[];
}

const idCache = new WeakMap<Entries, number>();
const hostCache = new WeakMap<Entries, number>();

const PLAIN = /^[\x21-\x7e]*$/;
/** Queue ids are ASCII, so id and markers are one cell a character; anything else is measured as shown. */
const cellLength = (entry: QueueEntry) => {
  const id = entry.queueId;
  if (!PLAIN.test(id)) return [...printable(queueIdCell(entry))].length;
  return queueIdCell(entry).length;
};

export function idColumnWidth(entries: Entries, change: EntriesChange | null): number {
  return widestCell(idCache, cellLength, MIN_ID_WIDTH, entries, change);
}

const hostLength = (entry: QueueEntry) => (entry.host === undefined ? 0 : cellWidth(printable(entry.host)));

export function hostColumnWidth(entries: Entries, change: EntriesChange | null): number {
  return widestCell(hostCache, hostLength, 0, entries, change);
}

function widestCell(cache: WeakMap<Entries, number>, measure: (e: QueueEntry) => number, least: number, entries: Entries, change: EntriesChange | null): number {
  const hit = cache.get(entries);
  if (hit !== undefined) return hit;
  const before = change && change.after === entries ? cache.get(change.before) : undefined;
  let width = before ?? least;
  if (before !== undefined) {
    // The entries themselves, not a lookup per touched id (2 x 100,000 of them over a fill).
    for (const entry of change!.added) width = Math.max(width, measure(entry));
  } else {
    for (const entry of entries.values()) width = Math.max(width, measure(entry));
  }
  cache.set(entries, width);
  return width;
}
