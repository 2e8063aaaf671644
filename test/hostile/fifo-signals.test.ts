/**
 * Ctrl-C and SIGTERM on a spool full of FIFOs: a queue file in hold/, active/ and incoming/, a
 * defer log and a bounce log are FIFOs nothing writes to (an open or read without O_NONBLOCK
 * blocks forever, and a blocked main thread never runs a signal handler), beside a UNIX socket
 * and a device node named like ids (an open of a socket fails with ENXIO; it crashed the console). The built console in
 * tmux is opened on the FIFO message, then interrupted: it must be gone, with the signal's
 * status, and the terminal restored. `stats --watch` (the other long runner) likewise. `list` and
 * `cat` end by themselves on such a spool (read-safety.test.ts).
 */
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait-for.js';
import { hostileSpool, makeCharDevice, makeFifo, makeSocket, type HostileSpool } from './hostile-spool.js';

let spool: HostileSpool | undefined;
let pane: TmuxPane | undefined;
beforeAll(ensureBuilt);
afterEach(() => {
  pane?.close();
  spool?.cleanupAll();
});

const FIFO_ID = '559FD22C220';

/** The corpus spool with FIFOs where queue files and logs are read. */
function fifoSpool(): HostileSpool {
  const s = hostileSpool();
  for (const rel of ['hold/559FD22C220', 'active/775EB22C21F', 'incoming/2E38322C266', 'defer/7/749A822C202']) {
    unlinkSync(join(s.spool, rel));
    makeFifo(join(s.spool, rel));
  }
  // A bounce log for the FIFO message itself (the pane reads its logs).
  makeFifo(join(s.spool, 'bounce', FIFO_ID));
  // A socket (ENXIO on open) and a character device (/dev/zero's numbers) named like ids.
  makeSocket(join(s.spool, 'deferred/7/7AAAA22C202'));
  makeCharDevice(join(s.spool, 'deferred/7/7BBBB22C202'));
  return s;
}

/** Start the console, open the FIFO message's pane, and return the pane. */
async function consoleOnFifoPane(): Promise<TmuxPane> {
  spool = fifoSpool();
  const p = startTmux({ columns: 120, rows: 24, argv: ['node', CLI_PATH, '--spool', spool.spool, '--read-only'], cwd: REPO_ROOT, env: { TZ: 'UTC' } });
  pane = p;
  await p.waitFor('● live');
  p.send(pressSequence('view.filter'));
  p.send(FIFO_ID);
  p.send(pressSequence('filter.apply'));
  await p.waitUntil((s) => !s.includes('749A822C202') && s.includes(FIFO_ID), 'the FIFO row alone');
  p.send(pressSequence('pane.open'));
  await p.waitFor('not a regular file: FIFO');
  return p;
}

const gone = (p: TmuxPane, what: string) =>
  waitFor(() => p.exitCode() !== null, { what, timeoutMs: 20_000, describe: () => p.capture() });

describe('interrupting postq on a spool of FIFOs', { timeout: 60_000 }, () => {
  it('Ctrl-C (a key in raw mode: app.quit) ends the console, alternate screen left', async () => {
    const p = await consoleOnFifoPane();
    expect(p.display('#{alternate_on}')).toBe('1');
    p.keys('C-c');
    await gone(p, 'the console to end on Ctrl-C');
    expect(p.exitCode()).toBe(0);
    expect(p.display('#{alternate_on}')).toBe('0');
  });

  it('SIGTERM ends the console (status 143)', async () => {
    const p = await consoleOnFifoPane();
    process.kill(p.pid(), 'SIGTERM');
    await gone(p, 'the console to end on SIGTERM');
    expect(p.exitCode()).toBe(143);
    expect(p.display('#{alternate_on}')).toBe('0');
  });

  it('stats --watch ends on Ctrl-C and on SIGTERM', async () => {
    for (const stop of ['C-c', 'SIGTERM'] as const) {
      spool = fifoSpool();
      const out = join(spool.outside, 'stats.json');
      const p = startTmux({ columns: 100, rows: 10, argv: ['node', CLI_PATH, 'stats', '--watch', '1', '--output', out, '--spool', spool.spool], cwd: REPO_ROOT });
      pane = p;
      await waitFor(() => existsSync(out), { what: 'the first stats file', timeoutMs: 20_000, describe: () => p.capture() });
      if (stop === 'C-c') p.keys('C-c');
      else process.kill(p.pid(), 'SIGTERM');
      await gone(p, `stats --watch to end on ${stop}`);
      expect(p.exitCode()).toBe(0);
      p.close();
      spool.cleanupAll();
      spool = undefined;
    }
  });
});
