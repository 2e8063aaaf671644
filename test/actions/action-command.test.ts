import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runActionCommand, type ActionCommandOptions } from '../../src/cli/action-command.js';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { UsageError } from '../../src/domain/errors.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { whereAll } from './backend-contract.js';
import { readyIds } from './spool-fixtures.js';

let copy: CorpusCopy;
let config: SpoolConfig;
let stateDir: string;
let out: string[];
let err: string[];

beforeEach(() => {
  copy = copyCorpusSpool('basic');
  config = resolveSpoolConfig({ spool: copy.spool });
  stateDir = mkdtempSync(join(tmpdir(), 'postq-state-'));
  process.env.POSTQ_AUDIT_LOG = join(stateDir, 'audit.log');
  out = [];
  err = [];
});
afterEach(() => {
  copy.cleanup();
  rmSync(stateDir, { recursive: true, force: true });
  delete process.env.POSTQ_AUDIT_LOG;
});

const options = (over: Partial<ActionCommandOptions>): ActionCommandOptions => ({
  action: 'hold',
  queues: null,
  filter: null,
  ids: [],
  dryRun: false,
  yes: false,
  backend: 'direct',
  bareSpool: true,
  ...over,
});
const run = (over: Partial<ActionCommandOptions>, stdin = '') =>
  runActionCommand(config, options(over), { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => stdin });
const snapshot = () => [...whereAll(config)].map(([id, qs]) => `${id}:${qs.join('+')}`).sort();

