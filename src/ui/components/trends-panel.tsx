/**
 * Trends as sparklines: one row per series with its newest value, the last 10 minutes and the
 * last hour (store/trends.ts). Rows by priority, as many as `height` allows: deferred and
 * active first (what grows when delivery stops), then arrivals and departures per minute, the
 * oldest message's age, the other queues, and last each queue's own oldest age (deferred and
 * hold first: where old mail waits). A title row names the two windows when there is room.
 */
import React from 'react';
import { Box } from 'ink';
import type { QueueName } from '../../domain/queue.js';
import type { ThemeToken } from '../../config/theme.js';
import type { TrendSeries, TrendView } from '../../store/trends.js';
import type { ThresholdLevels } from '../../store/thresholds.js';
import { formatCount } from '../../domain/count-format.js';
import { formatAge } from '../format.js';
import { sparkline } from '../sparkline.js';
import { fitCells } from '../text-cells.js';
import { Line, type Segment } from '../theme-context.js';

type AgeKey = `age.${QueueName}`;
type RowKey = QueueName | 'arrivals' | 'departures' | 'oldest' | AgeKey;

/** Which rows show when not all fit, most telling first. */
export const TREND_ROWS: readonly RowKey[] = [
  'deferred', 'active', 'arrivals', 'departures', 'oldest', 'incoming', 'maildrop', 'hold', 'corrupt',
  'age.deferred', 'age.hold', 'age.incoming', 'age.active', 'age.maildrop', 'age.corrupt',
];

const SHORT: Record<QueueName, string> = { maildrop: 'drop', incoming: 'inc', active: 'act', deferred: 'def', hold: 'hold', corrupt: 'cor' };

const LABEL: Record<RowKey, string> = {
  deferred: 'deferred', active: 'active', incoming: 'incoming', maildrop: 'maildrop', hold: 'hold', corrupt: 'corrupt',
  arrivals: 'in /min', departures: 'out /min', oldest: 'oldest',
  ...(Object.fromEntries(Object.entries(SHORT).map(([q, short]) => [`age.${q}`, `${short} age`])) as Record<AgeKey, string>),
};

const ageQueue = (key: RowKey): QueueName | null => (key.startsWith('age.') ? (key.slice(4) as QueueName) : null);

const LABEL_W = 9;
const VALUE_W = 7;

export interface TrendsPanelProps {
  trends: TrendView;
  width: number;
  /** Lines available; the panel uses at most this many. */
  height: number;
  /** Show the title row (names the windows) when there is room. */
  title?: boolean;
  /** Threshold levels: a queue's value (and the oldest age, by the total's age level) amber or red. */
  levels?: ThresholdLevels;
}

function levelToken(key: RowKey, levels: ThresholdLevels | undefined): ThemeToken | null {
  const aged = ageQueue(key);
  const level = !levels || key === 'arrivals' || key === 'departures' ? 'ok' : key === 'oldest' ? levels.total.age : aged ? levels[aged].age : levels[key as QueueName].level;
  return level === 'critical' ? 'status.error' : level === 'warning' ? 'status.warn' : null;
}

function pick(view: TrendView, key: RowKey, window: 'recent' | 'hour'): TrendSeries {
  const w = view[window];
  if (key === 'arrivals' || key === 'departures') return w[key];
  if (key === 'oldest') return w.oldestAge;
  const aged = ageQueue(key);
  return aged ? w.queueAges[aged] : w.queues[key as QueueName];
}

function valueText(key: RowKey, view: TrendView): string {
  if (key === 'arrivals' || key === 'departures') {
    const rate = key === 'arrivals' ? view.arrivalsPerMinute : view.departuresPerMinute;
    return rate === null ? '-' : formatCount(Math.round(rate));
  }
  const latest = pick(view, key, 'recent').latest;
  const aged = ageQueue(key);
  // An empty queue has no oldest message: '-', not an age of 0.
  if (latest === null || (aged && view.recent.queues[aged].latest === 0)) return '-';
  return key === 'oldest' || ageQueue(key) ? formatAge(latest) : formatCount(latest);
}

/** Width of each sparkline: two side by side after the label and value, at most a sample a cell. */
export function sparkWidth(width: number): number {
  return Math.max(4, Math.min(60, Math.floor((width - LABEL_W - VALUE_W - 4) / 2)));
}

export function TrendsPanel({ trends, width, height, title = true, levels }: TrendsPanelProps): React.ReactElement {
  const spark = sparkWidth(width);
  const showTitle = title && height > 3;
  const rows = TREND_ROWS.slice(0, Math.max(0, height - (showTitle ? 1 : 0)));
  const lines: React.ReactElement[] = [];
  if (showTitle) {
    const note = trends.samples === 0 ? 'first sample in 10 s' : '';
    lines.push(
      <Line key="title" width={width} segments={[
        { text: fitCells('trends', LABEL_W + VALUE_W + 2), token: 'accent' },
        { text: fitCells(`last 10 min ${note}`, spark + 2), token: 'columnHeader' },
        { text: 'last hour', token: 'columnHeader' },
      ]} />,
    );
  }
  for (const key of rows) {
    const aged = ageQueue(key);
    const token: ThemeToken = key === 'arrivals' || key === 'departures' || key === 'oldest' ? 'text' : (`queue.${aged ?? key}` as ThemeToken);
    const segs: Segment[] = [
      { text: fitCells(LABEL[key], LABEL_W), token },
      { text: fitCells(valueText(key, trends), VALUE_W, true), token: levelToken(key, levels) ?? 'header' },
      { text: '  ' },
      { text: sparkline(pick(trends, key, 'recent').values, spark), token },
      { text: '  ' },
      { text: sparkline(pick(trends, key, 'hour').values, spark), token: 'muted' },
    ];
    lines.push(<Line key={key} width={width} segments={segs} />);
  }
  return <Box flexDirection="column">{lines}</Box>;
}
