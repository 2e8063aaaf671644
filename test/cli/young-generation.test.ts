/**
 * holdYoungGeneration() (src/cli/young-generation.ts), in fresh processes (V8's flags are the
 * process's): after a worker thread has started, the main thread keeps promoting what it
 * allocates (as the console's index does) and its young generation keeps its size; without
 * the hold it grows, and with a hold made only once, before the worker, it grows too (a new
 * heap sets V8's growth factor back), which is why the hold is made again for each worker.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';

type Mode = 'none' | 'held' | 'held-once';

/** The main thread's new space (bytes) after a worker is online, and at most while it promotes ~12 MB. */
async function youngGeneration(mode: Mode): Promise<{ before: number; after: number }> {
  const module = JSON.stringify(join(REPO_ROOT, 'src/cli/young-generation.ts'));
  const script = `
    import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { holdYoungGeneration } from ${module};
    const mode = ${JSON.stringify(mode)};
    if (mode === 'held') holdYoungGeneration();
    if (mode === 'held-once') setFlagsFromString('--semi-space-growth-factor=1');
    const worker = new Worker('setTimeout(() => {}, 60000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const before = newSpace();
    let after = before;
    const kept = [];
    for (let i = 0; i < 200000; i++) {
      kept.push({ i, text: 'entry ' + i });
      if (i % 1000 === 0) after = Math.max(after, newSpace());
    }
    await worker.terminate();
    process.stdout.write(JSON.stringify({ before, after, kept: kept.length }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(stdout) as { before: number; after: number };
}

// The three processes at once: each is mostly node's and tsx's start.
const runs = { held: youngGeneration('held'), none: youngGeneration('none'), heldOnce: youngGeneration('held-once') };

test('held: the main thread keeps its young generation size after a worker started, while it promotes', async () => {
  const held = await runs.held;
  expect(held.before).toBeGreaterThan(0);
  expect(held.after).toBe(held.before);
}, 60_000);

test('without the hold, or with a hold made only before the worker, the young generation grows', async () => {
  for (const [mode, run] of [['none', await runs.none], ['held-once', await runs.heldOnce]] as const) {
    expect(run.after, mode).toBeGreaterThan(run.before);
  }
}, 60_000);
