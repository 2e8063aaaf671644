/**
 * The postsuper backend and the built CLI against a REAL private Postfix instance (loopback
 * only, relayhost on a closed port so every message defers). Results are checked with
 * `postqueue -j` and the files on disk, never with postq's own word.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostsuperBackend } from '../../src/actions/postsuper-backend.js';
import { createSpawnRunner } from '../../src/actions/process-runner.js';
import { runActionCommand } from '../../src/cli/action-command.js';
import { queuePath, resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { createPostfixInstance, waitFor, type PostfixInstance } from '../helpers/postfix-instance.js';
import { whereAll } from './backend-contract.js';
import { queueDeferred } from './postfix-fixtures.js';

// Each test starts the built CLI once or twice: generous limits for a loaded CI machine.
describe('postq ACTION (built CLI) on a real Postfix', { timeout: 300_000 }, () => {
  let pf: PostfixInstance;
  let config: SpoolConfig;
  let ids: Map<string, string>;
  let state: string;
  const cli = (args: string[], input = '', env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), ...args, '-c', pf.configDir], {
      input,
      encoding: 'utf8',
      env: { ...pf.env, POSTQ_AUDIT_LOG: join(state, 'audit.log'), ...env },
      timeout: 120_000,
    });
  const queueOf = (id: string) => pf.postqueueJson().find((e) => e.queue_id === id)?.queue_name ?? null;
  const onDisk = (queueName: string, id: string) => existsSync(join(pf.queueDirectory, queuePath(config, queueName, id)));

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), 'postq-state-'));
    pf = await createPostfixInstance({ label: 'cli' });
    ids = await queueDeferred(pf, 6, 'm');
    config = resolveSpoolConfig({ configDir: pf.configDir });
  }, 300_000);
  afterAll(() => {
    pf?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  it('without --yes nothing changes (postqueue -j before = after)', () => {
    const before = pf.postqueueJson();
    const r = cli(['delete', '--queue', 'deferred']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`would delete 6 messages:\n  postsuper -c ${pf.configDir} -d - deferred  (6 ids on stdin)\n`);
    expect(pf.postqueueJson()).toEqual(before);
  });

  it('hold, then release: postqueue -j and the files agree; the audit log has both', () => {
    const a = ids.get('m0@sender.example')!;
    const b = ids.get('m1@sender.example')!;
    const hold = cli(['hold', a, `${b}*`, '--yes']);
    expect(hold.stderr).toBe('');
    expect(hold.stdout).toBe('held 2 of 2 messages\n');
    expect(hold.status).toBe(0);
    expect([queueOf(a), queueOf(b)]).toEqual(['hold', 'hold']);
    expect(onDisk('hold', a) && !onDisk('deferred', a)).toBe(true);

    const release = cli(['release', '-', '--yes'], `${a}\n`);
    expect(release.stdout).toBe('released 1 of 1 message\n');
    expect(queueOf(a)).toBe('deferred');
    expect(onDisk('deferred', a) && !onDisk('hold', a)).toBe(true);

    const audit = readFileSync(join(state, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Each run: its intent line, then its result line with the commands.
    expect(audit.filter((e) => e.phase === 'done').map((e) => [e.backend, e.action, e.commands])).toEqual([
      ['postsuper', 'hold', [['postsuper', '-c', pf.configDir, '-h', '-', 'deferred']]],
      ['postsuper', 'release', [['postsuper', '-c', pf.configDir, '-H', '-', 'hold']]],
    ]);
  });

  it('deliver asks Postfix to retry now (before any flush in this file): the message is tried again and deferred with a new retry time', async () => {
    const id = ids.get('m5@sender.example')!;
    const path = join(pf.queueDirectory, queuePath(config, 'deferred', id));
    const retryBefore = statSync(path).mtimeMs;
    // Postfix sets the retry time (the file's mtime) in whole seconds: qmgr's time at the attempt
    // plus the backoff (the minimal one, for a message this young). A retry within the second of
    // the last attempt set the same mtime, and the wait below ran out (a clean-clone run on an
    // idle machine). Deliver once the clock is past that second.
    const backoff = Number(pf.run('postconf', ['-c', pf.configDir, '-h', 'minimal_backoff_time']).stdout.trim().replace(/s$/, ''));
    expect(backoff).toBeGreaterThan(0);
    const lastAttemptSecond = retryBefore / 1000 - backoff;
    await waitFor(() => Math.floor(Date.now() / 1000) > lastAttemptSecond, { what: 'a second past the last attempt', timeoutMs: 5_000, intervalMs: 20 });
    const attemptsBefore = pf.maillog().split('\n').filter((l) => l.includes(`${id}: to=<`)).length;
    const r = cli(['deliver', id, '--yes']);
    expect(r.stdout).toBe('scheduled 1 of 1 message\n');
    expect(r.status).toBe(0);
    await waitFor(() => pf.maillog().split('\n').filter((l) => l.includes(`${id}: to=<`)).length > attemptsBefore, { what: 'a new delivery attempt in the mail log', timeoutMs: 120_000 });
    await waitFor(() => existsSync(path) && statSync(path).mtimeMs > retryBefore && queueOf(id) === 'deferred', { what: 'deferred again with a later retry time', timeoutMs: 120_000 });
  });

  it('requeue: the old id leaves the queue and the message comes back under a new id', async () => {
    const id = ids.get('m2@sender.example')!;
    const r = cli(['requeue', id, '--yes']);
    expect(r.stdout).toContain('requeued 1 of 1 message\n');
    expect(r.status).toBe(0);
    // pickup takes maildrop/ when woken; postqueue -f wakes it (and retries the rest, which defer again).
    pf.run('postqueue', ['-c', pf.configDir, '-f']);
    const entries = await pf.waitForQueue((list) =>
      list.some((e) => e.sender === 'm2@sender.example' && e.queue_id !== id && e.queue_name === 'deferred'),
      { what: 'the requeued message back under a new id', timeoutMs: 120_000 },
    );
    expect(entries.some((e) => e.queue_id === id)).toBe(false);
    expect(entries.filter((e) => e.sender === 'm2@sender.example')).toHaveLength(1);
    // Let the flush settle (nothing left in active/ or incoming/): the tests below compare
    // postqueue -j before and after, which a retry still in flight would change.
    await pf.waitForQueue((list) => list.every((e) => e.queue_name === 'deferred' || e.queue_name === 'hold'), { what: 'the flush settled', timeoutMs: 120_000 });
  });

  it('delete with --filter removes only the matches, and their defer logs', async () => {
    const id = ids.get('m3@sender.example')!;
    // The flush above retries every message: qmgr takes m3 into active/ and removes its defer
    // log until the new attempt defers it again. Wait for that, or the check races qmgr.
    await waitFor(() => queueOf(id) === 'deferred' && onDisk('defer', id), { what: 'm3 deferred again with its defer log', timeoutMs: 120_000 });
    const before = pf.postqueueJson().length;
    const r = cli(['delete', '--filter', 'from:m3@sender', '--yes']);
    expect(r.stdout).toBe('deleted 1 of 1 message\n');
    expect(queueOf(id)).toBeNull();
    expect(onDisk('defer', id)).toBe(false);
    expect(pf.postqueueJson()).toHaveLength(before - 1);
  });

  it('ids that vanished or never existed: exit 1, reported, nothing else changes', () => {
    const before = pf.postqueueJson();
    const gone = ids.get('m3@sender.example')!; // deleted above
    const r = cli(['hold', gone, 'ABCDE123456', '--yes']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`held 0 of 2 messages; 2 not found (already gone)\nnot found: ${gone} ABCDE123456\n`);
    expect(pf.postqueueJson()).toEqual(before);
  });

  it('postsuper missing from PATH: a clear error per id, nothing changed', async () => {
    const before = pf.postqueueJson();
    const id = ids.get('m4@sender.example')!;
    const backend = createPostsuperBackend({ configDir: pf.configDir, runner: createSpawnRunner({ ...pf.env, PATH: '/nonexistent' }) });
    const result = await backend.run('hold', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([{ queueId: id, status: 'failed', reason: 'postsuper not found: is Postfix installed, and is /usr/sbin in PATH?' }]);
    expect(pf.postqueueJson()).toEqual(before);
    // The CLI without /usr/sbin cannot even ask postconf where the queue is: it says so.
    const r = cli(['hold', id, '--yes'], '', { PATH: '/usr/bin:/bin' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('postconf not found: is Postfix installed');
    expect(pf.postqueueJson()).toEqual(before);
  });

  it('postsuper failing (bad config dir): the fatal is the reason, nothing changed', async () => {
    const before = pf.postqueueJson();
    const id = ids.get('m4@sender.example')!;
    const backend = createPostsuperBackend({ configDir: join(pf.root, 'no-such-etc') });
    const result = await backend.run('delete', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes[0]).toMatchObject({ queueId: id, status: 'failed', reason: expect.stringMatching(/^postsuper: fatal: .*no-such-etc/) });
    expect(result.error).toMatch(/no-such-etc/);
    expect(pf.postqueueJson()).toEqual(before);
  });

  it('postq --yes as a non-root user says root is needed before touching anything (exit 1)', async () => {
    // In process with the uid check answered "not root": the repo may not be readable by an
    // unprivileged user on every CI machine, so runuser is kept for /usr/sbin/postsuper below.
    const before = pf.postqueueJson();
    const id = ids.get('m4@sender.example')!;
    const out: string[] = [];
    const options = { action: 'hold' as const, queues: null, filter: null, ids: [id], dryRun: false, yes: true, backend: null, bareSpool: false };
    const code = await runActionCommand(config, options, { out: (t) => out.push(t), err: (t) => out.push(t), readStdin: async () => '', isRoot: () => false });
    expect(out.join('')).toBe('postq: postsuper is reserved for the superuser: run postq as root (sudo postq ...) to change the queue\n');
    expect(code).toBe(1);
    expect(pf.postqueueJson()).toEqual(before);
  });

  it('a real non-root postsuper refuses; the backend explains', async () => {
    const id = ids.get('m4@sender.example')!;
    const before = pf.postqueueJson();
    // Run the real postsuper as nobody (isRoot forced true so the call goes out).
    const runner = createSpawnRunner(pf.env);
    const asNobody = { run: (req: Parameters<typeof runner.run>[0]) => runner.run({ ...req, file: 'runuser', args: ['-u', 'nobody', '--', '/usr/sbin/postsuper', ...req.args] }) };
    const backend = createPostsuperBackend({ configDir: pf.configDir, runner: asNobody, isRoot: () => true });
    const result = await backend.run('hold', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('reserved for the superuser') });
    expect(pf.postqueueJson()).toEqual(before);
    expect(whereAll(config).get(id)).toEqual(['deferred']);
  });
});
