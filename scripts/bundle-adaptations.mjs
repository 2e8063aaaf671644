/**
 * The single-file bundle's adaptations, as one esbuild plugin: used by scripts/bundle.mjs for
 * dist/postq.mjs, and by bench/run.ts for the console-fill probe, so the bench measures the
 * console as it ships (without them the probe ran Ink's unpatched Output.get: a grid of cell
 * objects per frame, and no shared caches, see src/ui/ink-output-cache.ts).
 *
 * - react-devtools-core is only imported by Ink when DEV=true; it is replaced by an empty
 *   module so the bundle does not try to load it.
 * - The themes in themes/*.json are embedded: theme-load.ts reads the built-in theme directory
 *   with node:fs, so its fs calls are routed through a small module that answers for a
 *   virtual directory from the embedded copies (a themes/ directory next to the bundle, if
 *   present, wins; user themes in ~/.config/postq/themes work as always).
 * - yoga-layout (Ink's layout engine) decodes its embedded WebAssembly itself instead of through
 *   fetch() of a data: URL, which loaded Node's fetch (undici) for nothing: 8 MiB of the
 *   console's RSS and ~60 ms of its start (postq makes no HTTP request); src/ui/yoga-load.ts,
 *   which does the same at run time for `dist/cli.js`, becomes a no-op.
 * - Ink's output caches shared across frames (src/ui/ink-output-cache.ts): importInkOutput()
 *   there finds Ink's output.js beside Ink's entry point, which a lone file cannot; here it
 *   imports that file by its path, so esbuild bundles it as the same module Ink's renderer
 *   uses (one module per path), and the patch reaches Ink.
 * - libmime and re2js are carried packed, unpacked when first needed (scripts/packed-part.mjs).
 * - string-width (Ink's text measure) counts a text of NARROW_SYMBOLS as its length, as it does
 *   plain ASCII: a row with a `…`, `│` or `·` went through its grapheme segmenter and a few
 *   regular expressions per character (466 such texts in a fill at 100k, 4,100 in one with keys
 *   pressed); and its RGI emoji expression is compiled when first needed, not as the file
 *   starts (25-60 ms before the console's watcher could start).
 * - The grapheme segmenters of string-width (both copies), slice-ansi and ansi-tokenize are made
 *   when first used, not as each module loads: the first one loads ICU's break rules (30-70 ms
 *   at load 12, and more under a heavier load), which then came before the console's watcher
 *   started; now it comes with the first frame, while the read worker loads.
 *
 * Fails loudly when the source it adapts has changed shape.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packedModules } from './packed-part.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VIRTUAL_THEMES = '/postq-bundle/themes';
const INK_OUTPUT = fileURLToPath(new URL('./output.js', import.meta.resolve('ink')));
const INK_MEASURE_TEXT = fileURLToPath(new URL('./measure-text.js', import.meta.resolve('ink')));
const STRING_WIDTH = fileURLToPath(import.meta.resolve('string-width'));

/**
 * Characters string-width counts as one cell each and as a grapheme cluster of their own
 * (none extends, joins or is an emoji by default), beside printable ASCII: the punctuation,
 * arrows, box drawing, blocks and marks postq draws. test/demo/bundle-string-width.test.ts checks
 * every one of them against string-width itself.
 */
export const NARROW_SYMBOLS = '\\u00A0-\\u00AC\\u00AE-\\u00FF\\u2010-\\u2027\\u2190-\\u21FF\\u2500-\\u25FC\\u2713\\u2717';

const themes = Object.fromEntries(
  readdirSync(join(root, 'themes'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, readFileSync(join(root, 'themes', f), 'utf8')]),
);

/** node:fs for theme-load.ts, answering for the virtual theme directory from memory. */
const embeddedFs = `
import * as fs from 'node:fs';
const DIR = ${JSON.stringify(VIRTUAL_THEMES)};
const FILES = ${JSON.stringify(themes)};
const inside = (p) => typeof p === 'string' && (p === DIR || p.startsWith(DIR + '/'));
const base = (p) => p.slice(DIR.length + 1);
export function existsSync(p) { return inside(p) ? p === DIR || base(p) in FILES : fs.existsSync(p); }
export function readdirSync(p, ...rest) { return inside(p) ? Object.keys(FILES) : fs.readdirSync(p, ...rest); }
export function readFileSync(p, ...rest) {
  if (!inside(p)) return fs.readFileSync(p, ...rest);
  const text = FILES[base(p)];
  if (text === undefined) throw Object.assign(new Error('ENOENT: no such file or directory, open ' + p), { code: 'ENOENT' });
  return rest.length ? text : Buffer.from(text);
}
`;

/** Theme files beside the bundle win over the embedded ones. */
const builtinDirSource = `export function builtinThemeDir(): string {
  const beside = resolve(dirname(fileURLToPath(import.meta.url)), 'themes');
  return existsSync(beside) ? beside : ${JSON.stringify(VIRTUAL_THEMES)};
}`;

function replaceOnce(source, pattern, replacement, what) {
  const matches = source.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'));
  if (!matches || matches.length !== 1) throw new Error(`bundle: cannot adapt ${what}: expected one match of ${pattern}, found ${matches?.length ?? 0}`);
  return source.replace(pattern, replacement);
}

