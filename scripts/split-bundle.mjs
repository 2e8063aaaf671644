/**
 * The single-file bundle as two programs (scripts/bundle.mjs): a list part that `list` and
 * `count` run (src/cli/list-part.ts says which command lines), and the whole program, carried
 * packed (scripts/packed-part.mjs) and run for everything else.
 *
 * Why: a thread holds the whole text it started from, and V8 lets its heap grow in proportion;
 * the console's code (Ink, React, yoga, the fleet: 1.5 MB of the 2 MB file) cost
 * `node postq.mjs list --json` several MiB at 100,000 messages though it never runs.
 *
 * - The list part is src/cli.ts bundled as usual, except that its dynamic imports below
 *   src/cli.ts (the console, demo, stats, top, log, serve, the fleet) become modules that throw:
 *   a list or count never reaches them. The build fails if Ink or React gets in anyway.
 * - The whole program is src/cli.ts bundled as the file was before, run as the body of an async
 *   function (top-level await as in a module): so it may hold no import or export statement
 *   (built-in modules come from process.getBuiltinModule; the build fails if one is left),
 *   `import.meta` is the file's own, and libmime, re2js and the read worker's code, packed once
 *   in the list part, are handed to it.
 * - Only one of the two runs in a process, so no module is ever evaluated twice.
 *
 * Fails loudly when the source it adapts has changed shape.
 */
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleAdaptations, SHIPPED_MINIFY } from './bundle-adaptations.mjs';
import { inlineReadWorker } from './inline-read-worker.mjs';
import { PACKED_MODULES, packText, UNPACK_SOURCE } from './packed-part.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'src', 'cli.ts');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const BUILTIN = new RegExp(`^(node:)?(${builtinModules.map(escape).join('|')})$`);
const define = { 'process.env.NODE_ENV': '"production"' };

/** Built-in modules by a call, not an import statement (a function body cannot hold one). */
const builtinsByCall = {
  name: 'postq-builtins-by-call',
  setup(b) {
    b.onResolve({ filter: BUILTIN }, (args) => ({ path: args.path, namespace: 'postq-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'postq-builtin' }, (args) => ({ contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** libmime, re2js and the read worker's code from the list part (`__postqShared`, a parameter of the program's function). */
const sharedFromListPart = {
  name: 'postq-shared-from-list-part',
  setup(b) {
    b.onResolve({ filter: /^postq-packed-/ }, (args) => ({ path: args.path.slice('postq-packed-'.length), namespace: 'postq-shared' }));
    b.onLoad({ filter: /.*/, namespace: 'postq-shared' }, (args) => ({ contents: `export const loadPacked = () => __postqShared.packed[${JSON.stringify(args.path)}]();`, loader: 'js' }));
    b.onLoad({ filter: /src[\\/]watch[\\/]read-worker-source\.ts$/ }, () => ({ contents: 'export const readWorkerSource = () => __postqShared.readWorkerSource();', loader: 'js' }));
  },
};

/** The whole program's text: src/cli.ts with everything, as a function body. */
async function wholeProgram() {
  const result = await build({
    entryPoints: [CLI],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    ...SHIPPED_MINIFY,
    write: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
    define: { ...define, 'import.meta': '__postqImportMeta' },
    // Registered first: their answers win over bundleAdaptations' libmime and worker.
    plugins: [sharedFromListPart, builtinsByCall, bundleAdaptations()],
  });
  const output = Object.values(result.metafile.outputs)[0];
  // require() calls may stay (ws's optional bufferutil, tried and caught): they go to `require`.
  const imports = output.imports.filter((i) => i.kind !== 'require-call');
  if (imports.length > 0 || output.exports.length > 0) {
    throw new Error(`bundle: the whole program must hold no import or export: ${JSON.stringify([...imports.map((i) => i.path), ...output.exports])}`);
  }
  // src/cli.ts's #! line: the program is a function body now.
  return result.outputFiles[0].text.replace(/^#!.*\n/, '');
}

const ENTRY_NAME = 'postq-entry.js';
const LIST_PART_IMPORTERS = [CLI, join(root, ENTRY_NAME)];

/** In the list part, the dynamic imports below src/cli.ts: modules that throw if ever reached. */
const notInListPart = {
  name: 'postq-not-in-list-part',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' && !LIST_PART_IMPORTERS.includes(args.importer) ? { path: args.path, namespace: 'postq-not-here', pluginData: args.importer } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'postq-not-here' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`postq.mjs: ${args.path} (imported by ${args.pluginData.slice(root.length + 1)}) is not in the list part (scripts/split-bundle.mjs)`)});`,
      loader: 'js',
    }));
  },
};

/**
 * The file's entry: the Node check first (src/cli.ts's first import too), then the list part
 * or the whole program.
 */
async function entrySource() {
  const packed = packText(await wholeProgram());
  return `import ${JSON.stringify(join(root, 'src', 'node-check.ts'))};
import { runsInListPart } from ${JSON.stringify(join(root, 'src', 'cli', 'list-part.ts'))};
${PACKED_MODULES.map(({ name }, i) => `import { loadPacked as load${i} } from 'postq-packed-${name}';`).join('\n')}
import { readWorkerSource } from ${JSON.stringify(join(root, 'src', 'watch', 'read-worker-source.ts'))};
${UNPACK_SOURCE}
// In a function: scanned as the file loads, a string only when the whole program runs.
function packedProgram() { return ${JSON.stringify(packed)}; }
if (runsInListPart(process.argv.slice(2))) {
  await import(${JSON.stringify(CLI)});
} else {
  const AsyncFunction = (async () => {}).constructor;
  const program = new AsyncFunction('require', '__postqImportMeta', '__postqShared', '"use strict";' + unpackText(packedProgram()));
  await program(require, import.meta, { packed: { ${PACKED_MODULES.map(({ name }, i) => `${JSON.stringify(name)}: load${i}`).join(', ')} }, readWorkerSource });
}
`;
}

/** esbuild options for the single file: its entry, with the list part's plugins. */
export async function splitBundleOptions() {
  return {
    stdin: { contents: await entrySource(), resolveDir: root, sourcefile: ENTRY_NAME, loader: 'js' },
    define,
    plugins: [notInListPart, bundleAdaptations(), inlineReadWorker()],
  };
}

/** Throws if the list part took in the console's code (metafile of the file's build). */
export function checkListPart(metafile) {
  const console = Object.keys(metafile.inputs).filter((p) => /node_modules[\\/](ink|react|react-reconciler|yoga-layout)[\\/]/.test(p));
  if (console.length > 0) throw new Error(`bundle: the list part took in the console's code: ${console.slice(0, 5).join(', ')}`);
}
