/**
 * The single-file bundle's string-width (Ink's text measure, scripts/bundle-adaptations.mjs):
 * a text of printable ASCII and NARROW_SYMBOLS is measured as its length, without the grapheme
 * segmenter, and the RGI emoji expression is compiled when a text first needs it, not as the
 * module loads. Built with the bundle's plugin and run in its own process; every width is
 * compared with string-width's own, measured here (vitest loads the module as it ships).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import stringWidth from 'string-width';
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

let bundled: { narrow: number[]; segmentedNarrow: number; rgiBeforeUse: number; other: number[]; rgiAfterUse: number };

beforeAll(async () => {
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, `
    let rgi = 0;
    const NativeRegExp = RegExp;
    globalThis.RegExp = new Proxy(NativeRegExp, { construct(target, args) { if (String(args[0]).includes('RGI_Emoji')) rgi++; return Reflect.construct(target, args); } });
    let segmented = 0;
    const segment = Intl.Segmenter.prototype.segment;
    Intl.Segmenter.prototype.segment = function (text) { segmented++; return segment.call(this, text); };
    const { default: stringWidth } = await import('string-width');
    const rgiBeforeUse = rgi;
    const narrow = ${JSON.stringify(narrowTexts)}.map((t) => stringWidth(t));
    const segmentedNarrow = segmented;
    const other = ${JSON.stringify(otherTexts)}.map((t) => stringWidth(t));
    process.stdout.write(JSON.stringify({ narrow, segmentedNarrow, rgiBeforeUse, other, rgiAfterUse: rgi }));
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
