/**
 * Thresholds on list rows: a message past its queue's age threshold shows its AGE cell in the
 * theme's status.warn (amber: yellow in the default theme) or status.error (red, bold); a
 * queue without age levels falls back to the total's; none, no style. Under NO_COLOR (the
 * mono theme) no colour at all, the levels bold. Ink's renderToString at a pinned width and
 * chalk level.
 */
import chalk from 'chalk';
import React from 'react';
import { renderToString } from 'ink';
import { expect, onTestFinished, test } from 'vitest';
import { loadTheme } from '../../src/config/theme-load.js';
import type { Theme } from '../../src/config/theme.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { Thresholds } from '../../src/domain/thresholds.js';
import { layoutColumns } from '../../src/ui/columns.js';
import { QueueList } from '../../src/ui/components/queue-list.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { makeEntry, NOW_SEC } from '../store/fixtures.js';

const HOUR = 3600;
const entries: QueueEntry[] = [
  makeEntry('A0000000001', { arrivalTime: NOW_SEC - HOUR / 2 }),
  makeEntry('A0000000002', { arrivalTime: NOW_SEC - 2 * HOUR }),
  makeEntry('A0000000003', { arrivalTime: NOW_SEC - 50 * HOUR }),
  makeEntry('A0000000004', { queueName: 'hold', arrivalTime: NOW_SEC - 72 * HOUR }),
  makeEntry('A0000000005', { queueName: 'active', arrivalTime: NOW_SEC - 72 * HOUR }),
];

function list(theme: Theme, thresholds: Thresholds | undefined): string[] {
  const level = chalk.level;
  chalk.level = 1;
  onTestFinished(() => {
    chalk.level = level;
  });
  // The cursor on a row of its own (the last), so the rows above are plain.
  const rows = entries.map((entry, index) => ({ entry, index, cursor: false, marked: false, pending: null }));
  const window = { rows, start: 0, total: rows.length, cursorIndex: -1, height: rows.length };
  const frame = renderToString(
    <ThemeContext.Provider value={theme}>
      <QueueList window={window} layout={layoutColumns(100)} height={rows.length} now={NOW_SEC} emptyText="none" {...(thresholds ? { thresholds } : {})} />
    </ThemeContext.Provider>,
    { columns: 100 },
  );
  return frame.split('\n').slice(1);
}

const thresholds: Thresholds = { deferred: { age: { warning: HOUR, critical: 86_400 } }, total: { age: { warning: null, critical: 60 * HOUR } } };
const defaultTheme = () => loadTheme({ name: 'default', env: { HOME: '/nonexistent' } });

test('default theme: the AGE cell amber past warning, red past critical; the rest of the row as ever', () => {
  const [fresh, warned, critical, held, active] = list(defaultTheme(), thresholds);
  // The AGE column is right-aligned in 6 cells; yellow is SGR 33, red 31 (bold 1).
  // (The id keeps its queue's colour: yellow for deferred in this theme.)
  expect(fresh).toMatch(/^ {2}\x1b\[33mA0000000001 \x1b\[39m {4}30m /);
  expect(warned).toMatch(/\x1b\[39m \x1b\[33m {4}2h\x1b\[39m /);
  expect(critical).toMatch(/\x1b\[39m (\x1b\[1m)?\x1b\[31m(\x1b\[1m)? {2}2d2h\x1b\[39m/);
  // hold has no age levels: the total's (critical at 60 h) apply; so for active.
  expect(held).toMatch(/\x1b\[39m (\x1b\[1m)?\x1b\[31m(\x1b\[1m)? {4}3d\x1b\[39m/);
  expect(active).toMatch(/\x1b\[39m (\x1b\[1m)?\x1b\[31m(\x1b\[1m)? {4}3d\x1b\[39m/);
  // Only the age cell: the id keeps its queue colour, the sender is unstyled.
  expect(warned).toMatch(/A0000000002/);
  expect(warned).not.toMatch(/\x1b\[33m[^\x1b]*sender@example\.org/);
});

test('no thresholds: no row is styled by its age', () => {
  const rows = list(defaultTheme(), undefined);
  expect(rows).toHaveLength(5);
  // After the id's colour ends, nothing else is styled.
  for (const row of rows) expect(row.slice(row.indexOf('\x1b[39m') + 5)).not.toContain('\x1b[');
});

test('NO_COLOR (mono): no colour codes at all; past a level the age is bold', () => {
  const mono = loadTheme({ name: 'default', env: { HOME: '/nonexistent', NO_COLOR: '1' } });
  expect(mono.name).toBe('mono');
  const rows = list(mono, thresholds);
  for (const row of rows) expect(row).not.toMatch(/\x1b\[(3[0-7]|38|9[0-7])[;m]/);
  expect(rows[1]).toMatch(/^ {2}A0000000002 {2}\x1b\[1m {4}2h\x1b\[22m /);
  expect(rows[2]).toMatch(/\x1b\[1m {2}2d2h\x1b\[22m /);
  expect(rows[0]).not.toContain('\x1b[');
});