describe('postq ACTION (in process, direct backend on a corpus copy)', () => {
  it('without --yes: prints what it would do and the count, changes nothing, exit 0', async () => {
    const before = snapshot();
    expect(await run({ queues: ['deferred'] })).toBe(0);
    const text = out.join('');
    const count = readyIds(config, 'deferred').length;
    expect(count).toBeGreaterThan(5);
    expect(text).toContain('would hold 22 messages:');
    expect(text).toContain('nothing changed: add --yes to do it');
    expect(snapshot()).toEqual(before);
  });

  it('--queue Q --yes: holds every ready message in Q; the rest are reported, exit 1', async () => {
    const ready = readyIds(config, 'deferred');
    expect(ready).toHaveLength(22);
    // One file caught "being written" (0600): postsuper would not count it; it stays.
    const busy = ready.pop()!;
    chmodSync(join(copy.spool, 'deferred', busy[0]!, busy), 0o600);
    expect(await run({ queues: ['deferred'], yes: true })).toBe(1);
    for (const id of ready) expect(whereAll(config).get(id)).toEqual(['hold']);
    expect(whereAll(config).get(busy)).toEqual(['deferred']);
    expect(out.join('')).toBe(`held 21 of 22 messages; 1 not found (already gone)\nnot found: ${busy}\n`);
  });

  it('ids as arguments and on stdin, markers stripped; an unknown id is "not found" and exit 1', async () => {
    const [a, b] = readyIds(config, 'deferred');
    expect(await run({ ids: [`${a}*`, '-'], yes: true }, `${b}\nFFFFF99999\n`)).toBe(1);
    expect(whereAll(config).get(a!)).toEqual(['hold']);
    expect(whereAll(config).get(b!)).toEqual(['hold']);
    expect(out.join('')).toContain('held 2 of 3 messages; 1 not found (already gone)\nnot found: FFFFF99999\n');
    const audit = readFileSync(process.env.POSTQ_AUDIT_LOG!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.map((e) => e.phase)).toEqual(['intent', 'done']);
    expect(audit[0]).toMatchObject({ backend: 'direct', action: 'hold', ids: [a, b] });
    expect(audit[1]).toMatchObject({ counts: { done: 2, notFound: 0, failed: 0 } });
  });

  it('a dry run counts only what the action can take; the rest are listed with why', async () => {
    const [held] = readyIds(config, 'hold');
    const [deferred] = readyIds(config, 'deferred');
    const [corrupt] = readyIds(config, 'corrupt');
    expect(await run({ action: 'release', ids: [held!, deferred!, corrupt!], dryRun: true })).toBe(0);
    const text = out.join('');
    expect(text).toContain('would release 1 message:\n');
    expect(text).toContain(`${deferred}\tnot on hold (in deferred/)\n`);
    expect(text).toContain(`${corrupt}\tin corrupt/: postsuper does not act on corrupt files`);
  });

  it('everything done: exit 0', async () => {
    const held = readyIds(config, 'hold');
    expect(await run({ action: 'release', queues: ['hold'], yes: true })).toBe(0);
    expect(out.join('')).toBe(`released ${held.length} of ${held.length} messages\n`);
  });

  it('--filter selects with the console filter language', async () => {
    // Per the corpus oracle (postqueue.jsonl): rupert@ sends E978822C214 (3 MB), rupert53@ sends 9C68622C229.
    const before = whereAll(config);
    expect(await run({ action: 'delete', filter: 'from:rupert size>1M', yes: true })).toBe(0);
    expect(out.join('')).toBe('deleted 1 of 1 message\n');
    expect(whereAll(config).has('E978822C214')).toBe(false);
    expect(whereAll(config).has('9C68622C229')).toBe(true);
    expect(whereAll(config).size).toBe(before.size - 1);
  });

  it('--filter narrows explicit ids too (dry run lists only the matches)', async () => {
    expect(await run({ action: 'delete', ids: ['E978822C214', '9C68622C229'], filter: 'size>1M', dryRun: true, yes: true })).toBe(0);
    const text = out.join('');
    expect(text).toContain('would delete 1 message:\n');
    expect(text).toContain('E978822C214\tdeferred\n');
    expect(text).not.toContain('9C68622C229');
    expect(text).toContain('dry run: nothing changed\n');
    expect(whereAll(config).has('E978822C214')).toBe(true);
  });

  it('bad input: invalid ids are refused, unknown queue for the action is a usage error', async () => {
    const before = snapshot();
    expect(await run({ ids: ['../../x', 'a b'], yes: true })).toBe(1);
    expect(err.join('')).toContain('2 messages failed: invalid queue id: ../../x a b');
    await expect(run({ action: 'release', queues: ['deferred'] })).rejects.toThrow(UsageError);
    await expect(run({ filter: 'age>(' })).rejects.toThrow(/--filter: bad age/);
    await expect(run({})).rejects.toThrow(/give queue ids/);
    expect(snapshot()).toEqual(before);
  });

  it('a bare --spool without --backend is refused: never direct by surprise', async () => {
    await expect(run({ backend: null, queues: ['deferred'] })).rejects.toThrow(/give --backend direct/);
    await expect(run({ backend: 'postsuper', queues: ['deferred'] })).rejects.toThrow(/give -c CONFIG_DIR, not --spool/);
  });
});

// Several node start-ups per test: generous limits for a loaded CI machine (no timed assertion).
describe('the built CLI (dist/cli.js)', { timeout: 300_000 }, () => {
  const cli = (args: string[], input = '') =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), ...args], { input, encoding: 'utf8', env: { ...process.env }, timeout: 120_000 });

  it('hold - --yes reads ids from stdin; exit 0; unknown queue name is exit 2', () => {
    const [a] = readyIds(config, 'deferred');
    const r = cli(['hold', '-', '--yes', '--spool', copy.spool, '--backend', 'direct'], `${a}\n`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('held 1 of 1 message\n');
    expect(r.status).toBe(0);
    expect(whereAll(config).get(a!)).toEqual(['hold']);
    const bad = cli(['hold', '--queue', 'nosuch', '--spool', copy.spool, '--backend', 'direct']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown queue "nosuch"');
    const badBackend = cli(['hold', '--queue', 'deferred', '--spool', copy.spool, '--backend', 'rm']);
    expect(badBackend.status).toBe(2);
    expect(badBackend.stderr).toContain('unknown backend "rm"');
  });
});
