/**
 * The demo writes the real format, not a look-alike: a spool the simulated MTA has been
 * running on for a while (arrivals over SMTP and sendmail, pickup, deliveries, deferrals with
 * D marks, retries, a burst, damaged files) is read by Postfix's own tools. postqueue -j
 * (through a config directory whose queue_directory is the demo spool) and `postq list --json`
 * agree message for message; postcat reads every queue file; ids, hashed paths, modes, retry
 * times and defer-log offsets follow Postfix's rules. Needs root and the postfix package.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../src/demo/run-demo.js';
import { listQueue } from '../../src/demo/queue-io.js';
import { MIN_BACKOFF } from '../../src/demo/qmgr.js';
import { parseQueueFile } from '../../src/spool/queue-file.js';
import { parseBounceLog } from '../../src/spool/defer-log.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import { expectJsonMatches } from '../helpers/queue-compare.js';
import { ensureBuilt, runPostq } from '../helpers/postq-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { writePostfixConfig } from '../helpers/postfix-config.js';

let root: string;
let demo: Demo;

beforeAll(async () => {
  await ensureBuilt();
  root = mkdtempSync(join(tmpdir(), 'postq-demo-spool-test-'));
  // Postfix's showq runs as the mail owner and must reach the spool below this directory.
  chmodSync(root, 0o755);
  demo = await startDemo({
    parent: root,
    seed: 20261128,
    messages: 120,
    rate: 10,
    handleExit: false,
    mta: { queueRunDelay: 1, burstEvery: [1, 2], corruptEvery: [0.5, 1.5] },
  });
  const s = demo.mta.stats;
  await waitFor(
    () => s.delivered >= 10 && s.deferred >= 3 && s.corrupt >= 1 && s.pickedUp >= 2 && s.retried >= 1 && s.bulk >= 5,
    { timeoutMs: 60_000, what: 'the simulated MTA to deliver, defer, retry, pick up and save a corrupt file', describe: () => JSON.stringify(s) },
  );
  demo.stop();
}, 120_000);

afterAll(() => {
  demo?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
});

const MESSAGE_QUEUES = QUEUE_NAMES;
const filesIn = (q: QueueName) => listQueue(demo.config, q);

describe('the simulated MTA', () => {
  it('ran without errors and moved mail through every stage', () => {
    expect(demo.mta.lastError).toBeNull();
    expect(demo.mta.stats.errors).toBe(0);
    expect(filesIn('deferred').length).toBeGreaterThan(50);
    expect(filesIn('hold').length).toBeGreaterThan(0);
    expect(filesIn('corrupt').length).toBeGreaterThanOrEqual(2);
  });

  it('names every file %05X microseconds + %X inode, at the path Postfix computes', () => {
    for (const q of MESSAGE_QUEUES) {
      for (const f of filesIn(q)) {
        expect(f.id).toMatch(/^[0-9A-F]{6,}$/);
        expect(f.id.slice(5), `${q}/${f.id}`).toBe(statSync(f.path, { bigint: true }).ino.toString(16).toUpperCase());
        expect(Number.parseInt(f.id.slice(0, 5), 16)).toBeLessThan(1_000_000);
        const expected = q === 'deferred' ? join(demo.config.queueDirectory, q, f.id[0]!, f.id) : join(demo.config.queueDirectory, q, f.id);
        expect(f.path).toBe(expected);
      }
    }
  });

  it('leaves files with the modes Postfix gives them', () => {
    for (const q of MESSAGE_QUEUES) {
      for (const f of filesIn(q)) expect((f.stats.mode & 0o7777).toString(8), `${q}/${f.id}`).toBe(q === 'maildrop' ? '744' : '700');
    }
    const defer = join(demo.config.queueDirectory, 'defer');
    for (const dir of readdirSync(defer)) {
      for (const name of readdirSync(join(defer, dir))) expect(statSync(join(defer, dir, name)).mode & 0o777).toBe(0o600);
    }
  });

  it('gives every deferred message a defer log whose offsets are its recipient records, and a retry time after the backoff', () => {
    let partial = 0;
    for (const q of ['deferred', 'hold'] as const) {
      for (const f of filesIn(q)) {
        const parsed = parseQueueFile(readFileSync(f.path), { queueName: q });
        expect(parsed.diagnostics, f.id).toEqual([]);
        const log = parseBounceLog(readFileSync(join(demo.config.queueDirectory, 'defer', f.id[0]!, f.id)));
        expect(log.length, f.id).toBeGreaterThan(0);
        for (const entry of log) {
          const rcpt = parsed.recipients.find((r) => r.offset === entry.offset);
          expect(rcpt?.address, `${f.id} offset ${entry.offset}`).toBe(entry.recipient);
          expect(rcpt?.status).toBe('pending');
          expect(entry.action).toBe('delayed');
          expect(entry.status).toMatch(/^4\.\d+\.\d+$/);
        }
        if (parsed.recipients.some((r) => r.status === 'done')) partial++;
        if (q === 'deferred') expect(f.stats.mtimeMs / 1000).toBeGreaterThanOrEqual(parsed.createTime! + MIN_BACKOFF - 120);
      }
    }
    expect(partial, 'messages with some recipients delivered (D) and some deferred').toBeGreaterThan(0);
  });

  it('writes files postcat reads: every recipient and the whole envelope, and damaged ones in corrupt/', { timeout: 180_000 }, () => {
    const all = (['maildrop', 'incoming', 'active', 'deferred', 'hold'] as const).flatMap((q) => filesIn(q).map((f) => ({ q, ...f })));
    // A damaged arrival sits in incoming/ until qmgr's next pass moves it to corrupt/, as in
    // Postfix; the demo may have been stopped in between. Only there may a file not read.
    const damaged = all.filter((f) => parseQueueFile(readFileSync(f.path), { queueName: f.q }).diagnostics.length > 0);
    expect(damaged.map((f) => f.q).filter((q) => q !== 'incoming'), 'damaged files outside incoming/').toEqual([]);
    const files = all.filter((f) => !damaged.includes(f));
    // One postcat run over all of them; its output has one "ENVELOPE RECORDS path" section per file.
    const r = spawnSync('postcat', files.map((f) => f.path), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const sections = new Map<string, string>();
    const parts = r.stdout.split(/^\*\*\* ENVELOPE RECORDS (.*) \*\*\*$/m);
    for (let i = 1; i < parts.length; i += 2) sections.set(parts[i]!, parts[i + 1]!);
    expect(sections.size).toBe(files.length);
    for (const f of files) {
      const out = sections.get(f.path);
      expect(out, `postcat section for ${f.q}/${f.id}`).toBeDefined();
      const parsed = parseQueueFile(readFileSync(f.path), { queueName: f.q });
      const listed = [...out!.matchAll(/^(recipient|done_recipient): (.*)$/gm)].map((m) => `${m[1]}:${m[2]}`);
      expect(listed, f.id).toEqual(parsed.recipients.map((x) => `${x.status === 'done' ? 'done_recipient' : 'recipient'}:${x.address}`));
      expect(out).toContain(`*** MESSAGE FILE END ${f.path} ***`);
    }
    const broken = filesIn('corrupt').filter((f) => {
      const r = spawnSync('postcat', [f.path], { encoding: 'utf8' });
      return r.status !== 0 || !r.stdout.includes('*** MESSAGE FILE END');
    });
    expect(broken.length, 'truncated files in corrupt/ that postcat cannot finish').toBeGreaterThan(0);
  });
});

describe('Postfix agrees', () => {
  it('postqueue -j on the demo spool lists what `postq list --json` lists, message for message', () => {
    expect(process.getuid?.(), 'needs root to hand the spool to the postfix user').toBe(0);
    const configDir = join(root, 'etc');
    mkdirSync(configDir, { recursive: true });
    writePostfixConfig(join(configDir, 'main.cf'), `compatibility_level = 3.6\nqueue_directory = ${demo.config.queueDirectory}\nmail_owner = postfix\n`);
    const postfixUid = Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim());
    const chown = (path: string) => {
      chownSync(path, postfixUid, statSync(path).gid);
      if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chown(join(path, name));
    };
    chown(demo.config.queueDirectory);
    const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' };
    const postqueue = spawnSync('postqueue', ['-c', configDir, '-j'], { encoding: 'utf8', env });
    expect(postqueue.status, postqueue.stderr).toBe(0);
    const ours = runPostq(['list', '--json', '--spool', demo.config.queueDirectory], env);
    expect(ours.status, ours.stderr).toBe(0);
    const count = postqueue.stdout.split('\n').filter(Boolean).length;
    expect(count).toBeGreaterThan(100);
    expectJsonMatches(ours.stdout, postqueue.stdout);
  });
});
