/**
 * The link's faults over a real OpenSSH server (one sshd for the file, on loopback with its
 * own host key and an authorized test key; serve runs on a corpus copy, no Postfix needed):
 * - the remote postq stopped with SIGSTOP: heartbeats lapse, the target is lost with the
 *   time, its rows kept and marked stale; after SIGCONT it reconnects with the same rows;
 * - the ssh process killed mid-stream: lost, then reconnected through a new ssh;
 * - the hello carries that host's lifetimes and null sender (its main.cf, through postconf);
 * - a remote postq of another protocol version: refused with both versions named, no rows,
 *   no retry.
 * The same faults over `exec:` targets are in connection.test.ts.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, type Connection } from '../../src/remote/connection.js';
import { parseTarget, shellQuote } from '../../src/remote/target.js';
import { PROTOCOL_VERSION } from '../../src/remote/protocol.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { waitFor } from '../helpers/wait-for.js';
import { writePostfixConfig } from '../helpers/postfix-config.js';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const POSTQ = `${process.execPath} ${CLI}`;
let copy: CorpusCopy;
let sshd: TestSshd;
let configDir: string;
const open: Connection[] = [];

/** A wrapper that records its pid in FILE, then execs the rest: the pid is then the process the rest becomes. */
const recordingPid = (file: string) => `sh -c ${shellQuote(`echo $$ > ${file}; exec "$@"`)} x`;

function connect(remotePostq: string, extra: { ssh?: string[]; pingMs?: number; staleMs?: number } = {}): Connection {
  const c = createConnection({
    target: parseTarget('faults'),
    context: { ssh: extra.ssh ?? ['ssh', '-F', sshd.configFile], self: [process.execPath, CLI], remotePostq },
    serveArgs: ['-c', configDir, '--backend', 'direct', '--read-only'],
    version: '0.1.0',
    maxBackoffMs: 200,
    ...(extra.pingMs ? { pingMs: extra.pingMs } : {}),
    ...(extra.staleMs ? { staleMs: extra.staleMs } : {}),
  });
  open.push(c);
  c.start();
  return c;
}

const ids = (c: Connection) => [...c.mirror.entries.keys()].sort();
const pidIn = (file: string) => Number(readFileSync(file, 'utf8'));

beforeAll(async () => {
  copy = copyCorpusSpool('basic');
  sshd = await startSshd([{ name: 'faults' }]);
  // The target's own main.cf: lifetimes unlike Postfix's defaults, for the hello to carry.
  configDir = join(sshd.dir, 'postfix');
  mkdirSync(configDir);
  writePostfixConfig(join(configDir, 'main.cf'), `queue_directory = ${copy.spool}\nmaximal_queue_lifetime = 2d\nbounce_queue_lifetime = 3h\nempty_address_recipient = dbounce\n`);
  writePostfixConfig(join(configDir, 'master.cf'), '');
}, 60_000);
afterEach(() => {
  for (const c of open.splice(0)) c.stop();
});
afterAll(() => {
  sshd?.stop();
  copy?.cleanup();
});

describe('link faults over OpenSSH', () => {
  // One link through both faults in turn: each connect costs an ssh login and a node start.
  it('SIGSTOP on the remote postq: stale (rows kept, lost with the time), back after SIGCONT; then the ssh process killed: lost, back over a new ssh', async () => {
    const servePid = join(sshd.dir, 'serve.pid');
    const sshPid = join(sshd.dir, 'ssh.pid');
    const ssh = ['sh', '-c', `echo $$ > ${sshPid}; exec ssh -F ${sshd.configFile} "$@"`, 'x'];
    const c = connect(`${recordingPid(servePid)} ${POSTQ}`, { ssh, pingMs: 100, staleMs: 600 });
    await waitFor(() => c.status.ready, { what: 'ready', timeoutMs: 60_000, describe: () => JSON.stringify(c.status) });
    const before = ids(c);
    expect(before.length).toBeGreaterThan(10);
    expect(c.hello).toMatchObject({ queueDirectory: copy.spool, emptyAddress: 'dbounce', limits: { maximalQueueLifetime: 2 * 86_400, bounceQueueLifetime: 3 * 3600, source: 'postconf' } });
    const serve = pidIn(servePid);
    process.kill(serve, 'SIGSTOP');
    try {
      await waitFor(() => c.status.state === 'lost', { what: 'lost', describe: () => JSON.stringify(c.status) });
      expect(c.status.message).toMatch(/no answer for \d+ s/);
      expect(c.status.since).toBeGreaterThan(0);
      expect(ids(c)).toEqual(before);
      expect(c.mirror.stale).toBe(true);
    } finally {
      process.kill(serve, 'SIGCONT');
    }
    await waitFor(() => c.status.state === 'live' && c.status.ready, { what: 'reconnected', timeoutMs: 60_000, describe: () => JSON.stringify(c.status) });
    expect(pidIn(servePid)).not.toBe(serve); // a new remote postq, over a new ssh
    expect(c.mirror.stale).toBe(false);
    expect(ids(c)).toEqual(before);

    const transport = pidIn(sshPid);
    process.kill(transport, 'SIGKILL');
    await waitFor(() => c.status.state === 'lost', { what: 'lost after the kill', describe: () => JSON.stringify(c.status) });
    expect(c.status.message).toMatch(/SIGKILL/);
    expect(ids(c)).toEqual(before);
    expect(c.mirror.stale).toBe(true);
    await waitFor(() => c.status.state === 'live' && c.status.ready, { what: 'reconnected after the kill', timeoutMs: 60_000, describe: () => JSON.stringify(c.status) });
    expect(pidIn(sshPid)).not.toBe(transport);
    expect(ids(c)).toEqual(before);
  });

  it('refuses a remote of another protocol version, naming both, and does not retry', async () => {
    const old = join(sshd.dir, 'old-postq');
    const count = join(sshd.dir, 'old-postq.runs');
    writeFileSync(old, `#!/bin/sh\necho run >> ${count}\necho '{"t":"hello","protocol":${PROTOCOL_VERSION - 1},"version":"0.0.1","host":"old","queueDirectory":"/q"}'\nexec cat >/dev/null\n`);
    chmodSync(old, 0o755);
    const c = connect(old);
    await waitFor(() => c.status.state === 'mismatch', { what: 'mismatch', timeoutMs: 30_000, describe: () => JSON.stringify(c.status) });
    expect(c.status.message).toContain(`version mismatch: faults runs postq 0.0.1 (protocol ${PROTOCOL_VERSION - 1}), this console 0.1.0 (protocol ${PROTOCOL_VERSION})`);
    expect(c.mirror.entries.size).toBe(0);
    expect(c.hello).toBeNull();
    // No reconnect loop: after a few backoff periods (200 ms each here), still one run.
    await new Promise((r) => setTimeout(r, 700));
    expect(c.status.state).toBe('mismatch');
    expect(readFileSync(count, 'utf8')).toBe('run\n');
  });
});
