/**
 * `postq stats`: the built CLI against a corpus copy (numbers equal to the files on disk and
 * to the corpus's postqueue -j), and against a real private Postfix instance (numbers equal
 * to postqueue -j, the active limit from its postconf, Postfix running and then stopped), and
 * `--watch` rewriting the file atomically as postsuper moves mail. Every exposition is read
 * with a real Prometheus text-format parser. The first exposition and --watch come from the
 * built CLI; the other one-shot runs go through runMain in process (postq-in-process.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { looksGenerated } from '../../src/domain/queue-id.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { createPostfixInstance, waitFor, type PostfixInstance, type PostqueueEntry } from '../helpers/postfix-instance.js';
import { CLI_PATH, ensureBuilt, runCli } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';
import { readExposition, valueOf, type Exposition } from '../helpers/prometheus.js';

const METRICS = ['postq_queue_messages', 'postq_queue_bytes', 'postq_queue_oldest_age_seconds', 'postq_queue_incomplete_files', 'postq_queue_damaged_messages'];

/** Queue files on disk, walked with lstat: complete (owner rwx) and incomplete, by queue. */
function filesOnDisk(spool: string) {
  const out = Object.fromEntries(QUEUE_NAMES.map((q) => [q, { complete: [] as string[], incomplete: 0 }]));
  const walk = (queue: string, dir: string) => {
    for (const name of readdirSync(dir)) {
      const st = lstatSync(join(dir, name));
      if (st.isDirectory()) walk(queue, join(dir, name));
      else if (st.isFile() && looksGenerated(name)) {
        if ((st.mode & 0o700) === 0o700) out[queue]!.complete.push(name);
        else out[queue]!.incomplete++;
      }
    }
  };
  for (const q of QUEUE_NAMES) walk(q, join(spool, q));
  return out;
}

function expectEveryQueue(exposition: Exposition): void {
  for (const metric of METRICS) expect([...exposition.get(metric)!.keys()].sort()).toEqual([...QUEUE_NAMES].sort());
}

beforeAll(() => ensureBuilt(), 240_000);

