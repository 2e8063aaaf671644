/**
 * `--all-instances` with a real `postmulti -l`: postmulti only reads the default
 * configuration directory (it refuses MAIL_CONFIG elsewhere), so the test runs postq in a
 * private mount namespace where /etc/postfix is a copy whose main.cf lists two private
 * Postfix instances in multi_instance_directories (the host's /etc/postfix is not touched).
 * `postq list --json --all-instances` then lists every instance postmulti names, each line
 * with its `local:DIR` host, and each instance's lines equal its own `postqueue -j`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostfixInstance, type PostfixInstance, type PostqueueEntry } from '../helpers/postfix-instance.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { writePostfixConfig } from '../helpers/postfix-config.js';

let a: PostfixInstance;
let b: PostfixInstance;
let etc: string;

beforeAll(async () => {
  await ensureBuilt();
  [a, b] = await Promise.all([createPostfixInstance({ label: 'multi-a' }), createPostfixInstance({ label: 'multi-b' })]);
  for (let i = 0; i < 2; i++) a.sendmail('alice@a.test', [`r${i}@dead.example`], `Subject: a${i}\n\nbody\n`);
  b.sendmail('bob@b.test', ['s0@dead.example'], 'Subject: b0\n\nbody\n');
  await Promise.all([a.waitForDeferred(2), b.waitForDeferred(1)]);
  etc = mkdtempSync(join(tmpdir(), 'postq-etc-postfix-'));
  cpSync('/etc/postfix', etc, { recursive: true });
  writePostfixConfig(join(etc, 'main.cf'), `\nmulti_instance_directories = ${a.configDir} ${b.configDir}\n`, { append: true });
}, 120_000);

afterAll(() => {
  a?.stop();
  b?.stop();
  if (etc) rmSync(etc, { recursive: true, force: true });
});

/** argv run with `etc` mounted on /etc/postfix, in a mount namespace of its own. */
function inNamespace(argv: string[]) {
  return spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /etc/postfix && exec "$@"', etc, ...argv], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TZ: 'UTC' } });
}

type Line = PostqueueEntry & { host: string; postq?: unknown };
const byId = (x: { queue_id: string }, y: { queue_id: string }) => x.queue_id.localeCompare(y.queue_id);
const withoutPostq = ({ postq: _p, ...rest }: PostqueueEntry & { postq?: unknown }) => rest;

describe('--all-instances (postmulti -l)', () => {
  it('lists every instance postmulti names, each equal to its postqueue -j', () => {
    const listed = inNamespace(['postmulti', '-l']);
    expect(listed.stdout).toContain(a.configDir);
    expect(listed.stdout).toContain(b.configDir);
    const run = inNamespace([process.execPath, CLI_PATH, 'list', '--json', '--all-instances']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    const hosts = new Set(lines.map((l) => l.host));
    // The default instance is listed too (its queue may be empty: then it has no lines).
    for (const host of [`local:${a.configDir}`, `local:${b.configDir}`]) expect(hosts).toContain(host);
    expect([...hosts].every((h) => ['local:/etc/postfix', `local:${a.configDir}`, `local:${b.configDir}`].includes(h))).toBe(true);
    const of = (i: PostfixInstance) => lines.filter((l) => l.host === `local:${i.configDir}`).map(({ host: _h, ...rest }) => withoutPostq(rest)).sort(byId);
    expect(of(a)).toEqual(a.postqueueJson().map(withoutPostq).sort(byId));
    expect(of(b)).toEqual(b.postqueueJson().map(withoutPostq).sort(byId));
    expect(of(a)).toHaveLength(2);
    expect(of(b)).toHaveLength(1);
  });
});
