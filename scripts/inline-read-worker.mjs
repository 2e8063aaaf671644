/**
 * An esbuild plugin for single-file bundles (scripts/bundle.mjs, bench/run.ts): the read
 * worker (src/watch/read-worker.ts) is bundled on its own as CommonJS and carried inline as a
 * string, by replacing src/watch/read-worker-source.ts; read-pool.ts starts it with
 * `new Worker(code, { eval: true })`. A bundle has no file beside it to start a worker from.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_MODULE = /src[\\/]watch[\\/]read-worker-source\.ts$/;

export async function workerCode() {
  const result = await build({
    entryPoints: [join(root, 'src', 'watch', 'read-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

export function inlineReadWorker() {
  return {
    name: 'postq-inline-read-worker',
    setup(b) {
      b.onLoad({ filter: SOURCE_MODULE }, async (args) => {
        const original = readFileSync(args.path, 'utf8');
        if (!original.includes('export function readWorkerSource()')) throw new Error(`bundle: ${args.path} no longer exports readWorkerSource()`);
        const code = await workerCode();
        return {
          contents: `export function readWorkerSource() { return { code: ${JSON.stringify(code)} }; }`,
          loader: 'js',
        };
      });
    },
  };
}
