/**
 * `postq stats --watch --json` holds the trends: the built CLI on a corpus copy (22 deferred,
 * 3 held), samples every 100 ms (POSTQ_TREND_STEP_MS), the file rewritten every 0.2 s. Each
 * queue's count and oldest age per sample (the ages equal to the one-shot figures' oldest
 * arrival at each sample time), and a queue emptied while it runs: its count and its oldest
 * age go to 0 in the newest samples.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitFor } from '../helpers/postfix-instance.js';
import { CLI_PATH, ensureBuilt, runCli } from '../helpers/postq-cli.js';

interface TrendWindowJson {
  step_seconds: number;
  at: number[];
  queues: Record<string, { messages: number[]; oldest_age: number[] }>;
  oldest_age: number[];
  arrivals_per_minute: (number | null)[];
}
interface StatsJson {
  queues: Record<string, { messages: number; oldest_arrival: number | null }>;
  trends?: { recent: TrendWindowJson; hour: TrendWindowJson };
}

let copy: CorpusCopy;
const work = mkdtempSync(join(tmpdir(), 'postq-stats-trends-'));
const env = { XDG_CONFIG_HOME: join(work, 'none') };
beforeAll(async () => {
  await ensureBuilt();
  copy = copyCorpusSpool('basic');
}, 240_000);
afterAll(() => {
  copy?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

test('--watch --json: per-queue counts and oldest ages per sample; an emptied queue falls to 0', async () => {
  const once = JSON.parse(runCli(['stats', '--json', '--spool', copy.spool], env).stdout) as StatsJson;
  expect(once.trends).toBeUndefined();
  const file = join(work, 'stats.json');
  const child = spawn(process.execPath, [CLI_PATH, 'stats', '--json', '--watch', '0.2', '--output', file, '--spool', copy.spool], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env, POSTQ_TREND_STEP_MS: '100' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const read = () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StatsJson) : null);
  try {
    const first = await waitFor(() => {
      const j = read();
      return j?.trends && j.trends.recent.at.length >= 3 ? j : null;
    }, { what: 'three samples in the file', timeoutMs: 20_000, intervalMs: 50, describe: () => stderr });
    const recent = first.trends!.recent;
    expect(recent.step_seconds).toBe(0.1);
    expect(Object.keys(recent.queues).sort()).toEqual([...QUEUE_NAMES].sort());
    // One value per sample held, oldest first.
    for (const q of QUEUE_NAMES) {
      expect(recent.queues[q]!.messages).toHaveLength(recent.at.length);
      expect(recent.queues[q]!.oldest_age).toHaveLength(recent.at.length);
    }
    expect(recent.queues.deferred!.messages.every((n) => n === 22)).toBe(true);
    expect(recent.queues.hold!.messages.every((n) => n === 3)).toBe(true);
    recent.at.forEach((at, i) => {
      for (const q of ['deferred', 'hold'] as const) expect(recent.queues[q]!.oldest_age[i], q).toBe(Math.floor(at - once.queues[q]!.oldest_arrival!));
    });
    // The whole spool's oldest is the oldest of any queue; an empty rate before two samples.
    expect(recent.oldest_age[0]).toBe(Math.max(...QUEUE_NAMES.map((q) => recent.queues[q]!.oldest_age[0]!)));
    expect(recent.arrivals_per_minute[0]).toBeNull();
    expect(first.trends!.hour.at).toHaveLength(1);

    // Held mail released to nowhere: the hold queue's files go (as postsuper -d would).
    for (const name of readdirSync(join(copy.spool, 'hold'))) rmSync(join(copy.spool, 'hold', name), { recursive: true });
    const after = await waitFor(() => {
      const w = read()?.trends?.recent;
      return w && w.queues.hold!.messages.at(-1) === 0 ? w : null;
    }, { what: 'hold emptied in the trends', timeoutMs: 20_000, intervalMs: 50, describe: () => stderr });
    expect(after.queues.hold!.oldest_age.at(-1)).toBe(0);
    expect(after.queues.hold!.messages).toContain(3);
    expect(after.queues.deferred!.messages.at(-1)).toBe(22);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 60_000);
