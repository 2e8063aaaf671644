/**
 * An esbuild plugin for single-file bundles (scripts/bundle.mjs, bench/run.ts): the read
 * worker (src/watch/read-worker.ts) is bundled on its own as CommonJS and carried inline as a
 * string, by replacing src/watch/read-worker-source.ts; read-pool.ts starts it with
 * `new Worker(code, { eval: true })`. A bundle has no file beside it to start a worker from.
 */
import { build } from 'esbuild';
import { SHIPPED_MINIFY } from './bundle-adaptations.mjs';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_MODULE = /src[\\/]watch[\\/]read-worker-source\.ts$/;

/**
 * encoded-words.ts loads libmime lazily through createRequire(import.meta.url); in this
 * CommonJS build import.meta.url is empty and that call threw as the worker loaded (every
 * read of a large spool failed). CommonJS has require itself: use it, lazily as before.
 */
const plainLibmimeRequire = {
  name: 'postq-worker-libmime',
  setup(b) {
    b.onLoad({ filter: /src[\\/]spool[\\/]encoded-words\.ts$/ }, (args) => {
      const original = readFileSync(args.path, 'utf8');
      const declaration = /const requireCjs = createRequire\(import\.meta\.url\);/;
      if (!declaration.test(original)) throw new Error(`bundle: ${args.path} no longer declares requireCjs as expected`);
      // A literal require('libmime') is bundled (lazily, esbuild's __commonJS wrapper), as in
      // scripts/bundle.mjs: a server has no node_modules for the worker to find it in.
      const source = original.replace(declaration, 'const requireCjs = require;').replace(/requireCjs\('libmime'\)/, "require('libmime')");
      if (!source.includes("require('libmime')")) throw new Error(`bundle: ${args.path} no longer loads libmime through requireCjs('libmime')`);
      return { contents: source, loader: 'ts' };
    });
  },
};

export async function workerCode() {
  const result = await build({
    entryPoints: [join(root, 'src', 'watch', 'read-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    ...SHIPPED_MINIFY,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [plainLibmimeRequire],
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
