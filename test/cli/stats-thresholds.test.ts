/**
 * `postq stats` with thresholds: the built CLI on a corpus copy (22 deferred, 3 held), levels
 * from --threshold flags and from the default file beside the themes, in the table (a level
 * column), the JSON (level per queue and overall) and the exposition (read by a real
 * Prometheus text-format parser); a bad threshold is a usage error (exit 2).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { ensureBuilt, runCli } from '../helpers/postq-cli.js';
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

test('--prometheus: a level gauge per queue (every queue) and the worst one', () => {
  const r = runCli(['stats', '--prometheus', '--spool', copy.spool, ...flags], env);
  expect(r.status).toBe(0);
  const exp = readExposition(r.stdout);
  expect([...exp.get('postq_queue_threshold_level')!.keys()].sort()).toEqual([...QUEUE_NAMES].sort());
  expect(valueOf(exp, 'postq_queue_threshold_level', 'deferred')).toBe(2);
  expect(valueOf(exp, 'postq_queue_threshold_level', 'hold')).toBe(1);
  expect(valueOf(exp, 'postq_queue_threshold_level', 'active')).toBe(0);
  expect(valueOf(exp, 'postq_threshold_level')).toBe(2);
  expect(valueOf(exp, 'postq_queue_messages', 'deferred')).toBe(22);
});

test('--json: level per queue, total and overall', () => {
  const r = runCli(['stats', '--json', '--spool', copy.spool, ...flags], env);
  const json = JSON.parse(r.stdout) as { level: string; total: { level: string }; queues: Record<string, { level: string; messages: number }> };
  expect(json.queues.deferred).toMatchObject({ messages: 22, level: 'critical' });
  expect(json.queues.hold).toMatchObject({ messages: 3, level: 'warning' });
  expect(json.queues.active!.level).toBe('ok');
  expect(json.total.level).toBe('ok');
  expect(json.level).toBe('critical');
});

test('the table: a level column with the cause, read from the default file; none without thresholds', () => {
  const config = join(home, 'config');
  mkdirSync(join(config, 'postq'), { recursive: true });
  writeFileSync(join(config, 'postq', 'thresholds.json'), JSON.stringify({ deferred: { age: { warning: '1h' } }, total: { count: { critical: 30 } } }));
  const r = runCli(['stats', '--spool', copy.spool], { XDG_CONFIG_HOME: config });
  expect(r.status).toBe(0);
  const rows = r.stdout.split('\n');
  expect(rows[0]).toMatch(/damaged\s+level$/);
  expect(rows.find((l) => l.startsWith('deferred'))).toMatch(/ WARNING \(age\)$/);
  expect(rows.find((l) => l.startsWith('active'))).toMatch(/ OK$/);
  expect(rows.find((l) => l.startsWith('total'))).toMatch(/ CRITICAL \(count\)$/);
  const plain = runCli(['stats', '--spool', copy.spool], env);
  expect(plain.stdout.split('\n')[0]).toMatch(/damaged$/);
});

test('a bad threshold is a usage error naming it', () => {
  const r = runCli(['stats', '--spool', copy.spool, '--threshold', 'deferred.count=5:1'], env);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('--threshold deferred.count=5:1: critical (1) is below warning (5)');
});
