/**
 * qshape's view from the store: messages (by recipient, or sender) per domain and age bucket.
 *
 * Same shape as Postfix's qshape: geometric buckets, the first [0, t) minutes, each next one
 * twice as long, the last open-ended; headings `T 5 10 20 40 80 160 320 640 1280 1280+` for
 * t=5, 10 buckets. Age is from the arrival time. By recipient, a message counts once per
 * recipient (qshape's TOTAL counts recipients); the empty sender is MAILER-DAEMON; domains
 * are lower-cased with dots trimmed; rows sort by total (desc), then shorter name first.
 *
 * Pure and memoised per store (selectQueueShape); never throws. Domain names are raw text:
 * sanitise with printable() before display.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import type { ConsoleData } from './console-state.js';
import { addressDomain } from './filter-match.js';
import { isMessage } from './queue-stats.js';
import { memoSlot } from './selector-cache.js';

export interface ShapeOptions {
  /** The queues to count; qshape's default is incoming and active. */
  queues: readonly QueueName[];
  by?: 'recipient' | 'sender';
  /** First bucket's upper bound in minutes (qshape -t); default 5. */
  bucketMinutes?: number;
  /** Number of age buckets (qshape -b); default 10. */
  buckets?: number;
}

export interface ShapeRow {
  domain: string;
  /** [total, bucket 1 .. bucket n] like qshape's columns. */
  counts: readonly number[];
}

export interface QueueShape {
  /** ['T', '5', '10', ..., '1280', '1280+']. */
  headings: readonly string[];
  total: readonly number[];
  rows: readonly ShapeRow[];
  /** Messages counted (a message with 3 recipients is 3 in `total`, 1 here). */
  messages: number;
}

export function shapeHeadings(bucketMinutes: number, buckets: number): string[] {
  const heads = ['T'];
  let t = bucketMinutes;
  for (let i = 1; i < buckets; i++, t *= 2) heads.push(String(t));
  heads.push(`${t / 2}+`);
  return heads;
}

/** qshape's bucket(): 1 for [0, t), then 2 + floor(log2(m)), capped at the last. */
export function shapeBucket(ageSeconds: number, bucketMinutes: number, buckets: number): number {
  const m = ageSeconds / (60 * bucketMinutes);
  if (m < 1) return 1;
  const b = 2 + Math.floor(Math.log2(m));
  return b < buckets ? b : buckets;
}

function shapeDomain(address: string): string {
  // qshape maps the empty sender to MAILER-DAEMON after lower-casing: it stays upper case.
  if (address === '' || address === 'MAILER-DAEMON') return 'MAILER-DAEMON';
  if (!address.includes('@')) return address.toLowerCase().replace(/\.\.+/g, '.');
  return addressDomain(address.replace(/\.\.+/g, '.'));
}

export function computeQueueShape(entries: Iterable<QueueEntry>, nowSec: number, options: ShapeOptions): QueueShape {
  const bucketMinutes = options.bucketMinutes ?? 5;
  const buckets = options.buckets ?? 10;
  const queues = new Set(options.queues);
  const bySender = options.by === 'sender';
  const total: number[] = new Array(buckets + 1).fill(0);
  const perDomain = new Map<string, number[]>();
  let messages = 0;
  for (const e of entries) {
    if (!queues.has(e.queueName) || !isMessage(e)) continue;
    messages++;
    const b = shapeBucket(nowSec - e.arrivalTime, bucketMinutes, buckets);
    const addresses = bySender ? [e.sender] : e.recipients.map((r) => r.address);
    for (const address of addresses) {
      const domain = shapeDomain(address);
      let row = perDomain.get(domain);
      if (!row) perDomain.set(domain, (row = new Array(buckets + 1).fill(0)));
      row[0]!++;
      row[b]!++;
      total[0]!++;
      total[b]!++;
    }
  }
  const rows = [...perDomain]
    .map(([domain, counts]) => ({ domain, counts }))
    .sort((a, b) => b.counts[0]! - a.counts[0]! || a.domain.length - b.domain.length || (a.domain < b.domain ? -1 : 1));
  return { headings: shapeHeadings(bucketMinutes, buckets), total, rows, messages };
}

/** The shape of some queues, memoised on entries, clock and the options' values. */
export function selectQueueShape(state: ConsoleData, options: ShapeOptions): QueueShape {
  const key = [state.entries, state.clock, options.queues.join(','), options.by ?? 'recipient', options.bucketMinutes ?? 5, options.buckets ?? 10];
  return memoSlot(state.cache, 'shape', key, () => computeQueueShape(state.entries.values(), state.clock / 1000, options));
}
