import { describe, expect, it } from 'vitest';
import { createSpawnRunner } from '../../src/actions/process-runner.js';

describe('spawn runner (real processes, no shell)', () => {
  const runner = createSpawnRunner();

  it('passes argv verbatim (no shell) and stdin through', async () => {
    const r = await runner.run({ file: 'sh', args: ['-c', 'cat; echo "$1" >&2', 'sh', '$(touch /tmp/never); *'], stdin: 'a\nb\n', timeoutMs: 30_000 });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'a\nb\n', stderr: '$(touch /tmp/never); *\n', timedOut: false, spawnError: null });
  });

  it('reports a missing program as spawnError ENOENT', async () => {
    const r = await runner.run({ file: 'postq-no-such-program', args: [], stdin: '', timeoutMs: 30_000 });
    expect(r.spawnError?.code).toBe('ENOENT');
  });

  it('kills a child that outlives the timeout and says so', async () => {
    const r = await runner.run({ file: 'sleep', args: ['30'], stdin: '', timeoutMs: 100 });
    expect(r).toMatchObject({ timedOut: true, signal: 'SIGKILL', exitCode: null });
  });

  it('a child that exits without reading stdin does not crash the runner (EPIPE)', async () => {
    const r = await runner.run({ file: 'true', args: [], stdin: 'x'.repeat(1 << 20), timeoutMs: 30_000 });
    expect(r.exitCode).toBe(0);
  });
});
