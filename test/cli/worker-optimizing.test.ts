/**
 * `postq list`/`count` make their read workers optimize on their own thread
 * (src/cli/worker-optimizing.ts), in a fresh process under V8's --trace-opt (the flag is the
 * process's; --turbo-filter keeps the trace to the test's functions): a worker started before
 * runCount() compiles its hot function on V8's background threads (as every listing worker did
 * before), one started after it compiles synchronously, and the main thread's own heap keeps
 * its background jobs. Under --trace-turbo-inlining, a function optimized after runCount()
 * inlines at most INLINE_BUDGET bytes of bytecode (four of six 68-byte callees), one before it
 * all six.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { INLINE_BUDGET } from '../../src/cli/worker-optimizing.js';
import { copyCorpusSpool, REPO_ROOT } from '../helpers/corpus.js';

const corpus = copyCorpusSpool('basic');
afterAll(() => corpus.cleanup());

/**
 * What V8 traces (its stdout) while a script runs in a fresh node with `flags`. Into a file, not
 * a pipe: V8 prints with stdio, and a pipe Node made non-blocking loses what a slow reader
 * leaves in it (EAGAIN): under load, lines went missing.
 */
async function v8Trace(flags: string[], script: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'postq-v8-trace-'));
  const out = openSync(join(dir, 'trace'), 'w');
  try {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      stdio: ['ignore', out, 'inherit'],
      timeout: 60_000,
    });
    const status = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
    expect(status).toBe(0);
    return readFileSync(join(dir, 'trace'), 'utf8');
  } finally {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}

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
  const stdout = await v8Trace(['--trace-opt', '--turbo-filter=hot*'], script);
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

/** How many calls V8 inlined into hotBefore (optimized before runCount) and hotAfter (after it). */
async function inlinedCalls(): Promise<Record<'hotBefore' | 'hotAfter', number>> {
  const listModule = JSON.stringify(join(REPO_ROOT, 'src/cli/list-command.ts'));
  const configModule = JSON.stringify(join(REPO_ROOT, 'src/config/spool-config.ts'));
  // Six callees of 68 bytes of bytecode each: 408 in all, within V8's default budget.
  const callees = [3, 5, 7, 9, 11, 13].map((k) => `function f${k}(x) { let s = 0; for (let i = 0; i < 3; i++) s += (x * i) % ${k} + (x >> i) - (x & i) + ((x | i) ^ ${k}); return s; }`).join('\n');
  // Optimized on the spot (V8's natives syntax, kept out of reach of the TypeScript loader in a
  // Function body): the job runs then, with the budget of that moment, not in the background.
  const hot = (name: string) => `function ${name}(x) { return f3(x) + f5(x) + f7(x) + f9(x) + f11(x) + f13(x); }
    for (const f of [${name}, f3, f5, f7, f9, f11, f13]) prepare(f);
    for (let k = 0; k < 20; k++) ${name}(k);
    optimize(${name}); ${name}(21);`;
  const script = `
    import { runCount } from ${listModule};
    import { resolveSpoolConfig } from ${configModule};
    const prepare = new Function('f', '%PrepareFunctionForOptimization(f)');
    const optimize = new Function('f', '%OptimizeFunctionOnNextCall(f)');
    ${callees}
    ${hot('hotBefore')}
    await runCount(resolveSpoolConfig({ spool: ${JSON.stringify(corpus.spool)} }), { json: false, all: false, queues: null }, () => {});
    ${hot('hotAfter')}`;
  const stdout = await v8Trace(['--allow-natives-syntax', '--trace-turbo-inlining', '--turbo-filter=hot*'], script);
  const into = (name: string) => stdout.split('\n').filter((l) => l.startsWith('Inlining ') && l.includes(`<SharedFunctionInfo ${name}>}`)).length;
  return { hotBefore: into('hotBefore'), hotAfter: into('hotAfter') };
}

test('after a listing a TurboFan job inlines at most INLINE_BUDGET bytes of bytecode; before it, V8\'s default', async () => {
  const inlined = await inlinedCalls();
  expect(inlined.hotBefore).toBe(6);
  // 300 bytes: four of the 68-byte callees.
  expect(inlined.hotAfter).toBe(Math.floor(INLINE_BUDGET / 68));
}, 60_000);
