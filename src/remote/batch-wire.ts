/**
 * A batch on the wire (protocol 3): one line per part of at most BATCH_PART_ENTRIES upserts,
 * and in each line the texts that repeat most (delay reasons, which thousands of recipients
 * share; senders; subjects) once, in the line's `strings`, each place holding its index
 * instead. A make-bigspool entry crossed as 1,020 bytes of JSON, about 400 of them one delay
 * text said again for every recipient; the ssh, sshd and the console's decoding pay per byte.
 * Pure.
 *
 * Contract: encodeBatchPart/encodeBatch give lines that decodeServerMessage (protocol.ts)
 * turns back into the same batch, tabled texts checked and put back in place
 * (remote-entry.ts: an index out of the table is refused like any wrong field). A line
 * without `strings` (a test's, or encodeMessage's) decodes as it is.
 */
import type { SpoolBatch } from '../domain/spool-batch.js';
import { BATCH_PART_ENTRIES } from './protocol.js';

/** The members whose texts go to the table (remote-entry.ts puts these, and only these, back). */
const TABLED = new Set(['delayReason', 'sender', 'subject']);
/** Shorter texts cost about as much as their index and the table's copy. */
const TABLED_MIN = 8;

function encodeBatchLine(part: SpoolBatch, more: boolean): string {
  const index = new Map<string, number>();
  const strings: string[] = [];
  const body = JSON.stringify(part, (key: string, value: unknown) => {
    if (typeof value !== 'string' || value.length < TABLED_MIN || !TABLED.has(key)) return value;
    let i = index.get(value);
    if (i === undefined) {
      i = strings.length;
      strings.push(value);
      index.set(value, i);
    }
    return i;
  });
  return `{"t":"batch","more":${more},"strings":${JSON.stringify(strings)},"batch":${body}}\n`;
}

/**
 * The line of a batch's part from upsert `start` (at most partEntries; removals ride on the
 * last), and where the next part starts (null after the last).
 */
export function encodeBatchPart(batch: SpoolBatch, start: number, partEntries = BATCH_PART_ENTRIES): { line: string; next: number | null } {
  if (start === 0 && batch.upserts.length <= partEntries) return { line: encodeBatchLine(batch, false), next: null };
  const last = start + partEntries >= batch.upserts.length;
  const part: SpoolBatch = {
    upserts: batch.upserts.slice(start, start + partEntries),
    removals: last ? batch.removals : [],
    full: batch.full,
    firstEventAt: batch.firstEventAt,
    ...(batch.listedCounts ? { listedCounts: batch.listedCounts } : {}),
  };
  return { line: encodeBatchLine(part, !last), next: last ? null : start + partEntries };
}

/** Split a batch into lines of at most BATCH_PART_ENTRIES upserts (removals ride on the last). */
export function encodeBatch(batch: SpoolBatch, partEntries = BATCH_PART_ENTRIES): string[] {
  const lines: string[] = [];
  for (let start: number | null = 0; start !== null; ) {
    const part = encodeBatchPart(batch, start, partEntries);
    lines.push(part.line);
    start = part.next;
  }
  return lines;
}
