/**
 * `postq --monitor` in tmux, the built CLI on a corpus copy (read-only: a bare --spool): the
 * compact watching layout at 80x8 and, after a resize, 100x12 (one tmux server for the file):
 * the header, the sparklines, the top reasons, a hint line, no list; wider, the header's own
 * per-queue sparklines, gone again at 100 columns. A list key (`4`) opens
 * the full console on the deferred queue, `m` comes back, `q` quits with 0.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';

let copy: CorpusCopy;
let pane: TmuxPane;

beforeAll(async () => {
  await ensureBuilt();
  copy = copyCorpusSpool('basic');
  pane = startTmux({ columns: 80, rows: 8, argv: ['node', CLI_PATH, '--spool', copy.spool, '--monitor', '--theme', 'mono'], env: { TZ: 'UTC' } });
}, 240_000);

afterAll(() => {
  pane?.close();
  copy?.cleanup();
});

const rows = (screen: string) => screen.split('\n');

test('80x8: header, three sparkline rows, two reasons, the hints; no list', async () => {
  // The first sample is taken once the first index is read.
  const screen = await pane.waitFor(/^deferred\s+22  [▁-█ ]*█/m, 20_000);
  const l = rows(screen);
  expect(l[0]).toMatch(/^\S+ drop 3\s+inc 2\s+act 2/);
  expect(l[0]).toMatch(/\[RO/);
  // One sample so far: a block at the right edge of each window, blank before it.
  expect(l[1]).toMatch(/^deferred\s+22\s+█\s+█$/);
  expect(l[2]).toMatch(/^active\s+2\s+█\s+█$/);
  expect(l[3]).toMatch(/^in \/min\s+-$/);
  expect(l[4]).toMatch(/^why\s+\d+  \S/);
  expect(l[5]).toMatch(/^\s+\d+  \S/);
  expect(l[6]).toMatch(/^m Esc full console/);
  expect(screen).not.toContain('QUEUE ID');
  // The frame is rows-1 lines: the last row stays empty.
  expect(l[7]?.trim() ?? '').toBe('');
});

test('100x12: the title row names the windows, five series, three reasons', async () => {
  pane.resize(100, 12);
  const screen = await pane.waitFor(/last 10 min\s+last hour/, 10_000);
  const l = rows(screen);
  expect(l[1]).toMatch(/^trends\s+last 10 min\s+last hour/);
  expect(l.slice(2, 7).map((r) => r.split(/\s{2,}/)[0])).toEqual(['deferred', 'active', 'in /min', 'out /min', 'oldest']);
  expect(l[6]).toMatch(/^oldest\s+\d+d/);
  expect(l.slice(7, 10).every((r) => /^(why)?\s+\d+  \S/.test(r))).toBe(true);
  expect(l[10]).toMatch(/^m Esc full console/);
});

test('a wide pane: the header gains a depth sparkline per queue (one sample so far: a block at the right)', async () => {
  // 240: room for the counts with sparklines beside the stuck-in-incoming alert in words.
  pane.resize(240, 12);
  const counts = /^\S+ (maildrop|drop) 3 +█  (incoming|inc) 2 +█  (active|act) 2 +█  (deferred|def) 22 +█  hold 3 +█  (corrupt|cor) 4 +█  │/m;
  const screen = await pane.waitUntil((s) => counts.test(s) && rows(s)[0]!.includes('1 stuck in incoming (0600 for'), 'sparklines beside the alert', 10_000);
  expect(rows(screen)[0]).toMatch(/● live|\[RO/);
  pane.resize(100, 12);
  const narrow = await pane.waitFor(/^\S+ maildrop 3  incoming 2  active 2/m, 10_000);
  expect(rows(narrow)[0]).not.toMatch(/[▁-█]/);
});

test('a list key opens the full console and acts there; m comes back; q quits', async () => {
  pane.send(pressSequence('queue.deferred'));
  const list = await pane.waitFor('QUEUE ID', 10_000);
  expect(list).toMatch(/deferred 22/);
  pane.send(pressSequence('view.monitor'));
  await pane.waitGone('QUEUE ID', 10_000);
  expect(pane.capture()).toMatch(/^why /m);
  pane.send(pressSequence('app.quit'));
  await pane.waitUntil(() => pane.exitCode() !== null, 'exit', 10_000);
  expect(pane.exitCode()).toBe(0);
});
