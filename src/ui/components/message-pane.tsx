/**
 * The message pane: a scrollable view of a message document (postcat's envelope, headers and
 * body, or a record dump for a damaged file). Lines arrive sanitized; tabs are expanded and
 * each visible line cut to the width here, so only the visible page costs anything.
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { MessageDocument } from '../message-document.js';
import { expandTabs, fitCells } from '../text-cells.js';
import { Line, Plain } from '../theme-context.js';

export interface MessagePaneProps {
  doc: MessageDocument;
  offset: number;
  width: number;
  height: number;
}

/** The furthest offset that still fills the page. */
export function maxPaneOffset(doc: MessageDocument, height: number): number {
  return Math.max(0, doc.lines.length - Math.max(1, height - 1));
}

export function MessagePane({ doc, offset, width, height }: MessagePaneProps): React.ReactElement {
  const visible = Math.max(1, height - 1);
  const top = Math.max(0, Math.min(offset, maxPaneOffset(doc, height)));
  const end = Math.min(doc.lines.length, top + visible);
  const where = doc.lines.length > visible ? ` ${top + 1}-${end}/${doc.lines.length}` : '';
  const rows: React.ReactElement[] = [];
  for (let i = top; i < end; i++) {
    const line = doc.lines[i]!;
    const token = line.problem ? 'status.error' : line.kind === 'marker' ? 'muted' : line.kind === 'dump' ? 'muted' : 'text';
    rows.push(<Plain key={i} text={fitCells(expandTabs(line.text), width)} width={width} token={token} />);
  }
  for (let i = rows.length; i < visible; i++) rows.push(<Text key={`pad${i}`}>{' '.repeat(width)}</Text>);
  return (
    <Box flexDirection="column">
      <Line
        width={width}
        segments={[
          { text: doc.title, token: 'header' },
          { text: doc.problem ? `  ✗ ${doc.problem}` : '', token: 'status.error' },
          { text: `${where}  Esc close · r ${doc.view === 'records' ? 'postcat' : 'records'}`, token: 'muted' },
        ]}
      />
      {rows}
    </Box>
  );
}
