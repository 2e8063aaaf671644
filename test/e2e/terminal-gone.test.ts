/**
 * A terminal that goes away without a SIGHUP reaching postq: started under `setsid` (a session
 * of its own, as with `su -c`), the pane is killed; the kernel hangs up the pane's session,
 * not postq's. stdin then fails (EIO) or ends: the console must exit and clean up (the demo's
 * temporary spool removed), not run on with nobody to see it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool, REPO_ROOT } from '../helpers/corpus.js';
import { startTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait-for.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the terminal goes away without SIGHUP', () => {
  it('under setsid, killing the pane ends the demo console and removes its spool', async () => {
    const pane = startTmux({ columns: 100, rows: 24, argv: ['setsid', 'node', CLI, '--demo', '--messages', '20', '--rate', '1'], cwd: REPO_ROOT });
    let pid = 0;
    try {
      const screen = await pane.waitFor(/postq-demo-\w+/);
      const spool = /(\/\S*postq-demo-\w+)/.exec(screen)![1]!;
      expect(existsSync(spool)).toBe(true);
      pid = pane.pid();
      expect(alive(pid)).toBe(true);
      pane.close();
      await waitFor(() => !alive(pid), { what: 'postq to exit after its terminal went away', timeoutMs: 20_000 });
      expect(existsSync(spool)).toBe(false);
    } finally {
      pane.close();
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a quiet console (nothing to draw, so no write fails) exits too: stdin ends', async () => {
    const copy = copyCorpusSpool('basic');
    const pane = startTmux({ columns: 100, rows: 24, argv: ['setsid', 'node', CLI, '--spool', copy.spool], cwd: REPO_ROOT });
    let pid = 0;
    try {
      await pane.waitFor('● live');
      pid = pane.pid();
      pane.close();
      await waitFor(() => !alive(pid), { what: 'postq to exit after its terminal went away', timeoutMs: 20_000 });
    } finally {
      pane.close();
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      copy.cleanup();
    }
  });
});
