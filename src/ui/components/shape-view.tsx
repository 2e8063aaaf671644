/**
 * qshape's matrix from the store: messages per domain (recipient or sender) and age bucket
 * for the queue in view, with the TOTAL row first. The domain rows scroll by pages around a
 * cursor (Enter opens the cursor domain's messages in the list).
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { QueueShape } from '../../store/qshape.js';
import { printable } from '../../spool/printable.js';
import { fitCells } from '../text-cells.js';
import { Line, Plain, useTheme } from '../theme-context.js';

export interface ShapeViewProps {
  shape: QueueShape;
  title: string;
  width: number;
  height: number;
  /** Index of the cursor's domain row. */
  cursor: number;
}

/** Domain rows that fit under the title, headings and TOTAL. */
export const shapeRoom = (height: number) => Math.max(1, height - 3);

export function ShapeView({ shape, title, width, height, cursor }: ShapeViewProps): React.ReactElement {
  const theme = useTheme();
  const cells = shape.headings.length;
  const numWidth = 6;
  const nameWidth = Math.max(10, width - 2 - cells * numWidth - 1);
  const row = (name: string, values: readonly (number | string)[]) =>
    fitCells(fitCells(name, nameWidth) + values.map((v) => fitCells(String(v), numWidth, true)).join(''), width - 2);
  const lines: React.ReactElement[] = [
    <Plain key="h" text={`  ${row('', shape.headings)}`} width={width} token="columnHeader" />,
    <Plain key="t" text={`  ${row('TOTAL', shape.total)}`} width={width} token="header" />,
  ];
  const room = shapeRoom(height);
  const at = Math.max(0, Math.min(cursor, shape.rows.length - 1));
  const top = Math.floor(at / room) * room;
  shape.rows.slice(top, top + room).forEach((r, i) => {
    const text = row(printable(r.domain), r.counts);
    if (top + i === at) lines.push(<Text key={r.domain} {...theme.tokens.cursor}>{`${theme.glyphs.cursor} ${text}`}</Text>);
    else lines.push(<Plain key={r.domain} text={`  ${text}`} width={width} />);
  });
  for (let i = lines.length; i < height - 1; i++) lines.push(<Text key={`pad${i}`}>{' '.repeat(width)}</Text>);
  const where = shape.rows.length > room ? ` ${top + 1}-${Math.min(shape.rows.length, top + room)}/${shape.rows.length}` : '';
  return (
    <Box flexDirection="column">
      <Line width={width} segments={[{ text: title, token: 'accent' }, { text: `${where}  Enter messages · s sender/recipient · Esc back`, token: 'muted' }]} />
      {lines}
    </Box>
  );
}
