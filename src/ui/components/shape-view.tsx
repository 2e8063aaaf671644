/**
 * qshape's matrix from the store: messages per domain (recipient or sender) and age bucket
 * for the queue in view, with the TOTAL row first; as many domain rows as fit.
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { QueueShape } from '../../store/qshape.js';
import { printable } from '../../spool/printable.js';
import { fitCells } from '../text-cells.js';
import { Line, Plain } from '../theme-context.js';

export interface ShapeViewProps {
  shape: QueueShape;
  title: string;
  width: number;
  height: number;
}

export function ShapeView({ shape, title, width, height }: ShapeViewProps): React.ReactElement {
  const cells = shape.headings.length;
  const numWidth = 6;
  const nameWidth = Math.max(10, width - cells * numWidth - 1);
  const row = (name: string, values: readonly (number | string)[]) =>
    fitCells(name, nameWidth) + values.map((v) => fitCells(String(v), numWidth, true)).join('');
  const lines: React.ReactElement[] = [
    <Plain key="h" text={row('', shape.headings)} width={width} token="columnHeader" />,
    <Plain key="t" text={row('TOTAL', shape.total)} width={width} token="header" />,
  ];
  const room = Math.max(0, height - 3);
  for (const r of shape.rows.slice(0, room)) lines.push(<Plain key={r.domain} text={row(printable(r.domain), r.counts)} width={width} />);
  for (let i = lines.length; i < height - 1; i++) lines.push(<Text key={`pad${i}`}>{' '.repeat(width)}</Text>);
  const more = shape.rows.length > room ? ` (${shape.rows.length - room} more domains)` : '';
  return (
    <Box flexDirection="column">
      <Line width={width} segments={[{ text: title, token: 'accent' }, { text: `${more}  s sender/recipient · Esc back`, token: 'muted' }]} />
      {lines}
    </Box>
  );
}
