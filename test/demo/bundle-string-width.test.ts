/**
 * The single-file bundle's string-width (Ink's text measure, scripts/bundle-adaptations.mjs):
 * a text of printable ASCII and NARROW_SYMBOLS is measured as its length, without the grapheme
 * segmenter, and the RGI emoji expression is compiled when a text first needs it, not as the
 * module loads; the grapheme segmenters of string-width, wrap-ansi's string-width, slice-ansi
 * and ansi-tokenize are made on first use. Built with the bundle's plugin and run in its own
 * process; every result is compared with the modules' own, run here (vitest loads them as
 * they ship).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { tokenize } from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';
// @ts-expect-error: a plain .mjs build script without types
import { bundleAdaptations, NARROW_SYMBOLS } from '../../scripts/bundle-adaptations.mjs';

const dir = mkdtempSync(join(tmpdir(), 'postq-bundle-string-width-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every character of the class (`\\uXXXX-\\uYYYY` ranges and single `\\uXXXX`). */
function narrowSymbols(): string[] {
  const out: string[] = [];
  for (const [, from, to] of (NARROW_SYMBOLS as string).matchAll(/\\u([0-9A-F]{4})(?:-\\u([0-9A-F]{4}))?/g)) {
    for (let c = parseInt(from!, 16); c <= parseInt(to ?? from!, 16); c++) out.push(String.fromCodePoint(c));
  }
  return out;
}

const symbols = narrowSymbols();
const narrowTexts = [symbols.join(''), ...symbols.map((ch) => `a${ch}b`), ' 12 msgs │ 3.4 MB · sort age ↑', 'sender@example.org …', '▁▂▃▄▅▆▇█ ● ✓ ✗'];
const otherTexts = ['👍', '❤️', '👨‍👩‍👧', '1️⃣', '漢字 ok', 'a\u0301e', 'Ｆｕｌｌ', 'ｶﾞ', '\u1100\u1161\u11a8', '…👍', '·\u0301', 'x\u200dy'];

const styled = '\x1b[31mred 漢字\x1b[39m and 👍 plain text that wraps';
let bundled: { narrow: number[]; segmentedNarrow: number; rgiBeforeUse: number; other: number[]; rgiAfterUse: number; segmentersAtImport: number; segmentersAfterUse: number; sliced: string; tokens: unknown; wrapped: string };

beforeAll(async () => {
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, `
    let rgi = 0;
    const NativeRegExp = RegExp;
    globalThis.RegExp = new Proxy(NativeRegExp, { construct(target, args) { if (String(args[0]).includes('RGI_Emoji')) rgi++; return Reflect.construct(target, args); } });
    let segmented = 0;
    const segment = Intl.Segmenter.prototype.segment;
    Intl.Segmenter.prototype.segment = function (text) { segmented++; return segment.call(this, text); };
    let segmenters = 0;
    Intl.Segmenter = new Proxy(Intl.Segmenter, { construct(target, args) { segmenters++; return Reflect.construct(target, args); } });
    const { default: stringWidth } = await import('string-width');
    const { default: sliceAnsi } = await import('slice-ansi');
    const { tokenize } = await import('@alcalzone/ansi-tokenize');
    const { default: wrapAnsi } = await import('wrap-ansi');
    const segmentersAtImport = segmenters;
    const rgiBeforeUse = rgi;
    const narrow = ${JSON.stringify(narrowTexts)}.map((t) => stringWidth(t));
    const segmentedNarrow = segmented;
    const other = ${JSON.stringify(otherTexts)}.map((t) => stringWidth(t));
    const styled = ${JSON.stringify(styled)};
    const sliced = sliceAnsi(styled, 2, 12);
    const tokens = tokenize(styled);
    const wrapped = wrapAnsi(styled, 9, { hard: true });
    process.stdout.write(JSON.stringify({ narrow, segmentedNarrow, rgiBeforeUse, other, rgiAfterUse: rgi, segmentersAtImport, segmentersAfterUse: segmenters, sliced, tokens, wrapped }));
  `);
  const outfile = join(dir, 'string-width.mjs');
  await build({ entryPoints: [entry], absWorkingDir: REPO_ROOT, nodePaths: [join(REPO_ROOT, 'node_modules')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error', plugins: [bundleAdaptations()] });
  bundled = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 30_000 }));
}, 60_000);

it('the narrow symbols are one cell each and a cluster of their own, as string-width counts them', () => {
  expect(symbols.length).toBeGreaterThan(400);
  for (const ch of symbols) expect(stringWidth(ch), `U+${ch.codePointAt(0)!.toString(16)}`).toBe(1);
  expect([...new Intl.Segmenter().segment(`a${symbols.join('a')}a`)].length).toBe(2 * symbols.length + 1);
});

it('measures text of ASCII and narrow symbols as string-width does, without its segmenter', () => {
  expect(bundled.narrow).toEqual(narrowTexts.map((t) => stringWidth(t)));
  expect(bundled.segmentedNarrow).toBe(0);
});

it('compiles the RGI emoji expression only when a text needs it, and measures other text as string-width does', () => {
  expect(bundled.rgiBeforeUse).toBe(0);
  expect(bundled.other).toEqual(otherTexts.map((t) => stringWidth(t)));
  expect(bundled.rgiAfterUse).toBe(1);
});

it('makes the grapheme segmenters of string-width, slice-ansi, ansi-tokenize and wrap-ansi on first use, with the same results', () => {
  expect(bundled.segmentersAtImport).toBe(0);
  expect(bundled.segmentersAfterUse).toBeGreaterThanOrEqual(3);
  expect(bundled.sliced).toBe(sliceAnsi(styled, 2, 12));
  expect(bundled.tokens).toEqual(JSON.parse(JSON.stringify(tokenize(styled))));
  expect(bundled.wrapped).toBe(wrapAnsi(styled, 9, { hard: true }));
});
