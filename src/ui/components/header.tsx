/**
 * The header: host, spool, the live/paused/polling state and [RO] on one line; the counts of
 * all six queues (zeros shown), total size and oldest age on the next. Compact layouts get
 * one line with short queue names. Where the width allows, each count is followed by its
 * queue's depth over the last 10 minutes as a sparkline (8 cells, else 5, full names kept
 * before short ones); a line too narrow for them has none. No clock: nothing here changes
 * unless the spool does (or a trend sample changes the sparklines).
 */
import React from 'react';
import { Box } from 'ink';
import { QUEUE_NAMES, type QueueName } from '../../domain/queue.js';
import type { CountsView } from '../../store/selectors.js';
import type { WatcherStatus } from '../../store/console-state.js';
import type { HealthAlert } from '../../store/health.js';
import type { Level } from '../../domain/thresholds.js';
import type { ThresholdLevels } from '../../store/thresholds.js';
import type { ThemeToken } from '../../config/theme.js';
import type { TrendView } from '../../store/trends.js';
import { printable } from '../../spool/printable.js';
import { formatCount } from '../../domain/count-format.js';
import { formatAge, formatSize } from '../format.js';
import { sparkline } from '../sparkline.js';
import { cellWidth, truncateCells } from '../text-cells.js';
import { Line, type Segment } from '../theme-context.js';

const SHORT: Record<QueueName, string> = { maildrop: 'drop', incoming: 'inc', active: 'act', deferred: 'def', hold: 'hold', corrupt: 'cor' };

export interface HeaderProps {
  host: string;
  spool: string;
  counts: CountsView;
  watcher: WatcherStatus;
  paused: boolean;
  readOnly: boolean;
  /** Why actions are off; its short cause (before the first ': ') shows as `[RO: cause]`. */
  readOnlyReason?: string | null;
  /** Epoch seconds, for the oldest age. */
  now: number;
  width: number;
  compact: boolean;
  /** Health alerts (store/health.ts), most serious first; shown left of the status. */
  health?: readonly HealthAlert[];
  /** qmgr_message_active_limit: active shows `n/limit` once it is half full. */
  activeLimit?: number;
  /** --no-audit: actions are not audited; said while actions are on. */
  auditOff?: boolean;
  /** Threshold levels: a queue past one shows amber or red, with its oldest age when that is the cause. */
  levels?: ThresholdLevels;
  /** Trends: each queue's depth sparkline beside its count, when the line has room. */
  trends?: TrendView;
}

const LEVEL_TOKEN: Record<Level, ThemeToken | null> = { ok: null, warning: 'status.warn', critical: 'status.error' };

/** `: cause` for the [RO] marker when the reason starts with a short one ("--spool without -c: ..."). */
function readOnlyCause(reason: string | null): string {
  const cut = reason?.indexOf(': ') ?? -1;
  return cut > 0 && cut <= 24 ? `: ${printable(reason!.slice(0, cut))}` : '';
}

function statusSegments(p: HeaderProps): Segment[] {
  const out: Segment[] = [];
  if (p.paused) out.push({ text: ' PAUSED ', token: 'paused' });
  else if (p.watcher.mode === 'live') out.push({ text: '● live', token: 'live' });
  else if (p.watcher.mode === 'polling') out.push({ text: '◌ polling', token: 'status.warn' });
  else if (p.watcher.mode === 'error') out.push({ text: '✗ not watching', token: 'status.error' });
  else if (p.watcher.mode === 'gone') out.push({ text: '✗ spool gone', token: 'status.error' });
  else out.push({ text: '… reading', token: 'muted' });
  if (p.counts.indexing) out.push({ text: ` indexing ${formatCount(p.counts.total.indexed)}/${formatCount(p.counts.total.count)}`, token: 'muted' });
  if (p.readOnly) out.push({ text: ` [RO${readOnlyCause(p.readOnlyReason ?? null)}]`, token: 'readOnly' });
  else if (p.auditOff) out.push({ text: ' [audit off]', token: 'status.warn' });
  return out;
}

