/**
 * Queue limits and lifetimes: Postfix's time syntax (table), and the real `postconf -c DIR`
 * reading a private main.cf (units, bare numbers in each parameter's default unit, a bad value
 * kept at the default and named), against Postfix's own `postconf -d` defaults for a bare
 * --spool.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULT_POSTFIX_LIMITS, limitsFromPostconf, parsePostfixTime } from '../../src/config/postfix-limits.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { writePostfixConfig } from '../helpers/postfix-config.js';

describe('parsePostfixTime', () => {
  test.each([
    ['5d', 'd', 432_000],
    ['5', 'd', 432_000],
    ['300', 's', 300],
    ['300s', 'd', 300],
    ['2h', 's', 7200],
    ['10m', 's', 600],
    ['1w', 's', 604_800],
    ['0', 'd', 0],
    [' 7D ', 's', 604_800],
  ] as const)('%s (default unit %s) = %i s', (value, unit, seconds) => {
    expect(parsePostfixTime(value, unit)).toBe(seconds);
  });
  test.each(['', '5x', '-1d', '1h30m', '$foo', 'five'])('%j does not parse', (value) => {
    expect(parsePostfixTime(value, 's')).toBeNull();
  });
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function configDir(mainCf: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'postq-limits-'));
  dirs.push(dir);
  writePostfixConfig(join(dir, 'main.cf'), mainCf);
  return dir;
}

test('postconf -c DIR: units, bare numbers in the default unit, $references expanded', () => {
  const dir = configDir(
    [
      `queue_directory = ${dir0()}`,
      'qmgr_message_active_limit = 7',
      'maximal_queue_lifetime = 2',
      'bounce_queue_lifetime = 12h',
      'queue_run_delay = 17',
      'minimal_backoff_time = 1m',
      'maximal_backoff_time = $queue_run_delay',
    ].join('\n') + '\n',
  );
  const config = resolveSpoolConfig({ configDir: dir });
  expect(config.fromPostconf).toBe(true);
  expect(config.limits).toEqual({
    activeLimit: 7,
    maximalQueueLifetime: 2 * 86_400,
    bounceQueueLifetime: 12 * 3600,
    queueRunDelay: 17,
    minimalBackoffTime: 60,
    maximalBackoffTime: 17,
    source: 'postconf',
    problems: [],
  });
});

test('a value that does not parse keeps the default and is named', () => {
  const limits = limitsFromPostconf(new Map([['qmgr_message_active_limit', 'lots'], ['maximal_queue_lifetime', '3d'], ['bounce_queue_lifetime', '1h30m']]));
  expect(limits.activeLimit).toBe(20_000);
  expect(limits.maximalQueueLifetime).toBe(3 * 86_400);
  expect(limits.bounceQueueLifetime).toBe(DEFAULT_POSTFIX_LIMITS.bounceQueueLifetime);
  expect(limits.problems).toEqual(expect.arrayContaining(['qmgr_message_active_limit = lots', 'bounce_queue_lifetime = 1h30m']));
});

test("a bare --spool: Postfix's defaults (as postconf -d prints them), marked as defaults", () => {
  const config = resolveSpoolConfig({ spool: dir0() });
  expect(config.fromPostconf).toBe(false);
  expect(config.limits.source).toBe('defaults');
  const r = spawnSync('postconf', ['-d', '-h', 'qmgr_message_active_limit', 'maximal_queue_lifetime', 'bounce_queue_lifetime', 'queue_run_delay', 'minimal_backoff_time', 'maximal_backoff_time'], { encoding: 'utf8' });
  const [limit, maxLife, bounceLife, runDelay, minBackoff, maxBackoff] = r.stdout.trim().split('\n');
  expect(config.limits).toMatchObject({
    activeLimit: Number(limit),
    maximalQueueLifetime: parsePostfixTime(maxLife!, 'd'),
    bounceQueueLifetime: parsePostfixTime(bounceLife!, 'd'),
    queueRunDelay: parsePostfixTime(runDelay!, 's'),
    minimalBackoffTime: parsePostfixTime(minBackoff!, 's'),
    maximalBackoffTime: parsePostfixTime(maxBackoff!, 's'),
  });
});

let spoolDir: string | null = null;
function dir0(): string {
  if (!spoolDir) {
    spoolDir = mkdtempSync(join(tmpdir(), 'postq-limits-spool-'));
    dirs.push(spoolDir);
  }
  return spoolDir;
}
