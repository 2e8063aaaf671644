/**
 * `postq shape [--by sender | -s] [QUEUE...]`: what Postfix's qshape prints (same files, same
 * buckets, same layout): per domain, messages per age bucket (5, 10, 20 ... 1280+ minutes),
 * the TOTAL row first, then domains by count (ties: shorter name first). Like qshape it reads
 * incoming and active by default, and only complete files whose mode & 0733 is 0700 (a
 * forced-expiry 0710 file is left out). Widths are counted in bytes, as qshape's Perl does.
 */
import { UsageError } from '../domain/errors.js';
import { isQueueName, QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { computeQueueShape, type QueueShape } from '../store/qshape.js';
import type { QueueEntry } from '../domain/entry.js';
import { closeSync } from 'node:fs';
import { openInSpool, readWindow } from '../watch/safe-file.js';
import { scanQueues } from '../watch/scan.js';

/** qshape's screen width and the least room it leaves for the domain column. */
const WIDTH = 80;
const MIN_DOMAIN = 18;

export function parseShapeQueues(positionals: string[]): QueueName[] {
  for (const q of positionals) if (!isQueueName(q)) throw new UsageError(`unknown queue "${q}": expected one of ${QUEUE_NAMES.join(', ')}`);
  return positionals.length > 0 ? (positionals as QueueName[]) : ['incoming', 'active'];
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** qshape's pdomain(): right-aligned in dw bytes, or cut from the left behind a `+`. */
function domainCell(domain: string, dw: number): string {
  const len = bytes(domain);
  if (len <= dw) return ' '.repeat(dw - len) + domain;
  const buf = Buffer.from(domain, 'utf8');
  // (A cut inside a character shows as U+FFFD where qshape would write the partial bytes.)
  return domain.startsWith('.') ? '.+' + buf.subarray(len - dw + 2).toString('utf8') : '+' + buf.subarray(len - dw + 1).toString('utf8');
}

export function formatQshape(shape: QueueShape): string {
  const total = shape.messages === 0 ? shape.headings.map(() => 0) : shape.total;
  // Each column is as wide as its heading or TOTAL count, plus one, at least 3.
  const widths = shape.headings.map((h, i) => {
    const l = Math.max(String(total[i] ?? 0).length, h.length);
    return l > 2 ? l + 1 : 3;
  });
  const dw = Math.max(MIN_DOMAIN, WIDTH - widths.reduce((a, b) => a + b, 0));
  const line = (domain: string, cells: ReadonlyArray<string | number>) => domainCell(domain, dw) + cells.map((c, i) => String(c).padStart(widths[i]!)).join('');
  const out = [line('', shape.headings), line('TOTAL', total)];
  for (const row of shape.rows) out.push(line(row.domain, row.counts));
  return out.join('\n') + '\n';
}

/**
 * qshape reads a file only when its first record is C (cleanup's size record) or, for a
 * maildrop file, S or F. postdrop writes T first (Postfix 2.x on), so qshape leaves such
 * maildrop files out; so does this.
 */
/** The first byte of a spool file (the safe open every reader uses), or -1. */
function readFirstByte(config: SpoolConfig, rel: string): number {
  const opened = openInSpool(config.queueDirectory, rel);
  if (!('fd' in opened)) return -1;
  try {
    const one = Buffer.alloc(1);
    return readWindow(opened.fd, one, 0, 1) === 1 ? one[0]! : -1;
  } finally {
    closeSync(opened.fd);
  }
}

function qshapeReads(config: SpoolConfig, entry: QueueEntry): boolean {
  if (entry.queueName !== 'maildrop') return true;
  const first = readFirstByte(config, entry.path);
  return first === 0x53 || first === 0x46;
}

export function runShape(config: SpoolConfig, options: { queues: QueueName[]; bySender: boolean }, write: (text: string) => void, nowMs = Date.now()): number {
  const entries = scanQueues(config, options.queues).filter((e) => (e.mode & 0o733) === 0o700 && e.state === 'ok' && qshapeReads(config, e));
  const shape = computeQueueShape(entries, nowMs / 1000, { queues: options.queues, by: options.bySender ? 'sender' : 'recipient' });
  write(formatQshape(shape));
  return 0;
}
