/**
 * A console whose pane is killed (tmux kill-pane, kill-session: the terminal hangs up, as when
 * an ssh session drops) ends, and leaves nothing on stderr but the cursor-show escape: before
 * src/ui/lost-terminal.ts every killed pane printed Node's `ResetStdio` assertion and a native
 * stack trace (tcsetattr on the hung-up tty at exit).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { isAlive as alive } from '../helpers/proc-probe.js';
import { startTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait-for.js';

const copy = copyCorpusSpool('basic');
const dir = mkdtempSync(join(tmpdir(), 'postq-hangup-'));
beforeAll(() => ensureBuilt());
afterAll(() => {
  copy.cleanup();
  rmSync(dir, { recursive: true, force: true });
});


describe('a killed pane', () => {
  for (const how of ['kill-pane', 'kill-session'] as const) {
    it(`${how}: the console ends without Node's ResetStdio assertion on stderr`, async () => {
      const stderrFile = join(dir, `${how}.stderr`);
      const pane = startTmux({ columns: 80, rows: 24, argv: ['node', CLI_PATH, '--spool', copy.spool, '--read-only'], stderrFile });
      try {
        // The console is up (at 80 columns the header abbreviates the queues once it has counts).
        await pane.waitFor(/def(?:erred)? \d+/);
        const pid = pane.pid();
        expect(alive(pid)).toBe(true);
        execFileSync('tmux', ['-L', pane.socket, how, '-t', 'main']);
        await waitFor(() => !alive(pid), { what: 'the console process to end' });
        const stderr = readFileSync(stderrFile, 'utf8');
        expect(stderr).not.toMatch(/ResetStdio|Assertion failed|Native stack trace/);
        // Ink's cursor restore (signal-exit) is all that may be there.
        expect(stderr.replace(/\x1b\[\?25h/g, '').trim()).toBe('');
      } finally {
        pane.close();
      }
    });
  }
});
