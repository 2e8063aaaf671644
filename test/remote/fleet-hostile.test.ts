/**
 * Nothing from a remote reaches the terminal unsanitized: the fleet console on an `exec:`
 * target whose spool is a copy of the corpus (hostile subjects, senders and recipients), the
 * overview, the target's list and its message pane (bytes fetched over the link) drawn, and
 * every escape sequence written checked to be one postq itself emits.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { startTmux } from '../helpers/tmux.js';
import { foreignEscapes } from '../helpers/terminal-escapes.js';
import { waitFor } from '../helpers/wait-for.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
let copy: CorpusCopy;

beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
  copy = copyCorpusSpool('basic');
});
afterAll(() => copy?.cleanup());

describe('fleet console and a hostile remote spool', () => {
  it('overview, list and pane of a remote show hostile text as visible text only', async () => {
    const pane = startTmux({
      columns: 100,
      rows: 24,
      argv: ['node', CLI, '--host', 'exec:env', '--spool', copy.spool, '--read-only', '--remote-postq', `${process.execPath} ${CLI}`],
      cwd: REPO_ROOT,
      env: { NO_COLOR: '1', TZ: 'UTC' },
    });
    try {
      await pane.waitUntil((s) => /live\s+exec:env/.test(s), 'the remote live', 60_000);
      pane.keys('Enter');
      await pane.waitFor('QUEUE ID', 30_000);
      for (const id of ['0558022C217', '0D61522C218']) {
        pane.send(pressSequence('view.filter'));
        pane.send(pressSequence('filter.clearLine'));
        pane.send(`id:${id}`);
        pane.send(pressSequence('filter.apply'));
        expect(await pane.waitFor(`id:${id}`)).toContain(id);
        pane.send(pressSequence('pane.open'));
        await pane.waitFor('ENVELOPE RECORDS', 30_000);
        pane.send(pressSequence('pane.bottom'));
        await pane.waitFor('MESSAGE FILE END');
        pane.send(pressSequence('pane.close'));
        await pane.waitFor('QUEUE ID');
      }
      pane.send(pressSequence('app.quit'));
      await pane.waitFor('postq fleet');
      pane.send('q');
      await waitFor(() => pane.exitCode() !== null, { what: 'exit' });
      const out = pane.output().toString('utf8');
      expect(out).toContain('^[');
      expect(foreignEscapes(out)).toEqual([]);
      expect(out).not.toContain('\x07');
      expect(out).not.toMatch(/[\u0080-\u009f]/);
    } finally {
      pane.close();
    }
  });
});
