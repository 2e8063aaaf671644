/**
 * The help overlay, generated from the key map: every binding with its keys and what it does,
 * grouped; disabled ones (read-only mode, a backend without the action) say why. Scrolls; two
 * columns from 90 cells wide, so it fits 80x24 and 100x12 panes.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { BINDINGS, disabledReason, type BindingContext } from '../keymap.js';
import { fitCells } from '../text-cells.js';
import { Line, Plain, type Segment } from '../theme-context.js';

export interface HelpLine {
  segments: Segment[];
}

/** The help's lines at a column width (one binding per line, group headings between). */
export function helpLines(ctx: BindingContext, columnWidth: number): HelpLine[] {
  const lines: HelpLine[] = [];
  const seen = new Set<string>();
  const groups = [...new Set(BINDINGS.map((x) => x.group))];
  for (const group of groups) {
    lines.push({ segments: [{ text: group, token: 'header' }] });
    const members = BINDINGS.filter((x) => x.group === group);
    // Say why once per group (read-only mode disables every action the same way).
    const reasons = [...new Set(members.map((x) => disabledReason(x, ctx)).filter((r): r is string => r !== null))];
    for (const why of reasons) lines.push({ segments: [{ text: ` ✗ disabled: ${why}`, token: 'disabled' }] });
    for (const binding of members) {
      const key = `${binding.label}|${binding.description}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const why = disabledReason(binding, ctx);
      const label = fitCells(binding.label, 10);
      lines.push({
        segments: [
          { text: ` ${label} `, token: why ? 'disabled' : binding.dangerous ? 'danger' : 'key' },
          { text: fitCells(`${why ? '✗ ' : ''}${binding.description}`, Math.max(1, columnWidth - 12)), token: why ? 'disabled' : 'text' },
        ],
      });
    }
  }
  return lines;
}

export interface HelpViewProps {
  ctx: BindingContext;
  width: number;
  height: number;
  offset: number;
}

export function helpPageCount(ctx: BindingContext, width: number, height: number): number {
  const two = width >= 90;
  const total = helpLines(ctx, two ? Math.floor(width / 2) : width).length;
  return two ? Math.ceil(total / 2) - (height - 1) : total - (height - 1);
}

export function HelpView({ ctx, width, height, offset }: HelpViewProps): React.ReactElement {
  const two = width >= 90;
  const colWidth = two ? Math.floor(width / 2) : width;
  const lines = helpLines(ctx, colWidth);
  const rowsPerCol = two ? Math.ceil(lines.length / 2) : lines.length;
  const visible = Math.max(1, height - 1);
  const top = Math.max(0, Math.min(offset, rowsPerCol - visible));
  const out: React.ReactElement[] = [];
  for (let i = 0; i < visible; i++) {
    const r = top + i;
    const left = r < rowsPerCol ? lines[r] : undefined;
    const right = two && r + rowsPerCol < lines.length ? lines[r + rowsPerCol] : undefined;
    out.push(
      <Box key={i} flexDirection="row">
        {left ? <Line segments={left.segments} width={colWidth} /> : <Text>{' '.repeat(colWidth)}</Text>}
        {two ? right ? <Line segments={right.segments} width={width - colWidth} /> : <Text>{' '.repeat(width - colWidth)}</Text> : null}
      </Box>,
    );
  }
  const more = rowsPerCol > visible ? ` lines ${top + 1}-${Math.min(rowsPerCol, top + visible)} of ${rowsPerCol} (j/k scroll)` : '';
  return (
    <Box flexDirection="column">
      <Plain text={`Keys${more} · Esc closes`} width={width} token="accent" />
      {out}
    </Box>
  );
}