describe('a corpus copy (bare --spool)', () => {
  let copy: CorpusCopy;
  beforeAll(() => {
    copy = copyCorpusSpool('basic');
  });
  afterAll(() => copy?.cleanup());

  test('--prometheus: every queue, counts equal to the files on disk, sizes to postqueue -j', () => {
    const r = runCli(['stats', '--prometheus', '--spool', copy.spool]);
    expect(r.status).toBe(0);
    const exp = readExposition(r.stdout);
    expectEveryQueue(exp);
    const disk = filesOnDisk(copy.spool);
    const listed = readFileSync(join(copy.oracle, 'postqueue.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as PostqueueEntry);
    let queuesAllListed = 0;
    for (const q of QUEUE_NAMES) {
      expect(valueOf(exp, 'postq_queue_messages', q), q).toBe(disk[q]!.complete.length);
      expect(valueOf(exp, 'postq_queue_incomplete_files', q), q).toBe(disk[q]!.incomplete);
      const inQueue = listed.filter((e) => e.queue_name === q);
      // Where postqueue -j lists every complete file, its count and sizes are ours.
      if (inQueue.length === disk[q]!.complete.length && inQueue.length > 0) {
        queuesAllListed++;
        expect(valueOf(exp, 'postq_queue_bytes', q), q).toBe(inQueue.reduce((n, e) => n + e.message_size, 0));
      }
    }
    expect(queuesAllListed).toBeGreaterThanOrEqual(3);
    expect(valueOf(exp, 'postq_queue_incomplete_files', 'incoming')).toBe(1);
    expect(valueOf(exp, 'postq_queue_damaged_messages', 'corrupt')).toBe(disk.corrupt!.complete.length);
    expect(valueOf(exp, 'postq_active_limit')).toBe(20_000);
    expect(valueOf(exp, 'postq_limits_from_postconf')).toBe(0);
    expect(valueOf(exp, 'postq_postfix_up')).toBe(0);
  });

  test('--json carries the same numbers, and the text table says the limits are defaults', async () => {
    const prom = readExposition((await cliInProcess(['stats', '--prometheus', '--spool', copy.spool])).stdout);
    const json = JSON.parse((await cliInProcess(['stats', '--json', '--spool', copy.spool])).stdout);
    for (const q of QUEUE_NAMES) {
      expect(json.queues[q].messages).toBe(valueOf(prom, 'postq_queue_messages', q));
      expect(json.queues[q].bytes).toBe(valueOf(prom, 'postq_queue_bytes', q));
      expect(json.queues[q].damaged).toBe(valueOf(prom, 'postq_queue_damaged_messages', q));
    }
    expect(json.limits.source).toBe('defaults');
    const text = (await cliInProcess(['stats', '--spool', copy.spool])).stdout;
    expect(text).toMatch(/^deferred\s+22\s/m);
    expect(text).toContain('Postfix default: no configuration to ask');
    expect(text).toContain('not running');
  });
});

describe('a real Postfix instance', () => {
  let pf: PostfixInstance;
  const work = mkdtempSync(join(tmpdir(), 'postq-stats-'));
  beforeAll(async () => {
    pf = await createPostfixInstance({ label: 'stats', config: { qmgr_message_active_limit: '321' } });
    for (const n of [1, 2, 3]) pf.sendmail(`s${n}@example.org`, [`r${n}@remote.example`], `Subject: stats ${n}\n\n${'x'.repeat(n * 100)}\n`);
    await pf.waitForDeferred(3);
  }, 180_000);
  afterAll(() => {
    pf?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const stats = async () => readExposition((await cliInProcess(['stats', '--prometheus', '-c', pf.configDir])).stdout);

  test('-c DIR: counts and sizes equal postqueue -j; the limit is postconf\'s; Postfix runs', async () => {
    const exp = await stats();
    expectEveryQueue(exp);
    const listed = pf.postqueueJson();
    for (const q of QUEUE_NAMES) {
      const inQueue = listed.filter((e) => e.queue_name === q);
      expect(valueOf(exp, 'postq_queue_messages', q), q).toBe(inQueue.length);
      expect(valueOf(exp, 'postq_queue_bytes', q), q).toBe(inQueue.reduce((n, e) => n + e.message_size, 0));
    }
    expect(valueOf(exp, 'postq_queue_messages', 'deferred')).toBe(3);
    expect(valueOf(exp, 'postq_active_limit')).toBe(321);
    expect(valueOf(exp, 'postq_limits_from_postconf')).toBe(1);
    expect(valueOf(exp, 'postq_postfix_up')).toBe(1);
  });

  test('--watch rewrites the file atomically from the live store as postsuper moves mail', async () => {
    const file = join(work, 'postq.prom');
    // With the soak's self-report on (bench/soak.ts --target stats), which must see the store.
    const debugFile = join(work, 'debug.jsonl');
    const env = { ...process.env, POSTQ_DEBUG_STATS: debugFile, POSTQ_DEBUG_STATS_EVERY: '0.2' };
    const child = spawn(process.execPath, [CLI_PATH, 'stats', '--prometheus', '--watch', '0.2', '--output', file, '-c', pf.configDir], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Every read is a whole exposition (rename, never a half-written file).
      const read = () => {
        if (!existsSync(file)) return null;
        const exp = readExposition(readFileSync(file, 'utf8'));
        // Nine families of figures, and the two threshold levels.
        expect(exp.size).toBe(11);
        return exp;
      };
      await waitFor(() => read()?.get('postq_queue_messages')?.get('deferred') === 3, { what: '3 deferred in the file', timeoutMs: 30_000, intervalMs: 20, describe: () => stderr });
      const id = pf.postqueueJson()[0]!.queue_id;
      pf.postsuper(['-h', id]);
      await waitFor(() => {
        const exp = read();
        return exp?.get('postq_queue_messages')?.get('hold') === 1 && exp.get('postq_queue_messages')?.get('deferred') === 2;
      }, { what: 'the hold in the file', timeoutMs: 30_000, intervalMs: 20, describe: () => stderr });
      // And through a few more rewrites (every 0.2 s): each read still whole. A fixed count,
      // not what the polls above happened to make (under load they may each read once).
      for (let i = 0; i < 40; i++) {
        expect(read()?.get('postq_queue_messages')?.get('hold')).toBe(1);
        await new Promise((r) => setTimeout(r, 20));
      }
      const debug = await waitFor(() => existsSync(debugFile) && readFileSync(debugFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entries: number }).at(-1), { what: 'a stats line' });
      expect(debug.entries).toBe(3);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(readdirSync(work).filter((n) => n !== 'postq.prom' && n !== 'debug.jsonl')).toEqual([]);
  }, 90_000);

  test('Postfix stopped: postq_postfix_up 0; started again: 1', async () => {
    // `postfix stop` signals master and returns; master is gone a moment later.
    expect(pf.run('postfix', ['-c', pf.configDir, 'stop']).status).toBe(0);
    await waitFor(async () => valueOf(await stats(), 'postq_postfix_up') === 0, { what: 'postfix_up 0 after stop', timeoutMs: 30_000 });
    expect((await cliInProcess(['stats', '-c', pf.configDir])).stdout).toMatch(/^postfix\s+not running \((master pid \d+ is gone|no master.pid)\)$/m);
    expect(pf.start().status).toBe(0);
    await waitFor(async () => valueOf(await stats(), 'postq_postfix_up') === 1, { what: 'postfix_up 1 after start', timeoutMs: 30_000 });
    expect((await cliInProcess(['stats', '-c', pf.configDir])).stdout).toMatch(/^postfix\s+running \(master pid \d+\)$/m);
  }, 90_000);
});
