/**
 * Reading journald through `journalctl -o json` (the only supported interface to the
 * journal's files): mail-facility records (SYSLOG_FACILITY=2, where every Postfix daemon,
 * postsuper and postlogd log), filtered to the instance's syslog_name here. Records stream
 * line by line; the last LOOKBACK_RECORDS are kept for an smtpd session's backfill, so
 * memory stays bounded. Runs journalctl and nothing else.
 *
 * Throws LogAccessError when journalctl cannot be started or exits non-zero without
 * output (no journal, no permission: its stderr is quoted).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { LogAccessError } from './open-log.js';
import { isPostfixProgram, parseJournalRecord } from './parse-journal.js';
import type { LogLine } from './parse-line.js';
import type { TrailCollator } from './trail-collate.js';

const LOOKBACK_RECORDS = 5000;

export interface JournalOptions {
  syslogName: string | null;
  since?: number | null;
  until?: number | null;
  signal?: AbortSignal;
  onRecords?: (n: number) => void;
}

export function journalArgs(options: Pick<JournalOptions, 'since' | 'until'>): string[] {
  const args = ['-o', 'json', '--no-pager', '-q'];
  if (options.since != null) args.push('--since', `@${Math.floor(options.since / 1000)}`);
  if (options.until != null) args.push('--until', `@${Math.ceil(options.until / 1000)}`);
  args.push('SYSLOG_FACILITY=2');
  return args;
}

export async function scanJournal(collator: TrailCollator, options: JournalOptions): Promise<{ records: number }> {
  const child = spawn('journalctl', journalArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const abort = () => child.kill();
  options.signal?.addEventListener('abort', abort, { once: true });
  const ring: Array<{ line: LogLine; position: number; source: string }> = [];
  let records = 0;
  try {
    for await (const json of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      const line = parseJournalRecord(json);
      records++;
      if (records % 1000 === 0) options.onRecords?.(1000);
      if (!line || !isPostfixProgram(line.program, options.syslogName)) continue;
      if (line.time !== null && ((options.since != null && line.time < options.since) || (options.until != null && line.time > options.until))) continue;
      const entry = { line, position: records, source: 'journal' };
      ring.push(entry);
      // Trimmed in halves: amortised O(1) per record, at most twice the lookback held.
      if (ring.length > 2 * LOOKBACK_RECORDS) ring.splice(0, LOOKBACK_RECORDS);
      if (!collator.needles().some((n) => line.raw.includes(n))) continue;
      const { lookback } = collator.offer(line, records, 'journal');
      const pending = [...lookback];
      while (pending.length > 0) {
        const needle = pending.shift()!;
        pending.push(...collator.backfill(needle, ring.filter((e) => e.position < records && e.line.raw.includes(needle))));
      }
    }
    const code = await exited;
    if (code !== 0 && records === 0 && !options.signal?.aborted) throw new LogAccessError('journal', `journalctl exited ${code}: ${stderr.trim() || 'no output'}`);
  } catch (error) {
    if (error instanceof LogAccessError) throw error;
    throw new LogAccessError('journal', `journalctl: ${(error as Error).message}`);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (child.exitCode === null) child.kill();
  }
  return { records };
}
