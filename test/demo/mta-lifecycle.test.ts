/**
 * The simulated MTA's Postfix behaviours one at a time, on a fresh demo spool with no random
 * traffic: the cleanup write sequence (temp name, 0600 while written, 0700 when ready, id from
 * the inode), postdrop's 0644 -> 0744, pickup turning a maildrop file into an incoming one with
 * a new id, qmgr's backoff, expiry (maximal_queue_lifetime and postsuper -e's g+x) returning
 * the message to its sender with the logged reasons, and a damaged file saved in corrupt/.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupEnter, postdropEnter } from '../../src/demo/cleanup.js';
import { backoff, MAX_QUEUE_LIFETIME } from '../../src/demo/qmgr.js';
import { absPath, appendLog, enterQueueFile, listQueue } from '../../src/demo/queue-io.js';
import { Random } from '../../src/demo/random.js';
import { SimulatedMta } from '../../src/demo/simulated-mta.js';
import { createDemoSpool, removeDemoSpool } from '../../src/demo/spool-skeleton.js';
import type { SpoolConfig } from '../../src/config/spool-config.js';
import { parseQueueFile } from '../../src/spool/queue-file.js';
import { parseBounceLog } from '../../src/spool/defer-log.js';
import { formatDeferLogEntry } from '../../src/spool/queue-file-writer.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});

function spool(): SpoolConfig {
  const config = createDemoSpool();
  cleanups.push(() => removeDemoSpool(config.queueDirectory));
  return config;
}

function quietMta(config: SpoolConfig): SimulatedMta {
  const mta = new SimulatedMta({ config, rnd: new Random(1), rate: 0, burstEvery: null, corruptEvery: null, queueRunDelay: 0.2 });
  cleanups.push(() => mta.stop());
  return mta;
}

const now = () => Math.floor(Date.now() / 1000);

/** A message to a host that never answers, already deferred once, due for a retry. */
function deferredMessage(config: SpoolConfig, createTime: number) {
  const file = cleanupEnter(config, {
    arrival: { seconds: createTime, microseconds: 1 },
    createTime,
    sender: 'alice@corp.example',
    fullName: null,
    recipients: [{ address: 'bob@dead.example' }],
    text: 'Subject: old\n\nhello\n',
    rewriteContext: 'remote',
  }, { queue: 'deferred', mtime: now() - 10 });
  appendLog(config, 'defer', file.id, formatDeferLogEntry({ recipient: 'bob@dead.example', offset: file.recipientOffsets[0]!, status: '4.4.1', reason: 'connect to mx.dead.example[192.0.2.17]:25: Connection timed out' }));
  return file;
}

/** The non-delivery notice from MAILER-DAEMON (null sender) to alice, wherever qmgr has it. */
function findBounce(config: SpoolConfig): Promise<string> {
  return waitFor(() => {
    for (const q of ['incoming', 'active', 'deferred'] as const) {
      for (const f of listQueue(config, q)) {
        const bytes = readFileSync(f.path);
        const parsed = parseQueueFile(bytes, { queueName: q, skipContent: false });
        if (parsed.nullSender && parsed.recipients[0]?.address === 'alice@corp.example') return bytes.toString('utf8');
      }
    }
    return null;
  }, { what: 'the bounce from MAILER-DAEMON' });
}

