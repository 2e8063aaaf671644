/**
 * The message pane: a scrollable view of a message document (recipients, postcat's envelope,
 * headers and body, or a record dump for a damaged file). Lines arrive sanitized; tabs are
 * expanded and each visible line cut (or, with wrap on, folded) to the width here, so only the
 * visible page costs anything. The title line carries what happened to the file since it was
 * opened ("moved to hold", "left the queue"), the search being typed, and the match.
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { MessageDocument } from '../message-document.js';
import { expandTabs, fitCells, wrapCells } from '../text-cells.js';
import { Line, Plain, type Segment } from '../theme-context.js';

export interface MessagePaneProps {
  doc: MessageDocument;
  offset: number;
  width: number;
  height: number;
  /** Fold long lines instead of cutting them. */
  wrap?: boolean;
  /** The line the last search found (drawn as the cursor). */
  matchLine?: number | null;
  /** The search being typed after `/`, or null. */
  search?: string | null;
  /** What happened to the file since it was opened, or null. */
  note?: string | null;
}

/** The furthest offset that still fills the page. */
export function maxPaneOffset(doc: MessageDocument, height: number): number {
  return Math.max(0, doc.lines.length - Math.max(1, height - 1));
}

export function MessagePane({ doc, offset, width, height, wrap = false, matchLine = null, search = null, note = null }: MessagePaneProps): React.ReactElement {
  const visible = Math.max(1, height - 1);
  const top = Math.max(0, Math.min(offset, maxPaneOffset(doc, height)));
  const rows: React.ReactElement[] = [];
  let i = top;
  for (; i < doc.lines.length && rows.length < visible; i++) {
    const line = doc.lines[i]!;
    const token = i === matchLine ? 'cursor' : line.problem ? 'status.error' : line.kind === 'marker' || line.kind === 'dump' ? 'muted' : 'text';
    const text = expandTabs(line.text);
    const parts = wrap ? wrapCells(text, width) : [text];
    for (const [j, part] of parts.entries()) {
      if (rows.length >= visible) break;
      rows.push(<Plain key={`${i}.${j}`} text={fitCells(part, width)} width={width} token={token} />);
    }
  }
  const where = doc.lines.length > visible || wrap ? ` ${top + 1}-${i}/${doc.lines.length}` : '';
  for (let k = rows.length; k < visible; k++) rows.push(<Text key={`pad${k}`}>{' '.repeat(width)}</Text>);
  const segments: Segment[] = [{ text: doc.title, token: 'header' }];
  if (note) segments.push({ text: `  ${note}`, token: 'status.warn' });
  if (doc.problem) segments.push({ text: `  ✗ ${doc.problem}`, token: 'status.error' });
  if (search !== null) segments.push({ text: '  /', token: 'key' }, { text: search, token: 'filter' }, { text: '▏', token: 'key' });
  else segments.push({ text: `${where}  / search · w wrap${wrap ? ' off' : ''} · Esc close · r ${doc.view === 'records' ? 'postcat' : 'records'} · l ${doc.view === 'log' ? 'message' : 'log'}`, token: 'muted' });
  return (
    <Box flexDirection="column">
      <Line width={width} segments={segments} />
      {rows}
    </Box>
  );
}
