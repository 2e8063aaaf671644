/**
 * The fleet over a real OpenSSH server (started by this file on a loopback port, own host key,
 * an authorized test key) reaching two private Postfix instances: each ssh alias sets
 * MAIL_CONFIG for its instance, as two hosts would each have their own default instance.
 * - `postq list --json --host a --host b` equals each instance's `postqueue -j`, plus `host`;
 * - the fleet console in tmux: the overview counts each target, a refused key shows as failed
 *   with ssh's reason, Enter opens a target, H y holds on that instance and no other, audit
 *   lines exist on both sides, q goes back to the overview; 0 merges every target into one
 *   list (bare ids, a HOST column), host: narrows it, and a hold there lands on that host only;
 * - the remote pane on a message over 8 MB: its first 8 MB over the link, then pages through it
 *   to the end (serve --read windows).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { createPostfixInstance, type PostfixInstance, type PostqueueEntry } from '../helpers/postfix-instance.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait-for.js';
import { createLinkPaneReader } from '../../src/cli/remote-read.js';
import { createConnection } from '../../src/remote/connection.js';
import { queuePath, resolveSpoolConfig } from '../../src/config/spool-config.js';
import { parseTarget } from '../../src/remote/target.js';
import { dumpRecords } from '../../src/spool/record-dump.js';
import { buildMessageDocument } from '../../src/ui/message-document.js';
import { scanQueues } from '../../src/watch/scan.js';
import { LINES, writeLargeMessage } from '../hostile/large-message.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const REMOTE_POSTQ = `${process.execPath} ${CLI}`;
let a: PostfixInstance;
let b: PostfixInstance;
let sshd: TestSshd;
let env: NodeJS.ProcessEnv;
let localAudit: string;

const byId = (x: { queue_id: string }, y: { queue_id: string }) => x.queue_id.localeCompare(y.queue_id);

beforeAll(async () => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
  [a, b] = await Promise.all([createPostfixInstance({ label: 'fleet-a' }), createPostfixInstance({ label: 'fleet-b' })]);
  for (let i = 0; i < 3; i++) a.sendmail('alice@a.test', [`r${i}@dead.example`], `Subject: a${i}\n\nbody\n`);
  for (let i = 0; i < 2; i++) b.sendmail('bob@b.test', [`s${i}@dead.example`], `Subject: b${i}\n\nbody\n`);
  await Promise.all([a.waitForDeferred(3), b.waitForDeferred(2)]);
  sshd = await startSshd([
    { name: 'fleet-a', env: { MAIL_CONFIG: a.configDir, POSTQ_AUDIT_LOG: join(a.root, 'audit.log') } },
    { name: 'fleet-b', env: { MAIL_CONFIG: b.configDir, POSTQ_AUDIT_LOG: join(b.root, 'audit.log') } },
    { name: 'fleet-stranger', unknownKey: true },
  ]);
  localAudit = join(sshd.dir, 'local-audit.log');
  env = { ...process.env, POSTQ_SSH: `ssh -F ${sshd.configFile}`, POSTQ_AUDIT_LOG: localAudit, TZ: 'UTC' };
}, 240_000);

afterAll(() => {
  sshd?.stop();
  a?.stop();
  b?.stop();
});

describe('fleet over OpenSSH', () => {
  it('list --json on two hosts equals each instance\'s postqueue -j, with host on every line', () => {
    const run = spawnSync(process.execPath, [CLI, 'list', '--json', '--host', 'fleet-a', '--host', 'fleet-b', '--remote-postq', REMOTE_POSTQ], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as PostqueueEntry & { host: string });
    const strip = (host: string) => lines.filter((l) => l.host === host).map(({ host: _h, postq: _p, ...rest }: PostqueueEntry & { host: string; postq?: unknown }) => rest).sort(byId);
    const oracle = (i: PostfixInstance) => i.postqueueJson().map(({ postq: _p, ...rest }: PostqueueEntry & { postq?: unknown }) => rest).sort(byId);
    expect(strip('fleet-a')).toEqual(oracle(a));
    expect(strip('fleet-b')).toEqual(oracle(b));
    expect(lines.length).toBe(5);
  });

  it('a refused key fails with ssh\'s reason and a non-zero exit', () => {
    const run = spawnSync(process.execPath, [CLI, 'list', '--json', '--host', 'fleet-stranger', '--remote-postq', REMOTE_POSTQ], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/^fleet-stranger: .*Permission denied/m);
    expect(run.stdout).toBe('');
  });

  it('the fleet console: overview, a refused key, hold on the right instance, audit on both sides', async () => {
    const pane: TmuxPane = startTmux({
      columns: 120,
      rows: 24,
      argv: ['node', CLI, '--host', 'fleet-a', '--host', 'fleet-b', '--host', 'fleet-stranger', '--remote-postq', REMOTE_POSTQ],
      cwd: REPO_ROOT,
      env: { POSTQ_SSH: env.POSTQ_SSH!, POSTQ_AUDIT_LOG: localAudit, TZ: 'UTC' },
    });
    try {
      let screen = await pane.waitUntil((s) => /live\s+fleet-a\s+0\s+0\s+0\s+3\b/.test(s) && /live\s+fleet-b\s+0\s+0\s+0\s+2\b/.test(s) && /failed\s+fleet-stranger/.test(s), 'both hosts live with their counts, the stranger failed', 90_000);
      expect(screen).toContain('postq fleet · 3 targets');
      for (const [key, row] of [['j', 'fleet-b'], ['j', 'fleet-stranger']] as const) {
        pane.send(key);
        await pane.waitFor(new RegExp(`> \\S+\\s+${row}`));
      }
      screen = await pane.waitFor(/Permission denied/);
      for (const [key, row] of [['k', 'fleet-b'], ['k', 'fleet-a']] as const) {
        pane.send(key);
        await pane.waitFor(new RegExp(`> \\S+\\s+${row}`));
      }
      pane.keys('Enter');
      const held = a.postqueueJson().map((e) => e.queue_id);
      screen = await pane.waitUntil((s) => held.every((id) => s.includes(id)) && s.includes('fleet-a'), "fleet-a's console with its three messages", 60_000);
      pane.send(pressSequence('queue.hold'));
      await pane.waitFor(/hold|Hold/);
      pane.send(pressSequence('confirm.yes'));
      const after = await a.waitForQueue((q) => q.filter((e) => e.queue_name === 'hold').length === 1, { what: 'one held on instance a' });
      const heldId = after.find((e) => e.queue_name === 'hold')!.queue_id;
      expect(b.postqueueJson().every((e) => e.queue_name === 'deferred')).toBe(true);
      const remoteAudit = await waitFor(() => existsSync(join(a.root, 'audit.log')) && readFileSync(join(a.root, 'audit.log'), 'utf8'), { what: 'the remote audit line' });
      expect(remoteAudit).toContain(heldId);
      // The run's intent line is written before the hold and its done line (the commands, with
      // the target) after the remote answer: wait for the done line, not just a first line.
      const local = await waitFor(() => existsSync(localAudit) && readFileSync(localAudit, 'utf8').includes('"phase":"done"') && readFileSync(localAudit, 'utf8'), { what: "the local audit's done line" });
      expect(local).toContain('on:fleet-a');
      expect(local).toContain(heldId);
      expect(existsSync(join(b.root, 'audit.log'))).toBe(false);
      pane.send(pressSequence('app.quit'));
      await pane.waitFor('postq fleet · 3 targets');

      // 0: every target in one list, bare ids with a HOST column; host: narrows; a hold goes to its host.
      pane.send('0');
      const row = (id: string, host: string) => new RegExp(`${id}[*!#?]*\\s+${host}\\s`);
      const all = [...a.postqueueJson().map((e) => row(e.queue_id, 'fleet-a')), ...b.postqueueJson().map((e) => row(e.queue_id, 'fleet-b'))];
      screen = await pane.waitUntil((s) => all.every((r) => r.test(s)), 'all five messages merged, each with its host', 60_000);
      expect(screen).toMatch(/QUEUE ID\s+HOST\s/);
      expect(screen).not.toMatch(/[0-9A-Z]@fleet-/);
      pane.send(pressSequence('view.filter'));
      pane.send('host:fleet-b');
      pane.send(pressSequence('filter.apply'));
      await pane.waitUntil((s) => s.includes('host:fleet-b') && !/[0-9A-Z]!?\s+fleet-a\s/.test(s), 'only fleet-b rows');
      pane.send(pressSequence('queue.hold'));
      await pane.waitFor('fleet-b: 1');
      pane.send(pressSequence('confirm.yes'));
      await pane.waitFor('fleet-b: held 1 of 1'); // the result per host
      const bAfter = await b.waitForQueue((q) => q.filter((e) => e.queue_name === 'hold').length === 1, { what: 'one held on instance b' });
      expect(a.postqueueJson().filter((e) => e.queue_name === 'hold').map((e) => e.queue_id)).toEqual([heldId]);
      const bHeld = bAfter.find((e) => e.queue_name === 'hold')!.queue_id;
      await waitFor(() => readFileSync(localAudit, 'utf8').includes(bHeld), { what: 'the local audit line for fleet-b' });
      expect(readFileSync(localAudit, 'utf8')).toContain('on:fleet-b');
      pane.send(pressSequence('app.quit'));
      await pane.waitFor('postq fleet · 3 targets');
      pane.send('q');
      await waitFor(() => pane.exitCode() !== null, { what: 'the fleet console to exit' });
      expect(pane.exitCode()).toBe(0);
    } finally {
      pane.close();
    }
  });

  it('the remote pane pages a message over 8 MB through ssh to its end (the first 8 MB over the link)', async () => {
    const config = resolveSpoolConfig({ spool: a.queueDirectory });
    const rel = queuePath(config, 'hold', 'ABCDE22C2AE');
    writeLargeMessage(join(a.queueDirectory, rel));
    try {
      const entry = scanQueues(config, ['hold']).find((e) => e.queueId === 'ABCDE22C2AE')!;
      const plan = { targets: [parseTarget('fleet-a')], serveArgs: [], context: { ssh: ['ssh', '-F', sshd.configFile], self: [], remotePostq: REMOTE_POSTQ } };
      const link = createConnection({ target: plan.targets[0]!, context: plan.context, serveArgs: [], version: '0.1.0' });
      link.start();
      let first;
      try {
        await waitFor(() => link.status.state === 'live', { what: 'the link live', timeoutMs: 60_000 });
        const reader = createLinkPaneReader(link, plan);
        const waiting = reader(entry);
        if (waiting && 'pending' in waiting) await waiting.pending;
        first = reader(entry);
      } finally {
        link.stop();
      }
      let doc = buildMessageDocument(entry, () => first, 'postcat', dumpRecords);
      const lines: string[] = [];
      for (;;) {
        lines.push(...doc.lines.map((l) => l.text));
        if (!doc.pages?.next) break;
        doc = doc.pages.next();
      }
      expect(doc.title).toContain('100% read');
      expect(lines.some((l) => l.includes(`line ${LINES - 10} LAST-WORD`))).toBe(true);
      expect(lines.at(-1)).toBe(`*** MESSAGE FILE END ${rel} ***`);
    } finally {
      rmSync(join(a.queueDirectory, rel), { force: true });
    }
  });
});
