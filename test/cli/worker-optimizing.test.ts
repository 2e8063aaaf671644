/**
 * `postq list`/`count` make their read workers optimize on their own thread
 * (src/cli/worker-optimizing.ts), in a fresh process under V8's --trace-opt (the flag is the
 * process's; --turbo-filter keeps the trace to the test's functions): a worker started before
 * runCount() compiles its hot function on V8's background threads (as every listing worker did
 * before), one started after it compiles synchronously, and the main thread's own heap keeps
 * its background jobs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { copyCorpusSpool, REPO_ROOT } from '../helpers/corpus.js';

const corpus = copyCorpusSpool('basic');
afterAll(() => corpus.cleanup());

/** V8's "compiling method" lines for each hot function: hotBefore (a worker before the count), hotAfter (one after), hotInMain. */
async function compileModes(): Promise<Record<'hotBefore' | 'hotAfter' | 'hotInMain', string[]>> {
  const listModule = JSON.stringify(join(REPO_ROOT, 'src/cli/list-command.ts'));
  const configModule = JSON.stringify(join(REPO_ROOT, 'src/config/spool-config.ts'));
  const script = `
    import { Worker } from 'node:worker_threads';
    import { runCount } from ${listModule};
    import { resolveSpoolConfig } from ${configModule};
    const hotWorker = (name) => new Promise((resolve) => {
      const worker = new Worker(\`
        import { parentPort } from 'node:worker_threads';
        function \${name}(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
        let t = 0;
        for (let k = 0; k < 20000; k++) t += \${name}(200);
        parentPort.postMessage(t);\`, { eval: true });
      worker.once('message', () => resolve(worker.terminate()));
    });
    await hotWorker('hotBefore');
    await runCount(resolveSpoolConfig({ spool: ${JSON.stringify(corpus.spool)} }), { json: false, all: false, queues: null }, () => {});
    function hotInMain(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
    let t = 0;
    for (let k = 0; k < 20000; k++) t += hotInMain(200);
    await hotWorker('hotAfter');`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--trace-opt', '--turbo-filter=hot*', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = stdout.split('\n').filter((line) => line.startsWith('[compiling method'));
  const of = (name: string) => lines.filter((l) => l.includes(`<JSFunction ${name} `));
  return { hotBefore: of('hotBefore'), hotAfter: of('hotAfter'), hotInMain: of('hotInMain') };
}

test('after a listing a worker optimizes on its own thread; before it, and the main thread, in the background', async () => {
  const modes = await compileModes();
  for (const lines of Object.values(modes)) expect(lines.length).toBeGreaterThan(0);
  for (const line of modes.hotAfter) expect(line).toContain('mode: ConcurrencyMode::kSynchronous');
  for (const line of [...modes.hotBefore, ...modes.hotInMain]) expect(line).toContain('mode: ConcurrencyMode::kConcurrent');
}, 60_000);
