/**
 * The monitor view (`m`, `postq --monitor`): for a small tmux pane that watches a server all
 * day. The sparklines (trends-panel.tsx) and, under them, the top delay reasons (reason
 * cluster x domain, as the why view groups them), largest first; no list. Heights: from 5 body
 * lines (an 80x8 pane) 2 reasons, from 9 lines 3; the trends take the rest.
 */
import React from 'react';
import { Box } from 'ink';
import type { GroupRow } from '../../store/groupings.js';
import type { ThresholdLevels } from '../../store/thresholds.js';
import type { TrendView } from '../../store/trends.js';
import { printable } from '../../spool/printable.js';
import { formatCount } from '../../domain/count-format.js';
import { fitCells } from '../text-cells.js';
import { Line } from '../theme-context.js';
import { TrendsPanel } from './trends-panel.js';

export interface MonitorViewProps {
  trends: TrendView;
  /** Reason groups, largest first (only the first few show). */
  reasons: readonly GroupRow[];
  width: number;
  height: number;
  levels?: ThresholdLevels;
}

export function reasonRows(height: number): number {
  return height >= 9 ? 3 : height >= 5 ? 2 : height >= 3 ? 1 : 0;
}

function reasonText(row: GroupRow): string {
  const domain = row.domain ? `  ${printable(row.domain)}` : '';
  return `${printable(row.label)}${domain}`;
}

export function MonitorView({ trends, reasons, width, height, levels }: MonitorViewProps): React.ReactElement {
  const room = reasonRows(height);
  const shown = reasons.slice(0, room);
  const lines: React.ReactElement[] = [];
  shown.forEach((row, i) => {
    lines.push(
      <Line key={row.key} width={width} segments={[
        { text: fitCells(i === 0 ? 'why' : '', 9), token: 'accent' },
        { text: fitCells(formatCount(row.messages), 7, true), token: 'header' },
        { text: '  ' },
        { text: reasonText(row), token: 'text' },
      ]} />,
    );
  });
  if (room > 0 && shown.length === 0) {
    lines.push(<Line key="none" width={width} segments={[{ text: fitCells('why', 9), token: 'accent' }, { text: fitCells('-', 7, true) }, { text: '  no delay reasons in the queue', token: 'muted' }]} />);
  }
  const trendHeight = Math.max(0, height - lines.length);
  return (
    <Box flexDirection="column">
      <TrendsPanel trends={trends} width={width} height={trendHeight} title={trendHeight > 5} {...(levels ? { levels } : {})} />
      {lines}
    </Box>
  );
}