/** A module's `new Intl.Segmenter(...)` made on its first segment() call instead. */
function lazySegmenter(source, what) {
  const lazy = 'const __postqLazySegmenter = (locales, options) => { let made = null; return { segment: (text) => (made ??= new Intl.Segmenter(locales, options)).segment(text) }; };\n';
  return lazy + replaceOnce(source, /new Intl\.Segmenter\(/, '__postqLazySegmenter(', `the segmenter of ${what}`);
}

/** The esbuild plugin with every adaptation above. */
export const bundleAdaptations = () => ({
  name: 'postq-bundle',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'postq-empty' }));
    b.onLoad({ filter: /.*/, namespace: 'postq-empty' }, () => ({ contents: 'export default {}; export const connectToDevTools = () => {};', loader: 'js' }));
    b.onResolve({ filter: /^postq-embedded-fs$/ }, () => ({ path: 'postq-embedded-fs', namespace: 'postq-themes' }));
    b.onLoad({ filter: /.*/, namespace: 'postq-themes' }, () => ({ contents: embeddedFs, loader: 'js', resolveDir: root }));
    b.onLoad({ filter: /src[\\/]config[\\/]theme-load\.ts$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      source = replaceOnce(source, /from 'node:fs';/, "from 'postq-embedded-fs';", 'the node:fs import of theme-load.ts');
      source = replaceOnce(source, /export function builtinThemeDir\(\): string \{[^}]*\}/, builtinDirSource, 'builtinThemeDir()');
      return { contents: source, loader: 'ts' };
    });
    b.onLoad({ filter: /src[\\/]ui[\\/]ink-output-cache\.ts$/ }, (args) => {
      const source = replaceOnce(
        readFileSync(args.path, 'utf8'),
        /function importInkOutput\(\): Promise<unknown> \{[^}]*\}/,
        `function importInkOutput(): Promise<unknown> {\n  return import(${JSON.stringify(INK_OUTPUT)});\n}`,
        'importInkOutput()',
      );
      return { contents: source, loader: 'ts' };
    });
    // Ink's text-size cache, never cleared as Ink ships: src/ui/ink-text-cache.ts catches it
    // as measure-text.js loads, which cannot happen in one file (every module is evaluated
    // before the CLI runs), so here the bound goes into Ink's source, at the same size.
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]measure-text\.js$/ }, (args) => {
      if (args.path !== INK_MEASURE_TEXT) return undefined;
      const max = replaceOnce(readFileSync(join(root, 'src', 'ui', 'ink-text-cache.ts'), 'utf8'), /[\s\S]*export const MAX_TEXTS = (\d+);[\s\S]*/, '$1', 'MAX_TEXTS of ink-text-cache.ts');
      const source = replaceOnce(readFileSync(args.path, 'utf8'), /\n(\s*)cache\.set\(text, dimensions\);/, `\n$1if (cache.size >= ${max}) cache.clear();\n$1cache.set(text, dimensions);`, "the cache.set of Ink's measure-text.js");
      return { contents: source, loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      if (args.path !== STRING_WIDTH) return undefined;
      let source = readFileSync(args.path, 'utf8');
      source = replaceOnce(source, /\nconst rgiEmojiRegex = (\/\^\\p\{RGI_Emoji\}\$\/v);/, '\nlet rgiEmojiCompiled;\nconst rgiEmojiRegex = { test: (text) => (rgiEmojiCompiled ??= $1).test(text) };', "string-width's RGI emoji expression");
      source = replaceOnce(source, /\n(\t*)if \(\/\^\[\\u0020-\\u007E\]\*\$\/\.test\(string\)\) \{/, `\n$1if (/^[\\u0020-\\u007E${NARROW_SYMBOLS}]*$/.test(string)) {`, "string-width's ASCII fast path");
      return { contents: lazySegmenter(source, 'string-width'), loader: 'js' };
    });
    b.onLoad({ filter: /[\\/](string-width[\\/]index|slice-ansi[\\/]tokenize-ansi|ansi-tokenize[\\/]build[\\/]tokenize)\.js$/ }, (args) => ({
      contents: lazySegmenter(readFileSync(args.path, 'utf8'), args.path),
      loader: 'js',
    }));
    // yoga's Emscripten loader fetches the wasm when fetch exists, else decodes the base64 itself.
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = replaceOnce(readFileSync(args.path, 'utf8'), /function ya\(\)\{return w\|\|"function"!=typeof fetch\?/, 'function ya(){return true?', "yoga's wasm fetch (ya)");
      return { contents: source, loader: 'js' };
    });
    // ...so src/ui/yoga-load.ts, which loads yoga with fetch hidden from beside Ink, has nothing
    // to do in one file (and must not load a second yoga from a node_modules near it).
    b.onLoad({ filter: /src[\\/]ui[\\/]yoga-load\.ts$/ }, () => ({
      contents: '// The bundle patches yoga itself (scripts/bundle-adaptations.mjs).\nexport async function loadYogaWithoutFetch(): Promise<boolean> {\n  return false;\n}\n',
      loader: 'ts',
    }));
    // libmime (with its charset tables, 700 KB) and re2js carried packed, run when first needed:
    // scripts/packed-part.mjs.
    packedModules(SHIPPED_MINIFY).setup(b);
  },
});


/** How many theme files are embedded. */
/**
 * How the shipped bundle and its inline read worker are minified (and the bench's probes that
 * stand for it): whitespace and syntax only, names kept so a stack trace still reads. Each
 * thread parses its whole file as it starts: unminified, `node postq.mjs list --json` peaked
 * at 112-115 MiB at 100,000 messages against 98-101 MiB with both minified (`dist/cli.js`,
 * which loads only the modules a command imports, 87-89 MiB). Names too saved nothing more.
 */
export const SHIPPED_MINIFY = { minifyWhitespace: true, minifySyntax: true };

export const themeFileCount = () => Object.keys(themes).length;
