/**
 * Thresholds from a JSON file and flags (config/thresholds.ts): ages with units, flags that
 * override the file per queue and kind, the default file beside the user's themes, and errors
 * that name the file and the key (or the flag) without quoting the file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { UsageError } from '../../src/domain/errors.js';
import { loadThresholds, parseThresholdFlag, parseThresholdsJson } from '../../src/config/thresholds.js';

const dir = mkdtempSync(join(tmpdir(), 'postq-thresholds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a file: counts, ages in seconds or with units, warning and/or critical', () => {
  const t = parseThresholdsJson('t.json', {
    deferred: { count: { warning: 1000, critical: 5000 }, age: { warning: '4h', critical: '2d' } },
    hold: { count: { critical: 100 } },
    total: { age: { warning: 90 } },
  });
  expect(t.deferred).toEqual({ count: { warning: 1000, critical: 5000 }, age: { warning: 14400, critical: 172800 } });
  expect(t.hold).toEqual({ count: { warning: null, critical: 100 } });
  expect(t.total).toEqual({ age: { warning: 90, critical: null } });
});

test('a bad file says which file and key, and why', () => {
  const bad = (json: unknown) => {
    try {
      parseThresholdsJson('t.json', json);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };
  expect(bad({ defered: { count: { warning: 1 } } })).toMatch(/^t\.json: defered: not a queue/);
  expect(bad({ deferred: { size: { warning: 1 } } })).toBe('t.json: deferred.size: unknown (expected count or age)');
  expect(bad({ deferred: { count: { warn: 1 } } })).toBe('t.json: deferred.count.warn: unknown (expected warning or critical)');
  expect(bad({ deferred: { count: { warning: '4h' } } })).toMatch(/^t\.json: deferred\.count\.warning: a count/);
  expect(bad({ deferred: { age: { warning: '4 hours' } } })).toMatch(/^t\.json: deferred\.age\.warning: an age/);
  expect(bad({ deferred: { count: { warning: 10, critical: 5 } } })).toBe('t.json: deferred.count: critical (5) is below warning (10)');
  expect(bad([1, 2])).toMatch(/must be a JSON object/);
});

test('flags: QUEUE.KIND=WARNING:CRITICAL, either side empty; nonsense refused', () => {
  expect(parseThresholdFlag('deferred.count=1000:5000')).toEqual({ scope: 'deferred', kind: 'count', pair: { warning: 1000, critical: 5000 } });
  expect(parseThresholdFlag('total.age=4h:2d')).toEqual({ scope: 'total', kind: 'age', pair: { warning: 14400, critical: 172800 } });
  expect(parseThresholdFlag('hold.count=:100').pair).toEqual({ warning: null, critical: 100 });
  expect(parseThresholdFlag('active.age=600').pair).toEqual({ warning: 600, critical: null });
  for (const spec of ['deferred=10', 'nosuch.count=1', 'deferred.count=', 'deferred.count=x', 'deferred.count=5:1', 'deferred.age=1y']) {
    expect(() => parseThresholdFlag(spec), spec).toThrow(UsageError);
  }
});

test('the default file beside the themes is read; --thresholds names another; flags override per queue and kind', () => {
  const config = join(dir, 'config');
  mkdirSync(join(config, 'postq'), { recursive: true });
  writeFileSync(join(config, 'postq', 'thresholds.json'), JSON.stringify({ deferred: { count: { warning: 10 }, age: { critical: '1h' } } }));
  const env = { XDG_CONFIG_HOME: config };
  expect(loadThresholds({ env })).toEqual({ deferred: { count: { warning: 10, critical: null }, age: { warning: null, critical: 3600 } } });
  expect(loadThresholds({ env, flags: ['deferred.count=20:30'] })).toEqual({ deferred: { count: { warning: 20, critical: 30 }, age: { warning: null, critical: 3600 } } });
  const other = join(dir, 'other.json');
  writeFileSync(other, JSON.stringify({ active: { count: { critical: 5 } } }));
  expect(loadThresholds({ env, file: other })).toEqual({ active: { count: { warning: null, critical: 5 } } });
  expect(loadThresholds({ env: { XDG_CONFIG_HOME: join(dir, 'none') } })).toEqual({});
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"deferred": secret-text');
  expect(() => loadThresholds({ env, file: broken })).toThrow(`${broken}: not valid JSON`);
  expect(() => loadThresholds({ env, file: join(dir, 'missing.json') })).toThrow(/missing\.json: cannot read thresholds: ENOENT/);
});
