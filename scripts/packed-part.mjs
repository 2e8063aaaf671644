/**
 * Code a single-file bundle carries packed (brotli, base64) and unpacks only when it is needed
 * (scripts/bundle.mjs, scripts/inline-read-worker.mjs).
 *
 * Why: every thread holds the whole text of the code it started from, and V8 lets a heap grow
 * in proportion to what it holds; `node postq.mjs list --json` peaked 12 MiB above
 * `dist/cli.js` (which loads only the modules a command imports) at 100,000 messages. Packed,
 * a part costs about a fifth of its size until it is used, and nothing to parse: the literal sits
 * in a function that is only scanned until it is called.
 *
 * - packedModules(): libmime with its charset tables (iconv-lite, encoding-japanese: 700 KB of
 *   the 3.2 MB file), which `list` and `count` need only for a subject with an encoded word
 *   (src/spool/encoded-words.ts loads it on the first one), and re2js (184 KB), needed only for
 *   a /regex/ filter (src/spool/regex-engine.ts). Built as CommonJS, run with `new Function`;
 *   their require() gets Node's built-in modules only (they have no other).
 * - packText(text) / UNPACK_SOURCE: any text (the read worker's code), unpacked by the
 *   bundle's own code as it starts a worker.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

/** The packed form of a text: base64 of its brotli compression (ASCII, safe in a JS string). */
export function packText(text) {
  const packed = brotliCompressSync(Buffer.from(text, 'utf8'), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text) },
  });
  return packed.toString('base64');
}

/** JS source of `unpackText(packed)`, the inverse of packText, for a bundle's virtual modules. */
export const UNPACK_SOURCE = `import { brotliDecompressSync } from 'node:zlib';
export function unpackText(packed) { return brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8'); }
`;

/** The modules carried packed, and the one source file that requires each lazily. */
export const PACKED_MODULES = [
  { name: 'libmime', file: /src[\\/]spool[\\/]encoded-words\.ts$/ },
  { name: 're2js', file: /src[\\/]spool[\\/]regex-engine\.ts$/ },
];

const moduleCode = new Map();

/** A module and everything it requires, as one CommonJS text (memoised per build run). */
function moduleCjs(name, minify) {
  if (!moduleCode.has(name)) {
    moduleCode.set(name, build({
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      ...minify,
      write: false,
      legalComments: 'none',
      logLevel: 'warning',
    }).then((r) => r.outputFiles[0].text));
  }
  return moduleCode.get(name);
}

const packedCode = new Map();

/**
 * moduleCjs packed (memoised per build run like it): the bundle's list part and its read
 * worker both carry each module, and brotli at quality 11 is most of a build's CPU (libmime
 * ~1 s a time).
 */
function packedCjs(name, minify) {
  if (!packedCode.has(name)) packedCode.set(name, moduleCjs(name, minify).then(packText));
  return packedCode.get(name);
}

/**
 * An esbuild plugin for the files of PACKED_MODULES: each one's lazy `requireCjs(NAME)` becomes
 * the unpacking and running of the packed copy (virtual module `postq-packed-NAME`). For the ES
 * module bundle and the CommonJS worker alike (neither needs import.meta.url or a require() of
 * its own for it any more).
 */
export function packedModules(minify) {
  return {
    name: 'postq-packed-modules',
    setup(b) {
      b.onResolve({ filter: /^postq-packed-/ }, (args) => ({ path: args.path.slice('postq-packed-'.length), namespace: 'postq-packed' }));
      b.onLoad({ filter: /.*/, namespace: 'postq-packed' }, async (args) => ({
        contents: `${UNPACK_SOURCE}
// In a function: scanned as the bundle loads, a string only once it is needed.
function packed() { return ${JSON.stringify(await packedCjs(args.path, minify))}; }
export function loadPacked() {
  const module = { exports: {} };
  new Function('module', 'exports', 'require', unpackText(packed()))(module, module.exports, (id) => process.getBuiltinModule(id));
  return module.exports;
}
`,
        loader: 'js',
      }));
      for (const { name, file } of PACKED_MODULES) {
        b.onLoad({ filter: file }, (args) => {
          const original = readFileSync(args.path, 'utf8');
          const declaration = /const requireCjs = createRequire\(import\.meta\.url\);/;
          const call = new RegExp(`requireCjs\\('${name}'\\)`);
          if (!declaration.test(original) || !call.test(original)) throw new Error(`bundle: ${args.path} no longer loads ${name} through requireCjs('${name}')`);
          const source = `import { loadPacked } from 'postq-packed-${name}';\n${original.replace(declaration, '').replace(call, 'loadPacked()')}`;
          return { contents: source, loader: 'ts' };
        });
      }
    },
  };
}
