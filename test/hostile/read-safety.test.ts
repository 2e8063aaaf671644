/**
 * Hostile spool, reading: no symlink is followed out of the spool, no FIFO hangs, no socket or
 * device crashes or is opened, /dev/zero never grows memory. Each case runs list, list --json,
 * list --all or cat on a copy of the corpus shaped by hostile-spool.ts: the built CLI wherever
 * a file could block or grow a read (FIFOs, devices), so that a hang fails the spawn's timeout,
 * never a clock assertion; the symlink cases through runMain in process (postq-in-process.ts).
 */
import { existsSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { PANE_WHOLE_MAX, readMessageBytes, readMessageForPane } from '../../src/watch/read-message.js';
import { scanQueues } from '../../src/watch/scan.js';
import { ensureBuilt, runCli, type PostqResult } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';
import { hostileSpool, makeCharDevice, makeFifo, makeSocket, plantSecret, type HostileSpool } from './hostile-spool.js';
import { writeLargeMessage } from './large-message.js';

let spool: HostileSpool;
beforeAll(ensureBuilt);
beforeEach(() => {
  spool = hostileSpool();
});
afterEach(() => spool.cleanupAll());

const SECRET = 'TOP-SECRET-KEY-MATERIAL';
const json = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
const list = (...args: string[]) => runCli(['list', ...args, '--spool', spool.spool]);
/** list in process: no file in these cases can block a read. */
const listHere = (...args: string[]) => cliInProcess(['list', ...args, '--spool', spool.spool]);
type Listed = Array<{ queue_id: string; queue_name: string; postq: { diagnostics: Array<{ problem: string }> } }>;
/** The problems list --json --all gives for `id`, from that listing's result. */
const problemsIn = (r: PostqResult, id: string) => (json(r.stdout) as Listed).filter((e) => e.queue_id === id).flatMap((e) => e.postq.diagnostics.map((d) => d.problem));
const problemsOf = (id: string) => problemsIn(list('--json', '--all'), id);

describe('symlinks are never followed below the queue directory', () => {
  it('a defer log symlinked to a file outside is not parsed', async () => {
    const secret = plantSecret(spool.outside, 'log', `<bob@lists.example.com>: ${SECRET}`);
    const log = join(spool.spool, 'defer/7/749A822C202');
    // The planted log claims a reason for the message's real recipient.
    const real = readFileSync(log, 'utf8').replace(/reason=.*/g, `reason=${SECRET}`);
    writeFileSync(secret, real);
    unlinkSync(log);
    symlinkSync(secret, log);
    for (const args of [[], ['--json'], ['--json', '--all']]) {
      const r = await listHere(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('749A822C202');
      expect(r.stdout).not.toContain(SECRET);
    }
  });

  it('a symlinked defer/ hash directory is not read', async () => {
    const outsideDefer = join(spool.outside, 'defer7');
    renameSync(join(spool.spool, 'defer/7'), outsideDefer);
    const log = join(outsideDefer, '749A822C202');
    writeFileSync(log, readFileSync(log, 'utf8').replace(/reason=.*/g, `reason=${SECRET}`));
    symlinkSync(outsideDefer, join(spool.spool, 'defer/7'));
    expect((await listHere('--json')).stdout).not.toContain(SECRET);
  });

  it('a symlinked corrupt/ does not make an outside file a message', async () => {
    rmSync(join(spool.spool, 'corrupt'), { recursive: true });
    plantSecret(join(spool.outside, 'keys'), 'ABCDEF12345', SECRET);
    symlinkSync(join(spool.outside, 'keys'), join(spool.spool, 'corrupt'));
    const r = await listHere('--json', '--all');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('ABCDEF12345');
    const cat = await cliInProcess(['cat', 'ABCDEF12345', '--spool', spool.spool]);
    expect(cat.stdout + cat.stderr).not.toContain(SECRET);
  });

  it('a queue file swapped for a symlink is shown as one and never read (cat, the pane, list --all)', async () => {
    const secret = plantSecret(spool.outside, 'shadow', SECRET);
    const rel = 'hold/559FD22C220';
    const config = resolveSpoolConfig({ spool: spool.spool });
    const entry = scanQueues(config, ['hold']).find((e) => e.queueId === '559FD22C220')!;
    unlinkSync(join(spool.spool, rel));
    symlinkSync(secret, join(spool.spool, rel));
    expect(() => readMessageBytes(config, entry)).toThrow(/not a regular file: symbolic link/);
    const cat = await cliInProcess(['cat', '559FD22C220', '--spool', spool.spool]);
    expect(cat.status).toBe(1);
    expect(cat.stdout + cat.stderr).not.toContain(SECRET);
    expect(cat.stderr).toContain('not a regular file: symbolic link');
    expect(problemsIn(await listHere('--json', '--all'), '559FD22C220')).toEqual(['not a regular file: symbolic link']);
  });

  it("the pane's reader: a file swapped for a symlink is refused; a window of a large one after the swap reads nothing", () => {
    const secret = plantSecret(spool.outside, 'shadow', SECRET);
    const config = resolveSpoolConfig({ spool: spool.spool });
    const entry = scanQueues(config, ['hold']).find((e) => e.queueId === '559FD22C220')!;
    const abs = join(spool.spool, 'hold/559FD22C220');
    unlinkSync(abs);
    symlinkSync(secret, abs);
    expect(() => readMessageForPane(config, entry)).toThrow(/not a regular file: symbolic link/);
    // A message over the pane's limit is read in windows, each opened again: swapped, it reads nothing.
    unlinkSync(abs);
    writeLargeMessage(abs);
    const found = readMessageForPane(config, { ...entry, path: 'hold/559FD22C220' })!;
    expect(found.fetch!(PANE_WHOLE_MAX, 4096).length).toBe(4096);
    unlinkSync(abs);
    symlinkSync(secret, abs);
    expect(found.fetch!(0, 4096).length).toBe(0);
  });
});

describe('strange files never hang, crash or get opened', () => {
  it('a FIFO as a defer log: list, list --json and --all finish', () => {
    const log = join(spool.spool, 'defer/7/749A822C202');
    unlinkSync(log);
    makeFifo(log);
    for (const args of [[], ['--json'], ['--json', '--all']]) {
      const r = list(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('749A822C202');
    }
  });

  it('a FIFO as a queue file: cat says what it is; list --all shows it', () => {
    const file = join(spool.spool, 'hold/559FD22C220');
    unlinkSync(file);
    makeFifo(file);
    const cat = runCli(['cat', '559FD22C220', '--spool', spool.spool]);
    expect(cat.status).toBe(1);
    expect(cat.stderr).toContain('hold/559FD22C220: not a regular file: FIFO');
    expect(problemsOf('559FD22C220')).toEqual(['not a regular file: FIFO']);
    // mailq does not list it either.
    expect(list().stdout).not.toContain('559FD22C220');
  });

  it('a socket and a device node named like ids: shown with their type, no crash', () => {
    makeSocket(join(spool.spool, 'deferred/7/7AAAA22C202'));
    makeCharDevice(join(spool.spool, 'deferred/7/7BBBB22C202'));
    expect(list().status).toBe(0);
    expect(list('--json').status).toBe(0);
    const listed = list('--json', '--all');
    expect(problemsIn(listed, '7AAAA22C202')).toEqual(['not a regular file: socket']);
    expect(problemsIn(listed, '7BBBB22C202')).toEqual(['not a regular file: character device']);
    const cat = runCli(['cat', '7AAAA22C202', '--spool', spool.spool]);
    expect(cat.status).toBe(1);
    expect(cat.stderr).toContain('not a regular file: socket');
  });

  it('a device node (/dev/zero\'s numbers) as a defer log: not opened, list finishes', () => {
    const log = join(spool.spool, 'defer/7/749A822C202');
    unlinkSync(log);
    makeCharDevice(log);
    for (const args of [[], ['--json']]) {
      const r = list(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('749A822C202');
    }
  });

  it('a filtered action on a spool with a FIFO defer log finishes (a dry run and --yes)', () => {
    const log = join(spool.spool, 'defer/7/749A822C202');
    unlinkSync(log);
    makeFifo(log);
    const act = (...more: string[]) => runCli(['hold', '--filter', 'queue:deferred', '--spool', spool.spool, '--backend', 'direct', '--no-audit', ...more]);
    const dry = act('--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/would hold \d+ messages/);
    const done = act('--yes');
    expect(done.stdout).toMatch(/held (\d+) of \1 messages/);
    expect(existsSync(join(spool.spool, 'hold/749A822C202'))).toBe(true);
  });

  it('/dev/zero as a defer log and as a message: refused, memory does not grow', () => {
    const log = join(spool.spool, 'defer/7/749A822C202');
    unlinkSync(log);
    symlinkSync('/dev/zero', log);
    unlinkSync(join(spool.spool, 'hold/5AF0622C221'));
    symlinkSync('/dev/zero', join(spool.spool, 'hold/5AF0622C221'));
    const r = list('--json', '--all');
    expect(r.status).toBe(0);
    expect(problemsIn(r, '5AF0622C221')).toEqual(['not a regular file: symbolic link']);
    const cat = runCli(['cat', '5AF0622C221', '--spool', spool.spool]);
    expect(cat.status).toBe(1);
  });
});

