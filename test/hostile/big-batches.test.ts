/**
 * Big batches: 500,000 ids on stdin and in one postsuper batch (no stack overflow, the right
 * outcome for every id, a bounded heap); an empty filter on an action is a usage error, never "every message".
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostsuperBackend } from '../../src/actions/postsuper-backend.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt, runCli } from '../helpers/postq-cli.js';
import { FakeRunner } from '../actions/fake-runner.js';

let copy: CorpusCopy;
beforeAll(ensureBuilt);
afterEach(() => copy?.cleanup());

const fakeIds = (count: number) => Array.from({ length: count }, (_, i) => `${(0x100000 + i).toString(16).toUpperCase()}ABCDE`);

describe('500,000 ids', { timeout: 300_000 }, () => {
  it('on stdin: every id gets its outcome, with a 256 MB heap', () => {
    copy = copyCorpusSpool('basic');
    const real = ['749A822C202', '779B722C1FF', '8A59A22C209'];
    const ids = [...fakeIds(500_000 - real.length), ...real];
    const r = spawnSync(process.execPath, ['--max-old-space-size=256', CLI_PATH, 'hold', '-', '--yes', '--spool', copy.spool, '--backend', 'direct'], {
      input: ids.join('\n') + '\n',
      env: { ...process.env, POSTQ_AUDIT_LOG: join(copy.spool, '..', 'audit.log') },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 280_000,
    });
    const stdout = r.stdout.toString();
    expect(r.stderr.toString()).toBe('');
    expect(stdout).toContain('held 3 of 500,000 messages; 499,997 not found (already gone)');
    expect(r.status).toBe(1);
    const config = resolveSpoolConfig({ spool: copy.spool });
    const held = runCli(['list', '--json', '--queue', 'hold', '--spool', copy.spool]).stdout;
    for (const id of real) expect(held).toContain(id);
    void config;
  });

  it('in one postsuper batch: every id done, none lost to a crash', async () => {
    const ids = fakeIds(500_000);
    const runner = new FakeRunner([
      {
        file: 'postsuper',
        args: ['-h', '-', 'deferred'],
        stdin: ids.join('\n') + '\n',
        result: { stderr: ids.map((id) => `postsuper: ${id}: placed on hold`).join('\n') + '\npostsuper: Placed on hold: 500000 messages\n' },
      },
    ]);
    const backend = createPostsuperBackend({ configDir: null, runner, isRoot: () => true, timeoutMs: 5000 });
    const result = await backend.run('hold', ids.map((queueId) => ({ queueId, queueName: 'deferred' as const })));
    expect(result.error).toBeUndefined();
    expect(result.outcomes).toHaveLength(500_000);
    expect(result.outcomes.every((o, i) => o.status === 'done' && o.queueId === ids[i])).toBe(true);
  });
});

describe('an empty filter on an action', () => {
  it('is a usage error, for empty and for blank text', () => {
    copy = copyCorpusSpool('basic');
    for (const filter of ['', '   ']) {
      const r = runCli(['delete', '--filter', filter, '--yes', '--spool', copy.spool, '--backend', 'direct']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('--filter is empty');
    }
    expect(runCli(['list', '--json', '--spool', copy.spool]).stdout).toContain('749A822C202');
  });
});
