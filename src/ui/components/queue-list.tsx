/**
 * The virtualized message list: a column header and exactly `height` rows (blank rows pad a
 * short list), built from the store's window, so only visible rows render. Rows are memoised
 * pre-formatted strings; the cursor row is inverse with a `>` glyph and marks carry `*`, so
 * both stay visible without colour. A plain row whose message is past its queue's age
 * threshold (domain/thresholds.ts messageAgeLevel) shows its AGE cell in the theme's
 * status.warn or status.error style (amber/red; bold only in the mono theme that NO_COLOR gets).
 */
import React, { memo } from 'react';
import { Box, Text } from 'ink';
import type { QueueEntry } from '../../domain/entry.js';
import type { ListWindow } from '../../store/selectors.js';
import type { ThemeToken } from '../../config/theme.js';
import { messageAgeLevel, NO_THRESHOLDS, type Level, type Thresholds } from '../../domain/thresholds.js';
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
  /** The message's age against its queue's age threshold. */
  ageLevel: Level;
}

const AGE_TOKEN: Record<Level, ThemeToken | null> = { ok: null, warning: 'status.warn', critical: 'status.error' };

/** [start, end) of the AGE cell in a formatted row (columns joined by one space), or null. */
function ageSpan(layout: ColumnLayout): [number, number] | null {
  let at = 0;
  for (const col of layout.columns) {
    if (col.id === 'age') return [at, at + col.width];
    at += col.width + 1;
  }
  return null;
}

// A row is pre-formatted to the exact width, so it needs no measuring or padding: one <Text>,
// with a nested one only for the queue-coloured id (each styled run costs Ink tokenizing time).
const Row = memo(function Row({ entry, cursor, marked, pending, layout, now, expiresAt, ageLevel }: RowProps) {
  const theme = useTheme();
  const gutter = (cursor ? theme.glyphs.cursor : ' ') + (marked ? theme.glyphs.mark : ' ');
  const text = formatRow(entry, layout, now, expiresAt);
  if (cursor) return <Text {...theme.tokens.cursor}>{gutter + text}</Text>;
  if (pending || marked) return <Text {...theme.tokens[pending ? 'pending' : 'marked']}>{gutter + text}</Text>;
  const idWidth = layout.columns[0]?.width ?? 0;
  const ageToken = AGE_TOKEN[ageLevel];
  const span = ageToken ? ageSpan(layout) : null;
  if (ageToken && span && span[0] >= idWidth) {
    return (
      <Text {...theme.tokens.text}>
        {gutter}
        <Text {...theme.tokens[`queue.${entry.queueName}` as ThemeToken]}>{text.slice(0, idWidth)}</Text>
        {text.slice(idWidth, span[0])}
        <Text {...theme.tokens[ageToken]}>{text.slice(span[0], span[1])}</Text>
        {text.slice(span[1])}
      </Text>
    );
  }
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
  /** Age levels per queue: a row past one shows its age amber or red. */
  thresholds?: Thresholds;
}

export function QueueList({ window, layout, height, now, emptyText, thresholds = NO_THRESHOLDS }: QueueListProps): React.ReactElement {
  const blank = ' '.repeat(layout.width);
  const rows: React.ReactElement[] = window.rows.slice(0, height).map((r) => (
    <Row key={r.entry.queueId} entry={r.entry} cursor={r.cursor} marked={r.marked} pending={r.pending !== null} layout={layout} now={now} expiresAt={r.expiresAt ?? null}
      ageLevel={messageAgeLevel(thresholds, r.entry.queueName, now - r.entry.arrivalTime)} />
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
