/**
 * Nothing lost under faults, postsuper backend: a bulk hold of 5,000 messages on a real
 * Postfix, with postq and its postsuper SIGKILLed at the first file that reaches hold/, leaves
 * every message in exactly one queue (fresh scan of the files and postqueue -j); re-running
 * the same command finishes the job.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { createPostfixInstance, waitFor, type PostfixInstance } from '../helpers/postfix-instance.js';
import { whereAll } from './backend-contract.js';
import { cloneIntoDeferred, groupAlive, runAndKillAtFirstMove } from './bulk-queue.js';
import { postqueueJsonBig, queueDeferred } from './postfix-fixtures.js';

const COUNT = 5000;

describe('bulk hold through postsuper, killed midway', { timeout: 300_000 }, () => {
  let pf: PostfixInstance;
  let config: SpoolConfig;
  let ids: string[];

  beforeAll(async () => {
    pf = await createPostfixInstance({ label: 'fault' });
    const [seed] = [...(await queueDeferred(pf, 1, 'bulk')).values()];
    config = resolveSpoolConfig({ configDir: pf.configDir });
    // Clone while the instance is stopped, as an admin restoring a queue would.
    execFileSync('postfix', ['-c', pf.configDir, 'stop'], { env: pf.env, stdio: 'ignore' });
    const [ref] = [...whereAll(config)].filter(([id]) => id === seed);
    expect(ref?.[1]).toEqual(['deferred']);
    ids = [seed!, ...cloneIntoDeferred(config, join(config.queueDirectory, 'deferred', seed![0]!, seed!), COUNT - 1)];
    execFileSync('postfix', ['-c', pf.configDir, 'start'], { env: pf.env, stdio: 'ignore' });
    await waitFor(() => postqueueJsonBig(pf).length === COUNT, { what: `${COUNT} messages listed`, timeoutMs: 120_000 });
  }, 300_000);
  afterAll(() => pf?.stop());

  it('every message is in exactly one queue after the kill, and a re-run completes the hold', async () => {
    const argv = [process.execPath, join(REPO_ROOT, 'dist/cli.js'), 'hold', '--queue', 'deferred', '--yes', '-c', pf.configDir];
    const env = { ...pf.env, POSTQ_AUDIT_LOG: join(pf.root, 'audit.log') };
    const run = await runAndKillAtFirstMove(argv, env, join(config.queueDirectory, 'hold'));
    await waitFor(() => !groupAlive(run.pgid), { what: 'postq and postsuper gone', timeoutMs: 60_000 });
    expect(run.signal, run.stderr).toBe('SIGKILL');

    const places = whereAll(config);
    const held = ids.filter((id) => places.get(id)?.[0] === 'hold').length;
    for (const id of ids) expect(places.get(id)?.length === 1 ? 'one place' : `${id}: ${places.get(id)?.join('+') ?? 'nowhere'}`).toBe('one place');
    expect(places.size).toBe(COUNT);
    const listed = postqueueJsonBig(pf);
    expect(listed).toHaveLength(COUNT);
    expect(new Set(listed.map((e) => e.queue_id))).toEqual(new Set(ids));
    expect(listed.filter((e) => e.queue_name === 'hold')).toHaveLength(held);
    console.log(`postsuper: killed with ${held} of ${COUNT} held`);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(COUNT);

    const again = execFileSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8' });
    expect(again).toBe(`held ${(COUNT - held).toLocaleString('en-US')} of ${(COUNT - held).toLocaleString('en-US')} messages\n`);
    const after = postqueueJsonBig(pf);
    expect(after.filter((e) => e.queue_name === 'hold').map((e) => e.queue_id).sort()).toEqual([...ids].sort());
  });
});
