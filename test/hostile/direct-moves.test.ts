/**
 * The direct backend on a hostile spool (as root): symlinked defer/, trace/, hash and queue
 * directories never let a delete or a move touch a file outside the spool; FIFOs and symlinks
 * named like ids are refused with their type; a move half done by a SIGKILL (one inode, two
 * names) is settled by the next run.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectBackend } from '../../src/actions/direct-backend.js';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { whereAll } from '../actions/backend-contract.js';
import { hostileSpool, makeFifo, plantSecret, type HostileSpool } from './hostile-spool.js';

let spool: HostileSpool;
let config: SpoolConfig;
beforeEach(() => {
  spool = hostileSpool();
  config = resolveSpoolConfig({ spool: spool.spool });
});
afterEach(() => spool.cleanupAll());

const run = (action: 'hold' | 'release' | 'delete', queueId: string, queueName: 'deferred' | 'hold') =>
  createDirectBackend({ config }).run(action, [{ queueId, queueName }]).then((r) => r.outcomes[0]!);

describe('direct backend: no symlink below the spool is followed', () => {
  it('delete through a symlinked defer/ hash directory and trace/ removes nothing outside', async () => {
    const outsideDefer = join(spool.outside, 'defer7');
    renameSync(join(spool.spool, 'defer/7'), outsideDefer);
    symlinkSync(outsideDefer, join(spool.spool, 'defer/7'));
    const victims = join(spool.outside, 'victims');
    plantSecret(victims, '749A822C202');
    rmSync(join(spool.spool, 'trace'), { recursive: true, force: true });
    symlinkSync(victims, join(spool.spool, 'trace'));
    const outcome = await run('delete', '749A822C202', 'deferred');
    expect(outcome).toMatchObject({ status: 'failed' });
    expect((outcome as { reason: string }).reason).toMatch(/defer\/7 is not a directory|not reached through real directories/);
    expect(existsSync(join(outsideDefer, '749A822C202'))).toBe(true);
    expect(existsSync(join(victims, '749A822C202'))).toBe(true);
    // The message itself stays: a delete that cannot remove its logs safely does not start.
    expect(whereAll(config).get('749A822C202')).toEqual(['deferred']);
  });

  it('release never moves an outside file through a symlinked hold/ (a hash directory alike)', async () => {
    const outsideDir = join(spool.outside, 'bin');
    plantSecret(outsideDir, '5FAAF22C222', '#!/bin/sh\necho owned');
    rmSync(join(spool.spool, 'hold/5FAAF22C222'));
    // hold/ is flat; a symlinked hold/ is the same attack one level up.
    renameSync(join(spool.spool, 'hold'), join(spool.outside, 'realhold'));
    symlinkSync(outsideDir, join(spool.spool, 'hold'));
    const outcome = await run('release', '5FAAF22C222', 'hold');
    expect(outcome.status).not.toBe('done');
    expect(existsSync(join(outsideDir, '5FAAF22C222'))).toBe(true);
    expect(whereAll(config).get('5FAAF22C222')).toBeUndefined();
  });

  it('release into a symlinked deferred/ hash directory moves nothing outside', async () => {
    // hold/5FAAF22C222 is released to deferred/5/ (not there yet): a symlink to outside is.
    const outsideHash = join(spool.outside, 'cron.d');
    mkdirSync(outsideHash);
    symlinkSync(outsideHash, join(spool.spool, 'deferred/5'));
    const outcome = await run('release', '5FAAF22C222', 'hold');
    expect(outcome.status).toBe('failed');
    expect((outcome as { reason: string }).reason).toMatch(/deferred\/5 is not a directory|not reached through real directories/);
    expect(readdirSync(outsideHash)).toEqual([]);
    expect(whereAll(config).get('5FAAF22C222')).toEqual(['hold']);
  });

  it('delete --queue hold with hold/ a symlink deletes nothing outside', async () => {
    const outsideDir = join(spool.outside, 'precious');
    plantSecret(outsideDir, '559FD22C220');
    renameSync(join(spool.spool, 'hold'), join(spool.outside, 'realhold'));
    symlinkSync(outsideDir, join(spool.spool, 'hold'));
    const outcome = await run('delete', '559FD22C220', 'hold');
    expect(outcome.status).not.toBe('done');
    expect(readFileSync(join(outsideDir, '559FD22C220'), 'utf8')).toContain('TOP-SECRET');
  });

  it('a FIFO or a symlink named like an id is refused with its type, and stays', async () => {
    unlinkSync(join(spool.spool, 'hold/559FD22C220'));
    makeFifo(join(spool.spool, 'hold/559FD22C220'));
    expect(await run('delete', '559FD22C220', 'hold')).toMatchObject({ status: 'failed', reason: expect.stringContaining('not a regular file: FIFO') });
    expect(existsSync(join(spool.spool, 'hold/559FD22C220'))).toBe(true);
    const secret = plantSecret(spool.outside, 'target');
    unlinkSync(join(spool.spool, 'hold/5AF0622C221'));
    symlinkSync(secret, join(spool.spool, 'hold/5AF0622C221'));
    expect(await run('release', '5AF0622C221', 'hold')).toMatchObject({ status: 'failed', reason: expect.stringContaining('symbolic link') });
    expect(readFileSync(secret, 'utf8')).toContain('TOP-SECRET');
  });
});

describe('direct backend: a half-done move', () => {
  it('one inode at deferred/ and hold/ (killed between link and unlink): the next hold settles it', async () => {
    const from = join(spool.spool, 'deferred/7/749A822C202');
    linkSync(from, join(spool.spool, 'hold/749A822C202'));
    expect(whereAll(config).get('749A822C202')).toEqual(['deferred', 'hold']);
    // Settled toward hold/: this run moved nothing itself, so it does not count a move.
    expect(await run('hold', '749A822C202', 'deferred')).toEqual({ queueId: '749A822C202', status: 'not-found' });
    expect(whereAll(config).get('749A822C202')).toEqual(['hold']);
  });

  it('two different files for one id are never merged: the move fails, both stay', async () => {
    writeFileSync(join(spool.spool, 'hold/749A822C202'), readFileSync(join(spool.spool, 'deferred/7/749A822C202')), { mode: 0o700 });
    const outcome = await run('hold', '749A822C202', 'deferred');
    expect(outcome).toMatchObject({ status: 'failed', reason: 'hold/749A822C202 already exists; not overwritten' });
    expect(whereAll(config).get('749A822C202')).toEqual(['deferred', 'hold']);
  });
});
