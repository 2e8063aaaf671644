/**
 * A fleet link end to end without ssh: `exec:` targets run the built postq's `serve --stdio`
 * on a corpus copy (the same code path as over ssh, minus the transport), and stand-ins for
 * an old remote and a host without node.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, type Connection } from '../../src/remote/connection.js';
import { parseTarget } from '../../src/remote/target.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { scanQueues } from '../../src/watch/scan.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { CHANGED_REASON } from '../../src/domain/backend.js';
import { HEARTBEAT_MS, PROTOCOL_VERSION } from '../../src/remote/protocol.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { waitFor } from '../helpers/wait-for.js';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const self = [process.execPath, CLI];
let copy: CorpusCopy;
let scratch: string;
const open: Connection[] = [];

function connect(address: string, remotePostq: string | null, extra: Partial<Parameters<typeof createConnection>[0]> = {}): Connection {
  const c = createConnection({
    target: parseTarget(`exec:${address}`),
    context: { ssh: ['ssh'], self, remotePostq },
    serveArgs: ['--spool', copy.spool, '--backend', 'direct'],
    version: '0.1.0',
    ...extra,
  });
  open.push(c);
  c.start();
  return c;
}

beforeAll(() => {
  copy = copyCorpusSpool('basic');
  scratch = mkdtempSync(join(tmpdir(), 'postq-link-'));
});
afterEach(() => {
  for (const c of open.splice(0)) c.stop();
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  copy.cleanup();
});

const ids = (c: Connection) => [...c.mirror.entries.keys()].sort();

describe('fleet link (exec target, real serve --stdio)', () => {
  it('mirrors the remote spool as a fresh scan sees it, measures the round trip, and acts there', async () => {
    // A window of 2 KB: the index crosses in many round trips of acks (a client that did not
    // ack what it read would stall after the first 2 KB).
    const c = connect('env POSTQ_AUDIT_LOG=' + join(scratch, 'remote-audit.log'), `${process.execPath} ${CLI}`, { pingMs: 200, windowBytes: 2048 });
    await waitFor(() => c.status.ready, { what: 'ready', describe: () => JSON.stringify(c.status) });
    const scan = scanQueues(resolveSpoolConfig({ spool: copy.spool }), QUEUE_NAMES);
    expect(ids(c)).toEqual(scan.map((e) => e.queueId).sort());
    await waitFor(() => c.status.rttMs !== null, { what: 'a round trip' });
    expect(c.hello).toMatchObject({ protocol: PROTOCOL_VERSION, queueDirectory: copy.spool });
    const [victim, other] = scan.filter((e) => e.queueName === 'deferred' && e.state === 'ok');
    // Ids are reused: the target checks the file the console saw, there, before acting.
    const stale = await c.action('hold', [{ queueId: other!.queueId, queueName: 'deferred', seen: { inode: other!.inode! + 1, arrivalTime: other!.arrivalTime } }]);
    expect(stale.outcomes).toEqual([{ queueId: other!.queueId, status: 'failed', reason: CHANGED_REASON }]);
    const result = await c.action('hold', [{ queueId: victim!.queueId, queueName: 'deferred', seen: { inode: victim!.inode!, arrivalTime: victim!.arrivalTime } }]);
    expect(result.outcomes).toEqual([{ queueId: victim!.queueId, status: 'done' }]);
    await waitFor(() => c.mirror.entries.get(victim!.queueId)?.queueName === 'hold', { what: 'the hold seen through the link' });
    const read = await c.read(victim!.queueId, c.mirror.entries.get(victim!.queueId)!.path);
    expect(read!.bytes.length).toBe(c.mirror.entries.get(victim!.queueId)!.fileSize);
    expect(read).toMatchObject({ path: c.mirror.entries.get(victim!.queueId)!.path, size: read!.bytes.length, identity: { ino: victim!.inode } });
  });

  it('a stopped remote goes stale (rows kept, marked lost), then comes back on reconnect', async () => {
    const pidFile = join(scratch, 'serve.pid');
    // The shell records its pid, then execs the serve: SIGSTOP on that pid stops the remote postq.
    const c = connect(`sh -c 'echo $$ > ${pidFile}; exec "$@"' x`, `${process.execPath} ${CLI}`, { pingMs: 100, staleMs: 600, maxBackoffMs: 200 });
    await waitFor(() => c.status.ready, { what: 'ready', timeoutMs: 60_000 });
    const before = ids(c);
    const pid = Number((await import('node:fs')).readFileSync(pidFile, 'utf8'));
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor(() => c.status.state === 'lost', { what: 'lost', describe: () => JSON.stringify(c.status) });
      expect(c.status.message).toMatch(/no answer for/);
      expect(ids(c)).toEqual(before);
      expect(c.mirror.stale).toBe(true);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor(() => c.status.state === 'live' && c.status.ready, { what: 'reconnected', timeoutMs: 60_000, describe: () => JSON.stringify(c.status) });
    expect(c.mirror.stale).toBe(false);
    expect(ids(c)).toEqual(before);
  });

  it('an answer that came while the console was blocked past the limit counts: not lost', async () => {
    const c = connect(`sh -c '"$@"' x`, `${process.execPath} ${CLI}`, { pingMs: 100, staleMs: 600, maxBackoffMs: 200 });
    await waitFor(() => c.status.ready && c.status.rttMs !== null, { what: 'ready, pings answered', timeoutMs: 60_000 });
    // A synchronous stall (a long frame) past staleMs and past the serve's heartbeat period: a
    // beat (and any ping's answer) arrives while the loop is blocked.
    const until = Date.now() + HEARTBEAT_MS + 500;
    while (Date.now() < until) {
      // blocked
    }
    // The overdue ping interval runs in the next timers phase, before this timeout; its check
    // again after I/O is a setImmediate, queued before this one: both have run after these.
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setImmediate(r));
    expect(c.status.state, JSON.stringify(c.status)).toBe('live');
    expect(c.mirror.stale).toBe(false);
  });

  it('a transport killed mid-stream is lost, then reconnects', async () => {
    const pidFile = join(scratch, 'transport.pid');
    const c = connect(`sh -c 'echo $$ > ${pidFile}; "$@"' x`, `${process.execPath} ${CLI}`, { maxBackoffMs: 200 });
    await waitFor(() => c.status.ready, { what: 'ready', timeoutMs: 60_000 });
    process.kill(Number((await import('node:fs')).readFileSync(pidFile, 'utf8')), 'SIGKILL');
    await waitFor(() => c.status.state === 'lost', { what: 'lost' });
    await waitFor(() => c.status.state === 'live' && c.status.ready, { what: 'reconnected', timeoutMs: 60_000 });
  });

  it('refuses a remote of another protocol version, naming both, and does not retry', async () => {
    const old = join(scratch, 'old-postq');
    // The protocol before this one, as a postq of the last version says it.
    writeFileSync(old, `#!/bin/sh\necho '{"t":"hello","protocol":${PROTOCOL_VERSION - 1},"version":"0.0.1","host":"old","queueDirectory":"/q"}'\nexec cat >/dev/null\n`);
    chmodSync(old, 0o755);
    const c = connect('env', old);
    await waitFor(() => c.status.state === 'mismatch', { what: 'mismatch', describe: () => JSON.stringify(c.status) });
    expect(c.status.message).toContain(`runs postq 0.0.1 (protocol ${PROTOCOL_VERSION - 1}), this console 0.1.0 (protocol ${PROTOCOL_VERSION})`);
    expect(c.mirror.entries.size).toBe(0);
  });

  it('says plainly when the target has the bundle but no node', async () => {
    const home = join(scratch, 'home');
    const bin = join(scratch, 'bin');
    mkdirSync(join(home, '.cache', 'postq'), { recursive: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(home, '.cache', 'postq', 'postq.mjs'), '// bundle');
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const c = connect(`env HOME=${home} PATH=${bin}`, null);
    await waitFor(() => c.status.state === 'failed', { what: 'failed', describe: () => JSON.stringify(c.status) });
    expect(c.status.message).toMatch(/node is not installed on .*Node\.js >= 20\.19/);
  });
});
