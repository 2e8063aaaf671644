/**
 * The built console in tmux on a spool where a queue file and a defer log are FIFOs (nothing
 * writes to them: an open or read without O_NONBLOCK blocks forever). The console indexes the
 * spool, goes live, shows the FIFO for what it is when its message is opened, and still
 * answers `q` (before, it hung on the defer log and ignored q, Ctrl-C and SIGTERM).
 */
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait-for.js';
import { hostileSpool, makeFifo, type HostileSpool } from './hostile-spool.js';

let spool: HostileSpool | undefined;
let pane: TmuxPane | undefined;
beforeAll(ensureBuilt);
afterEach(() => {
  pane?.close();
  spool?.cleanupAll();
});

describe('FIFOs in the spool, under the console', { timeout: 60_000 }, () => {
  it('a FIFO as a queue file and as a defer log: live, the FIFO named in the pane, q quits', async () => {
    spool = hostileSpool();
    for (const rel of ['defer/7/749A822C202', 'hold/559FD22C220']) {
      unlinkSync(join(spool.spool, rel));
      makeFifo(join(spool.spool, rel));
    }
    pane = startTmux({ columns: 120, rows: 24, argv: ['node', CLI_PATH, '--spool', spool.spool, '--read-only'], cwd: REPO_ROOT, env: { TZ: 'UTC' } });
    await pane.waitFor('● live');
    // The message whose defer log is a FIFO is listed (its reason is simply not read).
    await pane.waitFor('749A822C202');
    pane.send(pressSequence('view.filter'));
    pane.send('559FD22C220');
    pane.send(pressSequence('filter.apply'));
    await pane.waitUntil((s) => !s.includes('749A822C202') && s.includes('559FD22C220'), 'the FIFO row alone');
    expect(pane.capture()).toContain('unlisted: not a regular file: FIFO');
    pane.send(pressSequence('pane.open'));
    await pane.waitFor('cannot read the file: hold/559FD22C220: not a regular file: FIFO');
    pane.send('q'); // closes the pane
    await pane.waitFor('QUEUE ID');
    pane.send('q'); // quits
    await waitFor(() => pane!.exitCode() !== null, { what: 'the console to quit on q', timeoutMs: 20_000, describe: () => pane!.capture() });
    expect(pane.exitCode()).toBe(0);
  });
});
