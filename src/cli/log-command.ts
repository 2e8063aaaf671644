/**
 * `postq log ID... [--json] [--follow] [--since T] [--until T] [--log FILE|journal]...`:
 * the log trail of messages (logs/trail-collate.ts), one transaction per block and the links
 * at the end, or one JSON object per line. The first line (stderr with --json) says which log
 * was read and how it was found; no readable log is an error (exit 4), never an empty trail.
 * --follow keeps tailing the live files and prints new lines of the trail as they come.
 */
import { UsageError } from '../domain/errors.js';
import { isQueueIdName, stripQueueIdMarkers } from '../domain/queue-id.js';
import { printable } from '../spool/printable.js';
import { findLogSources, type LogPlan } from '../logs/find-log.js';
import { parseTimeBound } from '../logs/parse-time-bound.js';
import { FILE_POSITION_SPAN, searchLog, type SearchResult } from '../logs/search-log.js';
import { tailLogFile } from '../logs/tail-file.js';
import { entryJson, formatTrailJson, formatTrailText } from '../logs/trail-format.js';

export const EXIT_NO_LOG = 4;

export interface LogCommandOptions {
  ids: string[];
  json: boolean;
  follow: boolean;
  since: string | null;
  until: string | null;
  logs: string[];
  configDir: string | null;
}

export interface LogIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves when --follow should stop (SIGINT in the CLI). */
  stopped?: Promise<void>;
}

function bound(name: string, text: string | null): number | null {
  if (text === null) return null;
  const time = parseTimeBound(text, Date.now());
  if (time === null) throw new UsageError(`--${name}: not a time: ${printable(text)} (use @EPOCH, 2h, 2026-12-04, 2026-12-04 15:30 or RFC 3339)`);
  return time;
}

export function describeSources(plan: LogPlan, result: SearchResult): string {
  const read = result.read.map((r) => (r.source === 'journal' ? `journal (${r.bytes} records)` : `${r.source}${r.compressed ? ' (gzip)' : ''}`));
  const parts = [`log: ${read.length > 0 ? read.map((s) => printable(s)).join(', ') : 'nothing read'} [${plan.how}]`];
  for (const f of result.failed) parts.push(`log: cannot read ${printable(f.source)}: ${printable(f.reason)}`);
  for (const w of result.warnings) parts.push(`log: warning: ${printable(w)}`);
  return parts.join('\n') + '\n';
}

export async function runLogCommand(options: LogCommandOptions, io: LogIo): Promise<number> {
  if (options.ids.length === 0) throw new UsageError('log takes at least one QUEUE_ID');
  const ids = options.ids.map((raw) => {
    const id = stripQueueIdMarkers(raw);
    if (!isQueueIdName(id)) throw new UsageError(`not a queue id: ${printable(raw)}`);
    return id;
  });
  const since = bound('since', options.since);
  const until = bound('until', options.until);
  const plan = findLogSources({ logs: options.logs, configDir: options.configDir });
  if (plan.sources.length === 0) {
    io.err(`postq: no mail log found (looked at: ${plan.looked.join(', ')}); give --log FILE or --log journal\n`);
    return EXIT_NO_LOG;
  }
  const result = await searchLog(plan, { ids, follow: true, since, until });
  const header = describeSources(plan, result);
  if (result.read.length === 0) {
    io.err(header);
    io.err('postq: no mail log could be read\n');
    return EXIT_NO_LOG;
  }
  if (options.json) {
    io.err(header);
    io.out(formatTrailJson(result.trail));
  } else {
    io.out(header + '\n' + formatTrailText(result.trail));
  }
  if (!options.follow) return 0;
  return follow(result, options, io);
}

async function follow(result: SearchResult, options: LogCommandOptions, io: LogIo): Promise<number> {
  if (result.tails.length === 0) {
    io.err('postq: --follow tails log files; the journal is not followed (use journalctl -f)\n');
    return 0;
  }
  let base = (result.read.length + 1) * FILE_POSITION_SPAN;
  const collator = result.collator;
  const printed = new Set(result.trail.transactions.flatMap((t) => t.entries.map((e) => e.position)));
  const flush = () => {
    for (const t of collator.trail().transactions) {
      for (const e of t.entries) {
        if (printed.has(e.position)) continue;
        printed.add(e.position);
        io.out(options.json ? entryJson(t.queueId, e) + '\n' : `${t.queueId}  ${e.stage.padEnd(9)} ${printable(e.line.raw)}\n`);
      }
    }
  };
  if (!options.json) io.out(`-- following ${result.tails.map((t) => printable(t.path)).join(', ')} (Ctrl-C stops) --\n`);
  const tails = result.tails.map((t) => {
    base += FILE_POSITION_SPAN;
    return tailLogFile(t.path, t.offset, collator, { positionBase: base, onPoll: flush, onProblem: (m) => io.err(`postq: ${printable(m)}\n`) });
  });
  await (io.stopped ?? new Promise<void>((resolve) => process.once('SIGINT', () => resolve())));
  await Promise.all(tails.map((t) => t.stop()));
  return 0;
}
