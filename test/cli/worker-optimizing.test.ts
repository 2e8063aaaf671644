/**
 * `postq list`/`count` make their read workers optimize on their own thread
 * (src/cli/worker-optimizing.ts), in fresh processes under V8's --trace-opt (the flag is the
 * process's; --turbo-filter keeps the trace to the two functions): a worker started after
 * runCount() compiles its hot function synchronously, one started in a process that ran no
 * listing compiles it on V8's background threads (as every worker did before), and the main
 * thread's own heap keeps its background jobs either way.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { copyCorpusSpool, REPO_ROOT } from '../helpers/corpus.js';

const corpus = copyCorpusSpool('basic');
afterAll(() => corpus.cleanup());

/** V8's "compiling method" lines for hotInWorker and hotInMain, after a `count` (or none). */
async function compileModes(count: boolean): Promise<{ worker: string[]; main: string[] }> {
  const listModule = JSON.stringify(join(REPO_ROOT, 'src/cli/list-command.ts'));
  const configModule = JSON.stringify(join(REPO_ROOT, 'src/config/spool-config.ts'));
  const script = `
    import { Worker } from 'node:worker_threads';
    import { runCount } from ${listModule};
    import { resolveSpoolConfig } from ${configModule};
    if (${count}) await runCount(resolveSpoolConfig({ spool: ${JSON.stringify(corpus.spool)} }), { json: false, all: false, queues: null }, () => {});
    function hotInMain(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
    let t = 0;
    for (let k = 0; k < 20000; k++) t += hotInMain(200);
    const worker = new Worker(\`
      import { parentPort } from 'node:worker_threads';
      function hotInWorker(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
      let t = 0;
      for (let k = 0; k < 20000; k++) t += hotInWorker(200);
      parentPort.postMessage(t);\`, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--trace-opt', '--turbo-filter=hot*', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 2 ** 20,
  });
  const lines = stdout.split('\n').filter((line) => line.startsWith('[compiling method'));
  return { worker: lines.filter((l) => l.includes('hotInWorker')), main: lines.filter((l) => l.includes('hotInMain')) };
}

const runs = { counted: compileModes(true), none: compileModes(false) };

test('after a listing, a worker optimizes its hot function on its own thread; the main thread still in the background', async () => {
  const { worker, main } = await runs.counted;
  expect(worker.length).toBeGreaterThan(0);
  for (const line of worker) expect(line).toContain('mode: ConcurrencyMode::kSynchronous');
  expect(main.length).toBeGreaterThan(0);
  for (const line of main) expect(line).toContain('mode: ConcurrencyMode::kConcurrent');
}, 60_000);

test('without a listing, a worker optimizes in the background (V8\'s default)', async () => {
  const { worker } = await runs.none;
  expect(worker.length).toBeGreaterThan(0);
  for (const line of worker) expect(line).toContain('mode: ConcurrencyMode::kConcurrent');
}, 60_000);
