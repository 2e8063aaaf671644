/**
 * The audit log under attack and under SIGKILL: the intent is on disk before anything moves and
 * results follow chunk by chunk (a killed batch leaves a record matching the spool); a log that
 * cannot be written, a symlinked log, one owned by someone else or group-writable make postq
 * refuse to act, saying why, unless --no-audit is given.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { CLI_PATH, ensureBuilt, runCli } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { whereAll } from '../actions/backend-contract.js';
import { cloneIntoDeferred, groupAlive } from '../actions/bulk-queue.js';
import { hostileSpool, plantSecret, type HostileSpool } from './hostile-spool.js';

let spool: HostileSpool;
beforeAll(ensureBuilt);
afterEach(() => spool?.cleanupAll());

/** The first hold of the file runs the built CLI, the others runMain in process (postq-in-process.ts). */
let spawned = false;
const hold = async (log: string, ...extra: string[]) => {
  const args = ['hold', '749A822C202', '--yes', '--spool', spool.spool, '--backend', 'direct', ...extra];
  return spawned ? cliInProcess(args, { POSTQ_AUDIT_LOG: log }) : ((spawned = true), runCli(args, { POSTQ_AUDIT_LOG: log }));
};
const placeOf = (id: string) => whereAll(resolveSpoolConfig({ spool: spool.spool })).get(id);

describe('audit log: refuse to act without a safe one', () => {
  it('an unwritable log refuses with the reason; --no-audit acts', async () => {
    spool = hostileSpool();
    writeFileSync(join(spool.outside, 'file'), '');
    const log = join(spool.outside, 'file', 'audit.log');
    const refused = await hold(log);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`audit log ${log}: cannot create`);
    expect(refused.stderr).toContain('--no-audit');
    expect(placeOf('749A822C202')).toEqual(['deferred']);
    expect((await hold(log, '--no-audit')).status).toBe(0);
    expect(placeOf('749A822C202')).toEqual(['hold']);
  });

  it('a symlinked log is not written through', async () => {
    spool = hostileSpool();
    const target = plantSecret(spool.outside, 'shadow', 'root:x:0:0');
    const log = join(spool.outside, 'audit.log');
    symlinkSync(target, log);
    const r = await hold(log);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('is a symbolic link: not written through');
    expect(readFileSync(target, 'utf8')).toBe('root:x:0:0\n');
    expect(placeOf('749A822C202')).toEqual(['deferred']);
  });

  it('a log owned by another user, or group-writable, is refused', async () => {
    spool = hostileSpool();
    const log = join(spool.outside, 'audit.log');
    writeFileSync(log, '', { mode: 0o600 });
    chownSync(log, 65534, 65534);
    expect((await hold(log)).stderr).toContain('is owned by uid 65534, not by the user running postq');
    chownSync(log, process.getuid!(), process.getgid!());
    chmodSync(log, 0o664);
    expect((await hold(log)).stderr).toContain('is group- or world-writable (mode 0664)');
    expect(placeOf('749A822C202')).toEqual(['deferred']);
  });
});

describe('audit log: a batch killed midway', { timeout: 300_000 }, () => {
  it('left its intent and the results of every finished chunk; they match the spool', async () => {
    spool = hostileSpool();
    const config = resolveSpoolConfig({ spool: spool.spool });
    const ids = cloneIntoDeferred(config, join(spool.spool, 'deferred/0/0558022C217'), 5000, 'link');
    const log = join(spool.outside, 'audit.log');
    const argv = [CLI_PATH, 'hold', '--queue', 'deferred', '--yes', '--spool', spool.spool, '--backend', 'direct'];
    const child = spawn(process.execPath, argv, { env: { ...process.env, POSTQ_AUDIT_LOG: log }, detached: true, stdio: 'ignore' });
    let events = 0;
    // Killed once about 1,500 names reached hold/: several chunks written, many ids not yet moved.
    const watcher = watch(join(spool.spool, 'hold'), () => {
      if (++events === 1500) process.kill(-child.pid!, 'SIGKILL');
    });
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    watcher.close();
    await waitFor(() => !groupAlive(child.pid!), { what: 'postq gone', timeoutMs: 60_000 });
    expect(signal).toBe('SIGKILL');
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ phase: 'intent', action: 'hold', backend: 'direct' });
    expect(lines[0].ids.length).toBeGreaterThanOrEqual(5000);
    expect(lines.some((l) => l.phase === 'done')).toBe(false);
    const recordedDone = new Set(lines.filter((l) => l.phase === 'progress').flatMap((l) => l.outcomes.filter((o: { status: string }) => o.status === 'done').map((o: { queueId: string }) => o.queueId)));
    const places = whereAll(config);
    const held = ids.filter((id) => places.get(id)?.includes('hold'));
    expect(recordedDone.size).toBeGreaterThan(0);
    // Every recorded move happened; what happened unrecorded is at most the chunk in flight.
    expect([...recordedDone].filter((id) => !places.get(id)?.includes('hold'))).toEqual([]);
    expect(held.length - recordedDone.size).toBeLessThanOrEqual(256);
    expect(existsSync(log)).toBe(true);
  });
});
