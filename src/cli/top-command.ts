/**
 * `postq top --by reason|domain|sender|sasl|client [--queue Q] [--filter EXPR] [--json] [--limit N]`:
 * the queue's groups, largest first (src/store/groupings.ts): reason clusters per destination
 * domain, or who sent the mail. Text for people (sanitized), or one JSON object per group.
 */
import { UsageError } from '../domain/errors.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { jsonString } from '../spool/json-format.js';
import { printable } from '../spool/printable.js';
import { AGE_BUCKET_LABELS, buildGroups, groupFilter, histogramCells, GROUP_BYS, type GroupBy, type GroupRowWithIds } from '../store/groupings.js';
import { formatAge, formatRetry } from '../ui/format.js';
import { selectListed, type ListOptions } from './list-command.js';

export interface TopOptions extends ListOptions {
  by: GroupBy;
  limit: number | null;
}

export function parseGroupBy(value: string | undefined): GroupBy {
  const by = value ?? 'reason';
  if (!(GROUP_BYS as readonly string[]).includes(by)) throw new UsageError(`--by ${by}: one of ${GROUP_BYS.join(', ')}`);
  return by as GroupBy;
}

export function parseLimit(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new UsageError(`--limit ${value}: a whole number above 0`);
  return Number(value);
}

function jsonRow(by: GroupBy, row: GroupRowWithIds): string {
  const c = row.cluster;
  const fields: Array<[string, string]> = [
    ['by', jsonString(by)],
    ['group', jsonString(row.label)],
    ...(row.domain !== null ? ([['domain', jsonString(row.domain)]] as Array<[string, string]>) : []),
    ...(c
      ? ([
          ['cluster_id', jsonString(c.id)],
          ['class', jsonString(c.reasonClass)],
          ['code', c.code === null ? 'null' : jsonString(c.code)],
          ['status', c.status === null ? 'null' : jsonString(c.status)],
          ['template', jsonString(c.template)],
        ] as Array<[string, string]>)
      : []),
    ['messages', String(row.messages)],
    ['recipients', String(row.recipients)],
    ['oldest_arrival', String(row.oldest)],
    ['newest_arrival', String(row.newest)],
    ['next_retry', row.nextRetry === null ? 'null' : String(row.nextRetry)],
    ['ages', '{' + AGE_BUCKET_LABELS.map((l, i) => `${jsonString(l)}: ${row.histogram[i]}`).join(', ') + '}'],
    ['filter', jsonString(groupFilter(by, row))],
    ['queue_ids', '[' + row.ids.map(jsonString).join(', ') + ']'],
  ];
  return '{' + fields.map(([k, v]) => `${jsonString(k)}: ${v}`).join(', ') + '}';
}

function textTable(by: GroupBy, rows: GroupRowWithIds[], nowSec: number): string {
  const head = ['MSGS', 'RCPTS', 'OLDEST', 'NEWEST', 'NEXT', 'AGES', ...(by === 'reason' ? ['DOMAIN'] : []), by === 'reason' ? 'REASON' : by.toUpperCase()];
  const lines = rows.map((r) => [
    String(r.messages),
    String(r.recipients),
    formatAge(nowSec - r.oldest),
    formatAge(nowSec - r.newest),
    r.nextRetry === null ? '-' : formatRetry(r.nextRetry, nowSec),
    histogramCells(r.histogram),
    ...(by === 'reason' ? [printable(r.domain || '(none)')] : []),
    printable(r.label),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => [...l[i]!].length)));
  const right = new Set([0, 1, 2, 3, 4]);
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]! + c.length - [...c].length))).join('  ');
  return [fmt(head), ...lines.map(fmt)].join('\n') + '\n';
}

export function runTop(config: SpoolConfig, options: TopOptions, write: (text: string) => void, nowMs = Date.now()): number {
  const nowSec = nowMs / 1000;
  let rows = buildGroups(selectListed(config, options), options.by, nowSec);
  if (options.limit !== null) rows = rows.slice(0, options.limit);
  if (options.json) write(rows.map((r) => jsonRow(options.by, r) + '\n').join(''));
  else write(rows.length === 0 ? 'no messages\n' : textTable(options.by, rows, nowSec));
  return 0;
}
