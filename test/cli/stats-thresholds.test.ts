/**
 * `postq stats` with thresholds on a corpus copy (22 deferred, 3 held; one-shot runs through
 * runMain in process, postq-in-process.ts; --watch runs the built CLI), levels
 * from --threshold flags and from the default file beside the themes, in the table (a level
 * column), the JSON (level per queue and overall) and the exposition (read by a real
 * Prometheus text-format parser); a bad threshold is a usage error (exit 2). With --watch the
 * thresholds file is read again when it changes: the file's levels follow at once; a broken
 * one is a stderr line and the levels in force stay.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitFor } from '../helpers/postfix-instance.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';
import { readExposition, valueOf } from '../helpers/prometheus.js';

let copy: CorpusCopy;
const home = mkdtempSync(join(tmpdir(), 'postq-stats-thresholds-'));
const env = { XDG_CONFIG_HOME: join(home, 'none') };
beforeAll(async () => {
  await ensureBuilt();
  copy = copyCorpusSpool('basic');
}, 240_000);
afterAll(() => {
  copy?.cleanup();
  rmSync(home, { recursive: true, force: true });
});

const flags = ['--threshold', 'deferred.count=10:20', '--threshold', 'hold.count=3'];

test('--prometheus: a level gauge per queue (every queue) and the worst one', async () => {
  const r = await cliInProcess(['stats', '--prometheus', '--spool', copy.spool, ...flags], env);
  expect(r.status).toBe(0);
  const exp = readExposition(r.stdout);
  expect([...exp.get('postq_queue_threshold_level')!.keys()].sort()).toEqual([...QUEUE_NAMES].sort());
  expect(valueOf(exp, 'postq_queue_threshold_level', 'deferred')).toBe(2);
  expect(valueOf(exp, 'postq_queue_threshold_level', 'hold')).toBe(1);
  expect(valueOf(exp, 'postq_queue_threshold_level', 'active')).toBe(0);
  expect(valueOf(exp, 'postq_threshold_level')).toBe(2);
  expect(valueOf(exp, 'postq_queue_messages', 'deferred')).toBe(22);
});

test('--json: level per queue, total and overall', async () => {
  const r = await cliInProcess(['stats', '--json', '--spool', copy.spool, ...flags], env);
  const json = JSON.parse(r.stdout) as { level: string; total: { level: string }; queues: Record<string, { level: string; messages: number }> };
  expect(json.queues.deferred).toMatchObject({ messages: 22, level: 'critical' });
  expect(json.queues.hold).toMatchObject({ messages: 3, level: 'warning' });
  expect(json.queues.active!.level).toBe('ok');
  expect(json.total.level).toBe('ok');
  expect(json.level).toBe('critical');
});

test('the table: a level column with the cause, read from the default file; none without thresholds', async () => {
  const config = join(home, 'config');
  mkdirSync(join(config, 'postq'), { recursive: true });
  writeFileSync(join(config, 'postq', 'thresholds.json'), JSON.stringify({ deferred: { age: { warning: '1h' } }, total: { count: { critical: 30 } } }));
  const r = await cliInProcess(['stats', '--spool', copy.spool], { XDG_CONFIG_HOME: config });
  expect(r.status).toBe(0);
  const rows = r.stdout.split('\n');
  expect(rows[0]).toMatch(/damaged\s+level$/);
  expect(rows.find((l) => l.startsWith('deferred'))).toMatch(/ WARNING \(age\)$/);
  expect(rows.find((l) => l.startsWith('active'))).toMatch(/ OK$/);
  expect(rows.find((l) => l.startsWith('total'))).toMatch(/ CRITICAL \(count\)$/);
  const plain = await cliInProcess(['stats', '--spool', copy.spool], env);
  expect(plain.stdout.split('\n')[0]).toMatch(/damaged$/);
});

test('a bad threshold is a usage error naming it', async () => {
  const r = await cliInProcess(['stats', '--spool', copy.spool, '--threshold', 'deferred.count=5:1'], env);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('--threshold deferred.count=5:1: critical (1) is below warning (5)');
});

test('--watch: a changed thresholds file applies at once; a broken one is logged and the old levels stay', async () => {
  const dir = mkdtempSync(join(home, 'watch-'));
  const levels = join(dir, 'levels.json');
  const out = join(dir, 'stats.json');
  writeFileSync(levels, JSON.stringify({ deferred: { count: { warning: 100 } } }));
  const child = spawn(process.execPath, [CLI_PATH, 'stats', '--json', '--watch', '0.2', '--output', out, '--spool', copy.spool, '--thresholds', levels], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deferredLevel = () => (existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { queues: Record<string, { level: string }> }).queues.deferred!.level : null);
  try {
    await waitFor(() => deferredLevel() === 'ok', { what: 'the first file', timeoutMs: 20_000, intervalMs: 50, describe: () => stderr });
    // An editor's save (temp file, rename), made again every 0.5 s until it shows: the watcher's
    // start is not visible from outside, and a save before it would go unseen.
    let saves = 0;
    await waitFor(() => {
      if (deferredLevel() === 'critical') return true;
      if (saves++ % 10 === 0) {
        writeFileSync(`${levels}.tmp`, JSON.stringify({ deferred: { count: { warning: 10, critical: 20 } } }));
        renameSync(`${levels}.tmp`, levels);
      }
      return false;
    }, { what: 'the new level in the file', timeoutMs: 20_000, intervalMs: 50, describe: () => stderr });
    await waitFor(() => stderr.includes('postq stats: thresholds reloaded from levels.json'), { what: 'the reload logged', timeoutMs: 5_000, describe: () => stderr });
    writeFileSync(levels, JSON.stringify({ deferred: { count: { warning: 10, critical: 5 } } }));
    await waitFor(() => stderr.includes('postq stats: thresholds levels.json: deferred.count: critical (5) is below warning (10); the previous ones stay'), { what: 'the refusal logged', timeoutMs: 20_000, intervalMs: 50, describe: () => stderr });
    expect(deferredLevel()).toBe('critical');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 60_000);
