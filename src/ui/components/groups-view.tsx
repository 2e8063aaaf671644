/**
 * The who/why view: one row per group (reason cluster x domain, sender, SASL login, client or
 * recipient domain) with messages, recipients, oldest and newest age, next retry and a small
 * age histogram; the rows scroll by pages around a cursor. `x` shows a raw reason text in
 * place of the cluster's template. Every text from mail goes through printable().
 */
import React from 'react';
import { Box, Text } from 'ink';
import { histogramCells, type GroupRow } from '../../store/groupings.js';
import { printable } from '../../spool/printable.js';
import { fitCells } from '../text-cells.js';
import { formatAge, formatRetry } from '../format.js';
import { Line, Plain, useTheme } from '../theme-context.js';

export interface GroupsViewProps {
  rows: readonly GroupRow[];
  title: string;
  width: number;
  height: number;
  cursor: number;
  /** Reason rows: show a raw reason text instead of the template. */
  raw: boolean;
  /** Epoch seconds. */
  now: number;
}

/** Group rows that fit under the title and the headings. */
export const groupsRoom = (height: number) => Math.max(1, height - 2);

const NUMS: Array<[string, number]> = [['MSGS', 6], ['RCPTS', 6], ['OLDEST', 7], ['NEWEST', 7], ['NEXT', 6]];

export function formatGroupRow(row: GroupRow | null, width: number, now: number, raw: boolean, withDomain: boolean): string {
  const nums = row
    ? [String(row.messages), String(row.recipients), formatAge(now - row.oldest), formatAge(now - row.newest), row.nextRetry === null ? '-' : formatRetry(row.nextRetry, now)]
    : NUMS.map(([h]) => h);
  let text = nums.map((v, i) => fitCells(v, NUMS[i]![1], true)).join('') + ' ' + fitCells(row ? histogramCells(row.histogram) : 'AGES', 6) + ' ';
  const rest = Math.max(4, width - 2 - [...text].length);
  const domainWidth = withDomain ? Math.min(24, Math.floor(rest / 3)) : 0;
  if (withDomain) text += fitCells(row ? printable(row.domain || '(none)') : 'DOMAIN', domainWidth) + ' ';
  const label = row ? (raw && row.example !== null ? row.example : row.label) : withDomain ? 'REASON' : 'GROUP';
  return fitCells(text + printable(label), width - 2);
}

export function GroupsView({ rows, title, width, height, cursor, raw, now }: GroupsViewProps): React.ReactElement {
  const theme = useTheme();
  const withDomain = rows.some((r) => r.cluster !== null);
  const lines: React.ReactElement[] = [<Plain key="h" text={`  ${formatGroupRow(null, width, now, raw, withDomain)}`} width={width} token="columnHeader" />];
  const room = groupsRoom(height);
  const at = Math.max(0, Math.min(cursor, rows.length - 1));
  const top = Math.floor(at / room) * room;
  rows.slice(top, top + room).forEach((r, i) => {
    const text = formatGroupRow(r, width, now, raw, withDomain);
    if (top + i === at) lines.push(<Text key={r.key} {...theme.tokens.cursor}>{`${theme.glyphs.cursor} ${text}`}</Text>);
    else lines.push(<Plain key={r.key} text={`  ${text}`} width={width} />);
  });
  if (rows.length === 0) lines.push(<Plain key="none" text="  no messages in this view" width={width} token="muted" />);
  for (let i = lines.length; i < height - 1; i++) lines.push(<Text key={`pad${i}`}>{' '.repeat(width)}</Text>);
  const where = rows.length > room ? ` ${top + 1}-${Math.min(rows.length, top + room)}/${rows.length}` : ` ${rows.length}`;
  return (
    <Box flexDirection="column">
      <Line width={width} segments={[{ text: title, token: 'accent' }, { text: `${where}  Enter messages · H/R/D on the group · b by · s sort · Esc`, token: 'muted' }]} />
      {lines}
    </Box>
  );
}
