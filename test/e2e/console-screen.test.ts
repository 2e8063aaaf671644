/**
 * The built console in tmux: C-l repaints the whole screen. Junk written straight to the
 * pane's tty (as `wall` or a stray background job would) lands on the header, the list and
 * the last row; after C-l none of it is left and the frame is whole again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
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

describe('C-l', () => {
  it('clears stray output everywhere on the screen and redraws the frame', async () => {
    const copy = copyCorpusSpool('basic');
    open.push(copy);
    const pane = startTmux({ columns: 80, rows: 24, argv: ['node', CLI, '--spool', copy.spool, '--read-only'], cwd: REPO_ROOT, env: { TZ: 'UTC' } });
    open.push(pane);
    const before = await pane.waitUntil((s) => /● live/.test(s) && /^> \w/m.test(s) && !/indexing|reading/.test(s), 'the list, indexed');
    const tty = pane.display('#{pane_tty}');
    // Row 1 (header), row 10 (a list row) and row 24 (below the frame), as a wall message would.
    writeFileSync(tty, '\x1b7\x1b[1;20HJUNK-ONE\x1b[10;5HJUNK-TWO\x1b[24;1HJUNK-THREE\x1b8');
    await pane.waitUntil((s) => (s.match(/JUNK-/g) ?? []).length === 3, 'junk on screen');
    pane.send(pressSequence('view.repaint'));
    const after = await pane.waitUntil((s) => !s.includes('JUNK-'), 'junk gone');
    expect(after.split('\n').slice(0, 23)).toEqual(before.split('\n').slice(0, 23));
  });
});