/** Counts with short or full queue names, each followed by a `spark`-cell sparkline (0: none). */
function countSegments(p: HeaderProps, short: boolean, spark = 0): Segment[] {
  const out: Segment[] = [];
  for (const q of QUEUE_NAMES) {
    const c = p.counts.queues[q];
    out.push({ text: short ? SHORT[q] : q, token: `queue.${q}` as ThemeToken });
    const limit = q === 'active' ? p.activeLimit : undefined;
    const level = p.levels?.[q];
    const sparks = spark > 0 && p.trends;
    const gap = sparks ? ' ' : '  ';
    if (limit !== undefined && c.count * 2 >= limit) {
      out.push({ text: ` ${formatCount(c.count)}/${formatCount(limit)}${c.count >= limit ? ' FULL' : ''}${gap}`, token: c.count >= limit ? 'status.error' : 'status.warn' });
    } else {
      const aged = level && level.age !== 'ok' && level.ageSeconds !== null ? ` (${formatAge(level.ageSeconds)})` : '';
      out.push({ text: ` ${formatCount(c.count)}${aged}${gap}`, token: (level && LEVEL_TOKEN[level.level]) ?? (c.count > 0 ? 'header' : 'muted') });
    }
    if (sparks) out.push({ text: sparkline(p.trends!.recent.queues[q].values, spark), token: `queue.${q}` as ThemeToken }, { text: '  ' });
  }
  const total = p.counts.total;
  const totalLevel = p.levels?.total;
  out.push({ text: `│ ${formatCount(total.count)} msgs ${formatSize(total.totalSize)}`, token: (totalLevel && LEVEL_TOKEN[totalLevel.count]) ?? 'text' });
  if (total.oldestArrival !== null) {
    const age = p.now - total.oldestArrival;
    const ageToken = (totalLevel && LEVEL_TOKEN[totalLevel.age]) ?? (age > 86400 ? 'age.days' : age > 3600 ? 'age.hours' : 'text');
    out.push({ text: ` oldest ${formatAge(age)}`, token: ageToken });
  }
  return out;
}

const widthOf = (segs: Segment[]) => segs.reduce((n, s) => n + cellWidth(s.text), 0);

/** The alerts in words when they fit in `room` cells, else in short, else the first and a count. */
function healthSegments(alerts: readonly HealthAlert[], room: number): Segment[] {
  if (alerts.length === 0) return [];
  const render = (pick: (a: HealthAlert) => string): Segment[] =>
    alerts.flatMap((a, i) => [...(i > 0 ? [{ text: ' · ', token: 'muted' as const }] : []), { text: printable(pick(a)), token: a.level === 'error' ? 'status.error' as const : 'status.warn' as const }]);
  for (const segs of [render((a) => a.text), render((a) => a.short)]) if (widthOf(segs) + 1 <= room) return [...segs, { text: ' ' }];
  const first = alerts[0]!;
  const more = alerts.length > 1 ? ` +${alerts.length - 1}` : '';
  return [{ text: truncateCells(`${first.short}${more}`, Math.max(1, room - 1)), token: first.level === 'error' ? 'status.error' : 'status.warn' }, { text: ' ' }];
}

/** Place `right` at the right edge of `width`, cutting `left` to make room. */
function leftRight(left: Segment[], right: Segment[], width: number): Segment[] {
  const rw = widthOf(right);
  const room = Math.max(0, width - rw - 1);
  const lw = widthOf(left);
  const pad = Math.max(1, room - lw + 1);
  if (lw <= room) return [...left, { text: ' '.repeat(pad) }, ...right];
  const cut: Segment[] = [];
  let used = 0;
  for (const s of left) {
    if (used >= room) break;
    const text = cellWidth(s.text) + used > room ? truncateCells(s.text, room - used) : s.text;
    cut.push({ ...s, text });
    used += cellWidth(text);
  }
  return [...cut, { text: ' '.repeat(Math.max(1, width - used - rw)) }, ...right];
}

/** Sparkline widths to try, widest first, each with full names then short ones. */
const SPARK_CELLS = [8, 5];

/** The counts with sparklines when some variant fits in `room` cells, else without (full names if they fit the line). */
function pickCounts(props: HeaderProps, room: number): Segment[] {
  if (props.trends && props.trends.samples > 0) {
    for (const cells of SPARK_CELLS) {
      for (const short of [false, true]) {
        const segs = countSegments(props, short, cells);
        if (widthOf(segs) <= room) return segs;
      }
    }
  }
  const full = countSegments(props, false);
  return widthOf(full) <= props.width - 1 ? full : countSegments(props, true);
}

export function Header(props: HeaderProps): React.ReactElement {
  const { width, compact } = props;
  const plainStatus = statusSegments(props);
  // Alerts may take most of the line (the spool path and counts give way), not the first 20 cells.
  const status = [...healthSegments(props.health ?? [], width - 20 - widthOf(plainStatus)), ...plainStatus];
  if (compact) {
    const host = { text: `${printable(props.host)} `, token: 'header' as const };
    // One line: sparklines only when the host, the counts with them and the status all fit.
    const counts = pickCounts(props, width - 1 - widthOf([host]) - widthOf(status));
    return <Line segments={leftRight([host, ...counts], status, width)} width={width} />;
  }
  const counts = pickCounts(props, width - 1);
  const title: Segment[] = [
    { text: 'postq ', token: 'accent' },
    { text: printable(props.host), token: 'header' },
    { text: `  ${printable(props.spool)}`, token: 'muted' },
  ];
  return (
    <Box flexDirection="column">
      <Line segments={leftRight(title, status, width)} width={width} />
      <Line segments={counts} width={width} />
    </Box>
  );
}
