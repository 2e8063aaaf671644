/**
 * The virtualized message list: a column header and exactly `height` rows (blank rows pad a
 * short list), built from the store's window, so only visible rows render. Rows are memoised
 * pre-formatted strings; the cursor row is inverse with a `>` glyph and marks carry `*`, so
 * both stay visible without colour.
 */
import React, { memo } from 'react';
import { Box, Text } from 'ink';
import type { QueueEntry } from '../../domain/entry.js';
import type { ListWindow } from '../../store/selectors.js';
import type { ThemeToken } from '../../config/theme.js';
import { formatHeaderRow, formatRow, GUTTER, type ColumnLayout } from '../columns.js';
import { Plain, useTheme } from '../theme-context.js';

interface RowProps {
  entry: QueueEntry;
  cursor: boolean;
  marked: boolean;
  pending: boolean;
  layout: ColumnLayout;
  now: number;
  expiresAt: number | null;
}

// A row is pre-formatted to the exact width, so it needs no measuring or padding: one <Text>,
// with a nested one only for the queue-coloured id (each styled run costs Ink tokenizing time).
const Row = memo(function Row({ entry, cursor, marked, pending, layout, now, expiresAt }: RowProps) {
  const theme = useTheme();
  const gutter = (cursor ? theme.glyphs.cursor : ' ') + (marked ? theme.glyphs.mark : ' ');
  const text = formatRow(entry, layout, now, expiresAt);
  if (cursor) return <Text {...theme.tokens.cursor}>{gutter + text}</Text>;
  if (pending || marked) return <Text {...theme.tokens[pending ? 'pending' : 'marked']}>{gutter + text}</Text>;
  const idWidth = layout.columns[0]?.width ?? 0;
  return (
    <Text {...theme.tokens.text}>
      {gutter}
      <Text {...theme.tokens[`queue.${entry.queueName}` as ThemeToken]}>{text.slice(0, idWidth)}</Text>
      {text.slice(idWidth)}
    </Text>
  );
});

export interface QueueListProps {
  window: ListWindow;
  layout: ColumnLayout;
  /** Rows under the column header. */
  height: number;
  now: number;
  emptyText: string;
}

export function QueueList({ window, layout, height, now, emptyText }: QueueListProps): React.ReactElement {
  const blank = ' '.repeat(layout.width);
  const rows: React.ReactElement[] = window.rows.slice(0, height).map((r) => (
    <Row key={r.entry.queueId} entry={r.entry} cursor={r.cursor} marked={r.marked} pending={r.pending !== null} layout={layout} now={now} expiresAt={r.expiresAt ?? null} />
  ));
  if (rows.length === 0) rows.push(<Plain key="empty" text={`  ${emptyText}`} width={layout.width} token="muted" />);
  for (let i = rows.length; i < height; i++) rows.push(<Text key={`pad${i}`}>{blank}</Text>);
  return (
    <Box flexDirection="column">
      <Plain text={' '.repeat(GUTTER) + formatHeaderRow(layout)} width={layout.width} token="columnHeader" />
      {rows}
    </Box>
  );
}
