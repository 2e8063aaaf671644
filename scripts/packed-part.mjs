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
 * - packLibmime(): libmime with its charset tables (iconv-lite, encoding-japanese: 700 KB of
 *   the 3.2 MB file), which `list` and `count` need only for a subject with an encoded word
 *   (src/spool/encoded-words.ts loads it on the first one). Built as CommonJS, run with
 *   `new Function`; its require() gets Node's built-in modules only (it has no other).
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

let libmimeCode = null;

/** libmime and everything it requires, as one CommonJS text (memoised per build run). */
async function libmimeCjs(minify) {
  libmimeCode ??= build({
    stdin: { contents: "module.exports = require('libmime');", resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    ...minify,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  }).then((r) => r.outputFiles[0].text);
  return libmimeCode;
}

/**
 * An esbuild plugin for src/spool/encoded-words.ts: its lazy require of libmime becomes the
 * unpacking and running of the packed copy. For the ES module bundle and the CommonJS worker
 * alike (neither needs import.meta.url or a require() of its own for it any more).
 */
export function packedLibmime(minify) {
  return {
    name: 'postq-packed-libmime',
    setup(b) {
      b.onResolve({ filter: /^postq-packed-libmime$/ }, () => ({ path: 'libmime', namespace: 'postq-packed' }));
      b.onLoad({ filter: /.*/, namespace: 'postq-packed' }, async () => ({
        contents: `${UNPACK_SOURCE}
// In a function: scanned as the bundle loads, a string only once an encoded word is met.
function packed() { return ${JSON.stringify(packText(await libmimeCjs(minify)))}; }
export function loadLibmime() {
  const module = { exports: {} };
  new Function('module', 'exports', 'require', unpackText(packed()))(module, module.exports, (id) => process.getBuiltinModule(id));
  return module.exports;
}
`,
        loader: 'js',
      }));
      b.onLoad({ filter: /src[\\/]spool[\\/]encoded-words\.ts$/ }, (args) => {
        const original = readFileSync(args.path, 'utf8');
        const declaration = /const requireCjs = createRequire\(import\.meta\.url\);/;
        const call = /requireCjs\('libmime'\)/;
        if (!declaration.test(original) || !call.test(original)) throw new Error(`bundle: ${args.path} no longer loads libmime through requireCjs('libmime')`);
        const source = `import { loadLibmime } from 'postq-packed-libmime';\n${original.replace(declaration, '').replace(call, 'loadLibmime()')}`;
        return { contents: source, loader: 'ts' };
      });
    },
  };
}