describe('Postfix write sequences', () => {
  it('cleanup: temp file in incoming/, renamed to usec+inode, 0600 while written, 0700 when ready', () => {
    const config = spool();
    let seen: { mode: number; names: string[] } | null = null;
    const file = cleanupEnter(config, {
      arrival: { seconds: now(), microseconds: 5 },
      createTime: now(),
      sender: 's@x.example',
      fullName: null,
      recipients: [{ address: 'r@y.example' }],
      text: 'Subject: t\n\nbody\n',
      rewriteContext: 'remote',
    });
    expect(file.id.slice(5)).toBe(statSync(file.path, { bigint: true }).ino.toString(16).toUpperCase());
    expect(statSync(file.path).mode & 0o777).toBe(0o700);
    // The same sequence, observed between the write and the chmod.
    const entered = enterQueueFile(config, {
      queue: 'incoming',
      writingMode: 0o600,
      finalMode: 0o700,
      build: () => Buffer.from('x'),
      beforeReady: (_id, path) => {
        seen = { mode: statSync(path).mode & 0o777, names: readdirSync(join(config.queueDirectory, 'incoming')) };
      },
    });
    expect(seen).not.toBeNull();
    expect(seen!.mode).toBe(0o600);
    // Only queue-id names at that point: the temp name was renamed away before the write.
    expect(seen!.names.every((n) => /^[0-9A-F]+$/.test(n))).toBe(true);
    expect(statSync(entered.path).mode & 0o777).toBe(0o700);
  });

  it('postdrop: a maildrop file 0744 that pickup turns into an incoming file with a new id', () => {
    const config = spool();
    const arrival = now() - 3;
    const dropped = postdropEnter(config, { arrival: { seconds: arrival, microseconds: 7 }, sender: 'www-data@mx.demo.example', fullName: 'www-data', recipients: ['ann@example.com'], text: 'Subject: cron\n\nout\n' });
    expect(statSync(dropped.path).mode & 0o777).toBe(0o744);
    const mta = quietMta(config);
    mta.runPickup();
    expect(existsSync(dropped.path)).toBe(false);
    // qmgr may already have taken it into active/.
    const [incoming] = [...listQueue(config, 'incoming'), ...listQueue(config, 'active')];
    expect(incoming).toBeDefined();
    expect(incoming!.id).not.toBe(dropped.id);
    const bytes = readFileSync(incoming!.path);
    const parsed = parseQueueFile(bytes, { queueName: 'incoming', skipContent: false });
    expect(parsed.diagnostics).toEqual([]);
    // pickup keeps the submission's arrival time (cleanup keeps the first T).
    expect(parsed.arrivalTime).toBe(arrival);
    expect(parsed.size?.valid).toBe(true);
    const text = bytes.toString('utf8');
    // pickup's Received header with the new id; cleanup's missing Message-Id and Date.
    expect(text).toContain(`(Postfix, from userid ${process.getuid?.() ?? 0})`);
    expect(text).toContain(`id ${incoming!.id};`);
    expect(text).toMatch(/Message-Id: <\d{14}\.[0-9A-F]+@mx\.demo\.example>/);
    expect(mta.stats.pickedUp).toBe(1);
  });
  it('pickup takes a file postsuper -r put in maildrop/: a new id, done recipients dropped, no second Received header', () => {
    const config = spool();
    const created = now() - 7200;
    const file = cleanupEnter(config, {
      arrival: { seconds: created, microseconds: 3 },
      createTime: created,
      sender: 'alice@corp.example',
      fullName: null,
      recipients: [{ address: 'done@example.com' }, { address: 'todo@greylist.example' }],
      text: 'Received: by mx.demo.example (Postfix)\n\tid X; date\nSubject: again\n\nbody\n',
      rewriteContext: 'remote',
    }, { queue: 'deferred', done: new Set([0]) });
    // What the direct backend's requeue does: rename into maildrop/ (mode stays 0700).
    const requeued = join(config.queueDirectory, 'maildrop', file.id);
    renameSync(file.path, requeued);
    quietMta(config).runPickup();
    expect(existsSync(requeued)).toBe(false);
    const [picked] = [...listQueue(config, 'incoming'), ...listQueue(config, 'active')];
    expect(picked?.id).toBeDefined();
    expect(picked!.id).not.toBe(file.id);
    const bytes = readFileSync(picked!.path);
    const parsed = parseQueueFile(bytes, { queueName: 'incoming' });
    expect(parsed.recipients.map((r) => [r.address, r.status])).toEqual([['todo@greylist.example', 'pending']]);
    expect(parsed.arrivalTime).toBe(created);
    expect(parsed.createTime).toBeGreaterThanOrEqual(now() - 5);
    expect(bytes.toString('utf8').match(/Received:/g)).toHaveLength(1);
  });
});

describe('qmgr', () => {
  it('backs off by the message age, clamped to 300..4000 s', () => {
    expect(backoff(1000, 1000)).toBe(300);
    expect(backoff(1000 + 1234, 1000)).toBe(1234);
    expect(backoff(1000 + 86400, 1000)).toBe(4000);
  });

  it('returns a message past maximal_queue_lifetime to its sender with the logged reason', async () => {
    const config = spool();
    const old = deferredMessage(config, now() - MAX_QUEUE_LIFETIME - 60);
    const mta = quietMta(config);
    mta.start();
    await waitFor(() => mta.stats.returned === 1, { what: 'the expired message to be returned', describe: () => JSON.stringify(mta.stats) });
    expect(existsSync(old.path)).toBe(false);
    expect(existsSync(absPath(config, 'defer', old.id))).toBe(false);
    const bounce = await findBounce(config);
    // This attempt's reason: the defer log qmgr wrote for it, read back for the notice.
    expect(bounce).toContain('<bob@dead.example>: connect to mx.dead.example[192.0.2.');
    expect(mta.lastError).toBeNull();
  });

  it('returns a message forced to expire (g+x) at its next activation, without delivering it', async () => {
    const config = spool();
    const young = deferredMessage(config, now() - 600);
    chmodSync(young.path, 0o710);
    const log = parseBounceLog(readFileSync(absPath(config, 'defer', young.id)));
    expect(log.length).toBe(1);
    const mta = quietMta(config);
    mta.start();
    await waitFor(() => mta.stats.returned === 1, { what: 'the forced-expired message to be returned' });
    expect(mta.stats.delivered + mta.stats.deferred).toBe(0);
    expect(existsSync(young.path)).toBe(false);
    expect(await findBounce(config)).toContain(`<bob@dead.example>: ${log[0]!.reason}`);
  });

  it('saves a file that does not read in corrupt/, as qmgr does', async () => {
    const config = spool();
    const broken = cleanupEnter(config, {
      arrival: { seconds: now(), microseconds: 1 },
      createTime: now(),
      sender: 'a@b.example',
      fullName: null,
      recipients: [{ address: 'c@d.example' }],
      text: 'Subject: x\n\nbody\n',
      rewriteContext: 'remote',
    }, { damage: (bytes) => bytes.subarray(0, bytes.length - 10) });
    const mta = quietMta(config);
    mta.start();
    await waitFor(() => existsSync(join(config.queueDirectory, 'corrupt', broken.id)), { what: 'the file in corrupt/' });
    expect(mta.stats.corrupt).toBe(1);
    expect(existsSync(broken.path)).toBe(false);
  });
});
