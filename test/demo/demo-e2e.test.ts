/**
 * `postq --demo` end to end: the built CLI in tmux (env -u CI) for a few seconds. The header
 * counts move while we watch; a message is held with the keys (H, y) and released from the
 * hold queue (L, y), each time moving its file in the demo spool; q quits with status 0 and
 * no temporary file is left behind. A signal (SIGHUP, as when an ssh session drops) cleans
 * up too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait-for.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});

beforeAll(async () => {
  await ensureBuilt();
});

interface Running {
  pane: TmuxPane;
  /** The TMPDIR the demo runs with: its spool is made below it. */
  tmp: string;
  spool: string;
}

async function launchDemo(columns: number, rows: number): Promise<Running> {
  const tmp = mkdtempSync(join(tmpdir(), 'postq-demo-e2e-'));
  const pane = startTmux({
    columns,
    rows,
    // The shell records the exit status in a file once node is gone.
    argv: ['sh', '-c', `node "$0" --demo --seed 4242 --rate 6; echo $? > "${join(tmp, 'status')}"`, CLI],
    cwd: REPO_ROOT,
    env: { TZ: 'UTC', TMPDIR: tmp, POSTQ_AUDIT_LOG: join(tmp, 'audit.log'), XDG_STATE_HOME: join(tmp, 'state') },
  });
  cleanups.push(() => {
    pane.close();
    // The demo may still be removing its spool after its terminal went away.
    rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });
  // The spool is the one directory the demo made under TMPDIR; the header names it.
  const name = await waitFor(() => readdirSync(tmp).find((n) => n.startsWith('postq-demo-')), { what: 'the demo spool', timeoutMs: 30_000 });
  await pane.waitFor(/postq-demo-/, 30_000);
  return { pane, tmp, spool: join(tmp, name) };
}

const press = (pane: TmuxPane, id: string) => pane.send(pressSequence(id));
const header = (screen: string) => screen.split('\n')[1] ?? '';
/** The queue counts in the header, e.g. { deferred: 168, hold: 12, ... }. */
const counts = (screen: string) => Object.fromEntries([...header(screen).matchAll(/([a-z]+) (\d+)/g)].map((m) => [m[1], Number(m[2])]));

describe('postq --demo in tmux', () => {
  it('counts move; H y holds and L y releases a message; q quits and leaves nothing behind', { timeout: 150_000 }, async () => {
    const { pane, tmp, spool } = await launchDemo(100, 30);
    // Wait for the initial index to finish ("indexing n/m" gone): later changes are the MTA's.
    const first = await waitFor(() => {
      const screen = pane.capture();
      return /● live\s*$/m.test(screen) && (counts(screen).deferred ?? 0) > 100 && screen;
    }, { what: 'the indexed demo queue in the header', timeoutMs: 30_000, describe: () => pane.capture() });
    // The simulated MTA delivers and defers: the header changes while we watch.
    await waitFor(() => header(pane.capture()) !== header(first), { what: 'the header counts to change', timeoutMs: 20_000, describe: () => pane.capture() });

    // The deferred queue, latest retry first, so the simulated qmgr leaves the row alone.
    press(pane, 'queue.deferred');
    await pane.waitFor(/^deferred \d+/m);
    press(pane, 'view.sort');
    await pane.waitFor(/sort next retry ↑/);
    press(pane, 'view.sortReverse');
    await pane.waitFor(/sort next retry ↓/);
    await pane.waitFor(/^> [0-9A-F]{6,}\s/m);

    // The list is live: the row under the cursor can change before H lands, so take the id
    // from the confirmation, which names what will be held.
    press(pane, 'queue.hold');
    const confirm = await pane.waitFor(/y\] confirm/);
    const id = /^ids: ([0-9A-F]{6,})$/m.exec(confirm)?.[1];
    expect(id, confirm).toBeDefined();
    const deferredPath = join(spool, 'deferred', id![0]!, id!);
    expect(existsSync(deferredPath)).toBe(true);
    press(pane, 'confirm.yes');
    await pane.waitFor('held 1 of 1');
    expect(existsSync(join(spool, 'hold', id!))).toBe(true);
    expect(existsSync(deferredPath)).toBe(false);

    // In the hold queue, filtered to that id: release it.
    press(pane, 'queue.holdView');
    await pane.waitFor(/^hold \d+/m);
    press(pane, 'view.filter');
    pane.send(`id:${id}`);
    press(pane, 'filter.apply');
    await pane.waitFor(new RegExp(`^> ${id}!`, 'm'));
    press(pane, 'queue.release');
    await pane.waitFor(/y\] confirm/);
    press(pane, 'confirm.yes');
    await pane.waitFor('released 1 of 1');
    expect(existsSync(join(spool, 'hold', id!))).toBe(false);
    expect(existsSync(deferredPath)).toBe(true);

    press(pane, 'app.quit');
    const status = await waitFor(() => existsSync(join(tmp, 'status')) && (readFileSync(join(tmp, 'status'), 'utf8').trim() || null), { what: 'the demo to exit', timeoutMs: 40_000 });
    expect(status).toBe('0');
    expect(existsSync(spool)).toBe(false);
    expect(readdirSync(tmp).filter((n) => n.startsWith('postq-demo-'))).toEqual([]);
    // No warm-start snapshot of a spool that is gone (each demo's spool is a new one).
    expect(existsSync(join(tmp, 'state', 'postq')) ? readdirSync(join(tmp, 'state', 'postq')).filter((n) => n.endsWith('.snapshot')) : []).toEqual([]);
  });

  it('removes its spool when the terminal goes away (SIGHUP)', { timeout: 90_000 }, async () => {
    const { pane, tmp, spool } = await launchDemo(80, 24);
    // The node process: the only child of the pane's shell.
    const pid = Number(execFileSync('pgrep', ['-P', String(pane.pid())], { encoding: 'utf8' }).trim());
    process.kill(pid, 'SIGHUP');
    await waitFor(() => !existsSync(spool), { what: 'the demo spool to be removed', timeoutMs: 20_000 });
    const status = await waitFor(() => existsSync(join(tmp, 'status')) && (readFileSync(join(tmp, 'status'), 'utf8').trim() || null), { what: 'the demo to exit', timeoutMs: 40_000 });
    expect(status).toBe('129');
  });
});
