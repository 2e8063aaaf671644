/**
 * The confirmation before any action: what will happen to how many messages, how many of the
 * marked ones the view hides, a few ids, the exact command; `y` confirms, `n`/Esc cancels;
 * for a large or whole-queue delete the word (DELETE) must be typed, then Enter.
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { Confirmation } from '../../store/console-state.js';
import { printable } from '../../spool/printable.js';
import { formatCount } from '../../domain/count-format.js';
import { Line, type Segment } from '../theme-context.js';

export interface ConfirmViewProps {
  confirmation: Confirmation;
  typed: string;
  running: boolean;
  width: number;
  height: number;
}

/** Cut a long command into lines of `width` cells (commands are ASCII: ids, paths, flags). */
function wrapCommand(command: string, width: number): string[] {
  const out: string[] = [];
  for (let rest = command; rest.length > 0; rest = rest.slice(width)) out.push(rest.slice(0, width));
  return out.length > 0 ? out : [''];
}

export function confirmLines(c: Confirmation, typed: string, running: boolean, width = 80): Segment[][] {
  const lines: Segment[][] = [];
  lines.push([{ text: printable(c.title), token: 'danger' }]);
  const facts: string[] = [];
  facts.push(c.scope === 'marked' ? `${formatCount(c.count)} marked` : c.scope === 'matching' ? `${formatCount(c.count)} matching` : 'the cursor row');
  if (c.filterText) facts.push(`filter: ${printable(c.filterText)}`);
  lines.push([{ text: facts.join(' · '), token: 'text' }]);
  if (c.hiddenByFilter > 0) {
    lines.push([{ text: `${formatCount(c.hiddenByFilter)} of them hidden by the current view/filter (they are included)`, token: 'status.warn' }]);
  }
  if (c.leftOut) lines.push([{ text: `${formatCount(c.leftOut)} selected left out: ${printable(c.leftOutWhy ?? '')}`, token: 'status.warn' }]);
  if (c.pastLifetime) {
    const n = c.pastLifetime === c.count ? (c.count === 1 ? 'It is' : `All ${formatCount(c.count)} are`) : `${formatCount(c.pastLifetime)} of them are`;
    lines.push([{ text: `${n} past the queue lifetime: released, ${c.pastLifetime === 1 ? 'it bounces' : 'they bounce'} at once`, token: 'danger' }]);
    lines.push([{ text: '[R]', token: 'key' }, { text: ' requeue instead (postsuper -r: the lifetime starts again)', token: 'text' }]);
  }
  if (c.gone > 0) lines.push([{ text: `${formatCount(c.gone)} marked message(s) already gone (left out)`, token: 'status.warn' }]);
  lines.push([{ text: 'ids: ', token: 'muted' }, { text: c.sampleIds.map((id) => printable(id)).join(' ') + (c.count > c.sampleIds.length ? ' …' : ''), token: 'text' }]);
  const command = wrapCommand(printable(c.command), Math.max(10, width - 6)).slice(0, 3);
  command.forEach((part, i) => lines.push([{ text: i === 0 ? 'runs: ' : '      ', token: 'muted' }, { text: part, token: 'accent' }]));
  if (running) lines.push([{ text: 'running…', token: 'status.info' }]);
  else if (c.requireWord) {
    lines.push([
      { text: `type ${c.requireWord} and Enter to confirm${c.wholeQueue ? ' (whole queue)' : ''}: `, token: 'danger' },
      { text: printable(typed), token: 'filter' },
      { text: '▏', token: 'key' },
      { text: '   Esc cancel', token: 'muted' },
    ]);
  } else {
    lines.push([{ text: '[y]', token: 'key' }, { text: ' confirm   ', token: 'text' }, { text: '[n/Esc]', token: 'key' }, { text: ' cancel', token: 'text' }]);
  }
  return lines;
}

export function ConfirmView({ confirmation, typed, running, width, height }: ConfirmViewProps): React.ReactElement {
  let lines = confirmLines(confirmation, typed, running, width);
  // In a short pane keep the title, the count/filter line, the command and the prompt.
  if (lines.length > height) lines = [lines[0]!, lines[1]!, ...lines.slice(-(height - 2))].slice(0, height);
  const out = lines.map((segs, i) => <Line key={i} segments={segs} width={width} />);
  for (let i = out.length; i < height; i++) out.push(<Text key={`pad${i}`}>{' '.repeat(width)}</Text>);
  return <Box flexDirection="column">{out}</Box>;
}

