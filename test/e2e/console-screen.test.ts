/**
 * The built console in tmux: C-l repaints the whole screen (junk written straight to the
 * pane's tty, as `wall` would, is gone after it); `c` puts ids on the clipboard with OSC 52
 * (tmux with set-clipboard on keeps it as a paste buffer); `--pick` with stdout a pipe draws
 * on the terminal and prints the marked ids, one a line, after `q`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const open: Array<TmuxPane | CorpusCopy> = [];
afterEach(() => {
  for (const x of open.splice(0)) 'close' in x ? x.close() : x.cleanup();
});
beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
});

const ready = (pane: TmuxPane) =>
  pane.waitUntil((s) => /● live/.test(s) && /^> \w/m.test(s) && !/indexing|reading/.test(s), 'the list, indexed');
/** The id cells of list rows (after the 2-cell gutter), top to bottom. */
const rowIds = (screen: string) => [...screen.matchAll(/^[> ][* ]([0-9A-F]{10,})/gm)].map((m) => m[1]!);

describe('copying ids out', () => {
  it('c: the cursor id, then the marked ids, on the clipboard (OSC 52 -> tmux buffer)', async () => {
    const copy = copyCorpusSpool('basic');
    open.push(copy);
    const pane = startTmux({ columns: 100, rows: 24, argv: ['node', CLI, '--spool', copy.spool, '--read-only'], cwd: REPO_ROOT, env: { TZ: 'UTC' } });
    open.push(pane);
    execFileSync('tmux', ['-L', pane.socket, 'set-option', '-g', 'set-clipboard', 'on']);
    const ids = rowIds(await ready(pane));
    const buffer = () => execFileSync('tmux', ['-L', pane.socket, 'show-buffer'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    pane.send(pressSequence('mark.copy'));
    await pane.waitFor(`copied ${ids[0]} to the clipboard`);
    expect(buffer()).toBe(ids[0]);
    pane.send(pressSequence('mark.toggle') + pressSequence('mark.toggle') + pressSequence('mark.copy'));
    await pane.waitFor('copied 2 marked ids');
    expect(buffer()).toBe([ids[0], ids[1]].sort().join(' '));
  });

  it('--pick | cat > FILE: draws on the tty, prints the marked ids on q', async () => {
    const copy = copyCorpusSpool('basic');
    open.push(copy);
    const dir = mkdtempSync(join(tmpdir(), 'postq-pick-'));
    const out = join(dir, 'picked');
    const script = `node '${CLI}' --spool '${copy.spool}' --read-only --pick | cat > '${out}'`;
    const pane = startTmux({ columns: 100, rows: 24, argv: ['sh', '-c', script], cwd: REPO_ROOT, env: { TZ: 'UTC' } });
    open.push(pane);
    try {
      const ids = rowIds(await ready(pane));
      pane.send(pressSequence('list.down') + pressSequence('mark.toggle') + pressSequence('mark.toggle'));
      await pane.waitFor('marked 2');
      pane.send(pressSequence('app.quit'));
      await pane.waitUntil(() => pane.exitCode() !== null, 'exit');
      expect(pane.exitCode()).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe([ids[1], ids[2]].sort().map((id) => `${id}\n`).join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('C-l', () => {
  it('clears stray output everywhere on the screen and redraws the frame', async () => {
    const copy = copyCorpusSpool('basic');
    open.push(copy);
    const pane = startTmux({ columns: 80, rows: 24, argv: ['node', CLI, '--spool', copy.spool, '--read-only'], cwd: REPO_ROOT, env: { TZ: 'UTC' } });
    open.push(pane);
    const before = await ready(pane);
    const tty = pane.display('#{pane_tty}');
    // Row 1 (header), row 10 (a list row) and row 24 (below the frame), as a wall message would.
    writeFileSync(tty, '\x1b7\x1b[1;20HJUNK-ONE\x1b[10;5HJUNK-TWO\x1b[24;1HJUNK-THREE\x1b8');
    // Row 24 is below the frame: only a clear removes it. The header's junk may already be
    // gone (the header redraws as the clock moves), so wait for the one that must stay.
    await pane.waitUntil((s) => s.includes('JUNK-THREE'), 'junk below the frame');
    pane.send(pressSequence('view.repaint'));
    // The clear lands before the redraw: wait for the frame, not only for the junk to go.
    // The first line is left out: its health alerts follow the clock (an incoming file copied
    // with its old mtime becomes "stuck" a while after start), which a loaded machine reaches.
    const frame = (s: string) => s.split('\n').slice(1, 23).join('\n');
    const after = await pane.waitUntil((s) => !s.includes('JUNK-') && /^postq /.test(s) && frame(s) === frame(before), 'junk gone, the frame redrawn');
    expect(frame(after)).toBe(frame(before));
  });
});
