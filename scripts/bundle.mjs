#!/usr/bin/env node
/**
 * `npm run bundle [-- --outfile PATH]`: one file, dist/postq.mjs, that runs with plain Node 20 and no
 * node_modules, for copying onto a mail server (scp dist/postq.mjs host: && ssh host node
 * postq.mjs). esbuild bundles src/cli.ts with everything it imports:
 *
 * - ESM output, because yoga-layout (Ink's layout engine, WebAssembly embedded as base64)
 *   uses top-level await; a createRequire banner serves the CommonJS dependencies (React)
 *   that call require() for Node built-ins.
 * - The adaptations a lone file needs (Ink's devtools left out, the themes embedded, Ink's
 *   output caches shared, its text-size cache bounded, libmime required plainly):
 *   scripts/bundle-adaptations.mjs, shared with the bench's console-fill probe.
 * - The read worker (the initial index of a large spool runs on two threads) is carried
 *   inline: scripts/inline-read-worker.mjs.
 * - Two programs in the file: `list` and `count` run a list part without the console's code,
 *   everything else the whole program, carried packed: scripts/split-bundle.mjs.
 *
 * Fails loudly when the source it adapts has changed shape.
 */
import { build } from 'esbuild';
import { SHIPPED_MINIFY, themeFileCount } from './bundle-adaptations.mjs';
import { checkListPart, splitBundleOptions } from './split-bundle.mjs';
import { chmodSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--outfile');
const outfile = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist', 'postq.mjs');

const result = await build({
  ...(await splitBundleOptions()),
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // node18: regex literals with the v flag (string-width) become new RegExp() calls, so the file
  // still parses on old Node and node-check.ts (the first code) can say what is needed.
  target: 'node18',
  ...SHIPPED_MINIFY,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  banner: {
    js: [
      "import { createRequire as __postqCreateRequire } from 'node:module';",
      'const require = __postqCreateRequire(import.meta.url);',
    ].join('\n'),
  },
});
checkListPart(result.metafile);

chmodSync(outfile, 0o755);
const size = statSync(outfile).size;
const inputs = Object.keys(result.metafile.inputs).length;
console.log(`${outfile}: ${(size / 1024).toFixed(0)} KiB from ${inputs} modules, ${themeFileCount()} themes embedded`);
