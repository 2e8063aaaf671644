/**
 * Nothing lost under faults, direct backend: a bulk hold of 5,000 messages in a spool no
 * Postfix manages, with postq SIGKILLed at the first file that reaches hold/, leaves every
 * message in exactly one queue (fresh walk of the spool), except at most the one move in
 * flight, which a move by link then unlink leaves under both names; re-running settles that
 * one and finishes the job.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { waitFor } from '../helpers/wait-for.js';
import { whereAll } from './backend-contract.js';
import { cloneIntoDeferred, groupAlive, runAndKillAtFirstMove } from './bulk-queue.js';

const COUNT = 5000;

describe('bulk hold through the direct backend, killed midway', { timeout: 300_000 }, () => {
  let copy: CorpusCopy;
  let config: SpoolConfig;
  let ids: string[];
  let others: number;

  beforeAll(() => {
    copy = copyCorpusSpool('basic');
    config = resolveSpoolConfig({ spool: copy.spool });
    others = whereAll(config).size;
    // A ready deferred file from the corpus (0700), hard-linked under fresh ids: only names
    // matter to this backend and to the walk that checks it.
    ids = cloneIntoDeferred(config, join(copy.spool, 'deferred/0/0558022C217'), COUNT, 'link');
    expect(new Set(ids).size).toBe(COUNT);
  }, 300_000);
  afterAll(() => copy?.cleanup());

  it('every message is in exactly one queue after the kill, and a re-run completes the hold', async () => {
    const argv = [process.execPath, join(REPO_ROOT, 'dist/cli.js'), 'hold', '--queue', 'deferred', '--yes', '--spool', copy.spool, '--backend', 'direct'];
    const env = { ...process.env, POSTQ_AUDIT_LOG: join(copy.spool, '..', 'audit.log') };
    const run = await runAndKillAtFirstMove(argv, env, join(copy.spool, 'hold'));
    await waitFor(() => !groupAlive(run.pgid), { what: 'postq gone', timeoutMs: 60_000 });
    expect(run.signal, run.stderr).toBe('SIGKILL');

    const places = whereAll(config);
    const wrong = ids.filter((id) => places.get(id)?.length !== 1);
    expect(ids.filter((id) => !places.get(id)), 'ids in no queue').toEqual([]);
    expect(wrong.length, 'ids in two queues (only the move in flight may be)').toBeLessThanOrEqual(1);
    for (const id of wrong) expect(places.get(id)).toEqual(['deferred', 'hold']);
    expect(places.size).toBe(COUNT + others);
    const held = ids.filter((id) => places.get(id)!.includes('hold')).length;
    console.log(`direct: killed with ${held} of ${COUNT} held`);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(COUNT);

    // The move in flight (if the kill split it) is settled and counts as not found: 0 or 1 of those.
    const rerun = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8' });
    expect(rerun.status === 0 || /; 1 not found/.test(rerun.stdout), rerun.stdout + rerun.stderr).toBe(true);
    const after = whereAll(config);
    expect(ids.filter((id) => after.get(id)?.join() !== 'hold')).toEqual([]);
    expect(after.size).toBe(COUNT + others);
  });
});
