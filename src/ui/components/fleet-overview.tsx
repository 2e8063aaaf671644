/**
 * The fleet overview: one row per target with its counts per queue, total, oldest message,
 * round trip, link status (live, connecting, lost since..., version mismatch, failed) and the
 * most common delay reason; the selected target's message below. Enter opens a target's
 * console, 0 opens all targets merged in one list, r reconnects a failed or lost one, q quits. Rows of a lost target keep their last
 * counts, shown stale (dim, "lost 2m"), never as an empty healthy host.
 */
import React, { useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import { QUEUE_NAMES } from '../../domain/queue.js';
import type { Connection, LinkStatus } from '../../remote/connection.js';
import { printable } from '../../spool/printable.js';
import { formatCount } from '../../domain/count-format.js';
import { formatAge } from '../format.js';
import { fitCells } from '../text-cells.js';
import { Line, Plain } from '../theme-context.js';
import type { ThemeToken } from '../../config/theme.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { keyNamesOf } from '../keymap.js';

export type FleetChoice = { kind: 'open'; index: number } | { kind: 'merged' } | { kind: 'quit' };

export interface FleetOverviewProps {
  connections: readonly Connection[];
  initialIndex?: number;
  onChoice(choice: FleetChoice): void;
  now?: () => number;
}

const SHORT: Record<string, string> = { maildrop: 'DROP', incoming: 'INC', active: 'ACT', deferred: 'DEF', hold: 'HOLD', corrupt: 'CORR' };

export function linkText(status: LinkStatus, now: number): { text: string; token: ThemeToken } {
  const ago = formatAge(Math.max(0, Math.round((now - status.since) / 1000)));
  switch (status.state) {
    case 'live':
      return status.ready ? { text: 'live', token: 'status.ok' } : { text: 'indexing', token: 'status.info' };
    case 'connecting':
      return { text: 'connecting', token: 'status.info' };
    case 'lost':
      return { text: `lost ${ago}`, token: 'status.error' };
    case 'mismatch':
      return { text: 'version mismatch', token: 'status.error' };
    case 'failed':
      return { text: 'failed', token: 'status.error' };
  }
}

function row(c: Connection, now: number, hostWidth: number): { cells: string; link: { text: string; token: ThemeToken }; stale: boolean } {
  const s = c.mirror.summary();
  const counts = QUEUE_NAMES.map((q) => fitCells(formatCount(s.stats[q].count), 6, true)).join(' ');
  const oldest = s.oldestArrival === null ? '-' : formatAge(Math.max(0, Math.floor(now / 1000) - s.oldestArrival));
  const rtt = c.status.rttMs === null ? '-' : `${c.status.rttMs}ms`;
  const reason = s.topReason ? `${s.topReason.count}x ${printable(s.topReason.text)}` : '';
  const cells = `${fitCells(printable(c.target.label), hostWidth)} ${counts} ${fitCells(formatCount(s.total), 7, true)} ${fitCells(oldest, 6, true)} ${fitCells(rtt, 6, true)}  `;
  return { cells: cells + reason, link: linkText(c.status, now), stale: c.mirror.stale };
}

export function FleetOverview({ connections, initialIndex = 0, onChoice, now = Date.now }: FleetOverviewProps): React.ReactElement {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [cursor, setCursor] = useState(Math.min(initialIndex, connections.length - 1));
  const [, setTick] = useState(0);
  useEffect(() => {
    // Links change many times a second during an index: redraw at most four times a second.
    const timer = setInterval(() => setTick((t) => t + 1), 250);
    return () => clearInterval(timer);
  }, []);
  // The cursor as keys left it: the events of one read (Ink splits it at escape sequences)
  // all come before the next render, so the handler's `cursor` was stale (down down Enter in
  // one read opened the first target, not the third).
  const at = useRef(cursor);
  useInput((input, key) => {
    // Key by key: keys sent quickly arrive in one chunk ("jj", "j" and Enter), which was
    // ignored whole. After a choice the rest is not the overview's: it goes unread.
    for (const name of keyNamesOf(input, key)) {
      if (name === 'j' || name === 'down') at.current = Math.min(connections.length - 1, at.current + 1);
      else if (name === 'k' || name === 'up') at.current = Math.max(0, at.current - 1);
      else if (name === 'r') connections[at.current]?.retry();
      else if (name === '0' || name === 'enter' || name === 'q' || name === 'ctrl+c') {
        onChoice(name === '0' ? { kind: 'merged' } : name === 'enter' ? { kind: 'open', index: at.current } : { kind: 'quit' });
        return exit();
      }
    }
    setCursor(at.current);
  });
  const t = now();
  const hostWidth = Math.min(28, Math.max(4, ...connections.map((c) => c.target.label.length)));
  const head = `${fitCells('HOST', hostWidth)} ${QUEUE_NAMES.map((q) => fitCells(SHORT[q]!, 6, true)).join(' ')} ${fitCells('TOTAL', 7, true)} ${fitCells('OLDEST', 6, true)} ${fitCells('RTT', 6, true)}  TOP REASON`;
  const linkWidth = 18;
  const width = Math.max(20, columns - 1);
  const selected = connections[cursor];
  const detail = selected ? (selected.status.message ?? selected.status.remoteStatus ?? (selected.hello ? `${selected.hello.host}: ${selected.hello.queueDirectory}` : '')) : '';
  const list = connections.slice(0, Math.max(1, rows - 6));
  return (
    <Box flexDirection="column">
      <Line width={width} segments={[{ text: `postq fleet · ${connections.length} target${connections.length === 1 ? '' : 's'}`, token: 'header' }]} />
      <Line width={width} segments={[{ text: fitCells('', 2) + fitCells('STATUS', linkWidth) + head, token: 'columnHeader' }]} />
      {list.map((c, i) => {
        const r = row(c, t, hostWidth);
        const mark = i === cursor ? '> ' : '  ';
        return (
          <Line
            key={c.target.label}
            width={width}
            segments={[
              { text: mark, token: i === cursor ? 'cursor' : 'text' },
              { text: fitCells(r.link.text, linkWidth), token: r.link.token },
              { text: r.cells, token: r.stale ? 'muted' : i === cursor ? 'cursor' : 'text' },
            ]}
          />
        );
      })}
      <Text> </Text>
      <Plain width={width} text={printable(detail)} token={selected && selected.status.state !== 'live' ? 'status.error' : 'muted'} />
      <Line width={width} segments={[{ text: 'Enter', token: 'key' }, { text: ' open  ', token: 'muted' }, { text: '0', token: 'key' }, { text: ' all merged  ', token: 'muted' }, { text: 'j/k', token: 'key' }, { text: ' move  ', token: 'muted' }, { text: 'r', token: 'key' }, { text: ' reconnect  ', token: 'muted' }, { text: 'q', token: 'key' }, { text: ' quit', token: 'muted' }]} />
    </Box>
  );
}
