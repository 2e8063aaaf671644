/**
 * An esbuild plugin for single-file bundles (scripts/bundle.mjs, bench/run.ts): the read
 * worker (src/watch/read-worker.ts) is bundled on its own as CommonJS and carried inline, packed
 * (scripts/packed-part.mjs), by replacing src/watch/read-worker-source.ts; read-pool.ts starts it with
 * `new Worker(code, { eval: true })`. A bundle has no file beside it to start a worker from.
 */
import { build } from 'esbuild';
import { SHIPPED_MINIFY } from './bundle-adaptations.mjs';
import { packedModules, packText, UNPACK_SOURCE } from './packed-part.mjs';
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
    ...SHIPPED_MINIFY,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    // libmime and re2js packed, as in the bundle: a worker unpacks each when it first needs it.
    plugins: [packedModules(SHIPPED_MINIFY)],
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
        // Packed (scripts/packed-part.mjs): the main thread holds a fifth of it, unpacked only
        // as a pool starts; each worker then holds its own copy of the text, as before.
        const packed = packText(await workerCode());
        return {
          contents: `${UNPACK_SOURCE}\nfunction packed() { return ${JSON.stringify(packed)}; }\nexport function readWorkerSource() { return { code: unpackText(packed()) }; }`,
          loader: 'js',
        };
      });
    },
  };
}
