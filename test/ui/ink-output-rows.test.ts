/**
 * Ink's frames composed row by row (src/ui/ink-output-rows.ts) are Ink's own: on random frames
 * (writes anywhere, in and out of the screen, several per row, multi-line, styled, wide and
 * emoji characters, transformers, vertical and horizontal clips) the result equals Ink's
 * get(), frame after frame while rows are remembered. And a list row is composed once: the
 * next frame with the same rows does not tokenize it again.
 */
import { describe, expect, it } from 'vitest';
import { originalInkOutputGet, shareInkOutputCaches } from '../../src/ui/ink-output-cache.js';
import { composeByRows, type InkOutput, type OutputClass } from '../../src/ui/ink-output-rows.js';

async function outputClass(): Promise<OutputClass> {
  const url = new URL('./output.js', import.meta.resolve('ink')).href;
  return ((await import(url)) as { default: OutputClass }).default;
}

/** A small seeded generator (mulberry32), so a failure is reproducible. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

const PIECES = ['deferred 1,760', '\x1b[31mhold\x1b[39m 120', '漢字テキスト', 'ok 👍 done', 'trunc…', 'a\nbb\nccc', '', '  spaced  ', '\x1b[7m cursor row \x1b[27m', '│ 2,000 msgs', 'é̂ combining'];
const TRANSFORMERS = [(l: string) => `\x1b[1m${l}\x1b[22m`, (l: string, i: number) => `${i}:${l}`];

describe('composeByRows', () => {
  it("gives Ink's own frame for random frames, frame after frame", async () => {
    expect(await shareInkOutputCaches()).toBe(true);
    const inkGet = originalInkOutputGet()!;
    const Output = await outputClass();
    const rnd = random(17);
    for (let frame = 0; frame < 200; frame++) {
      const width = rnd.int(8, 50);
      const height = rnd.int(1, 12);
      const make = () => new Output({ width, height });
      const a = make();
      const ops: Array<(o: InkOutput) => void> = [];
      let open = 0;
      for (let k = rnd.int(0, 20); k > 0; k--) {
        const r = rnd.next();
        if (r < 0.1) {
          const y1 = rnd.int(-1, height);
          const horizontal = rnd.next() < 0.15;
          const clip = horizontal ? { x1: rnd.int(0, 5), x2: rnd.int(5, width), y1, y2: y1 + rnd.int(0, height) } : { y1, y2: y1 + rnd.int(0, height) };
          ops.push((o) => (o as unknown as { clip(c: unknown): void }).clip(clip));
          open++;
        } else if (r < 0.15 && open > 0) {
          ops.push((o) => (o as unknown as { unclip(): void }).unclip());
          open--;
        } else {
          // Mostly whole rows at x = 0, as a list draws them; the rest anywhere.
          const x = rnd.next() < 0.6 ? 0 : rnd.int(-3, width + 3);
          const y = rnd.int(-2, height + 1);
          const text = rnd.next() < 0.3 ? `${rnd.pick(PIECES)}${rnd.pick(PIECES)}` : rnd.pick(PIECES);
          const transformers = rnd.next() < 0.2 ? [rnd.pick(TRANSFORMERS)] : [];
          ops.push((o) => o.write(x, y, text, { transformers }));
        }
      }
      for (const op of ops) op(a);
      const b = make();
      for (const op of ops) op(b);
      expect(composeByRows(a, inkGet, Output), `frame ${frame}`).toEqual(inkGet.call(b));
    }
  });

  it('composes a row once while it stays the same', async () => {
    await shareInkOutputCaches();
    const Output = await outputClass();
    const lines = ['> 054E720CB72   4d23h    +33m www-data@mx.demo.e… pia18@big… 421 reply', '  DA0C620CA52   4d23h     +3m root@mx.demo.examp… pia3@small… greylisted'];
    const draw = () => {
      const out = new Output({ width: 100, height: 3 });
      lines.forEach((line, y) => out.write(0, y, line, { transformers: [] }));
      return (out as unknown as { get(): { output: string } }).get().output;
    };
    const first = draw();
    let made = 0;
    const write = Output.prototype.write;
    Output.prototype.write = function (this: InkOutput, ...args: Parameters<InkOutput['write']>) {
      made++;
      return write.apply(this, args);
    };
    try {
      expect(draw()).toBe(first);
      // The two writes of the frame itself; no one-row outputs composed the rows again.
      expect(made).toBe(2);
    } finally {
      Output.prototype.write = write;
    }
    expect(first.split('\n')).toEqual([...lines, '']);
  });
});
