/**
 * Ink's output caches shared across frames (src/ui/ink-output-cache.ts): found and patched in
 * this install, the second frame reuses the first frame's caches and draws the same text, and
 * the shared caches stay bounded however many distinct lines scroll by.
 */
import { describe, expect, it } from 'vitest';
import { shareInkOutputCaches } from '../../src/ui/ink-output-cache.js';

interface TestOutput {
  caches: { styledChars: Map<string, unknown>; widths: Map<string, number> };
  write(x: number, y: number, text: string, options: { transformers: unknown[] }): void;
  get(): { output: string; height: number };
}
type OutputClass = new (options: { width: number; height: number }) => TestOutput;

async function outputClass(): Promise<OutputClass> {
  const url = new URL('./output.js', import.meta.resolve('ink')).href;
  return ((await import(url)) as { default: OutputClass }).default;
}

function frame(Output: OutputClass, lines: string[]): TestOutput {
  const out = new Output({ width: 40, height: lines.length });
  lines.forEach((line, y) => out.write(0, y, line, { transformers: [] }));
  return out;
}

describe('shareInkOutputCaches', () => {
  it('patches this install: the next frame reuses the caches and draws the same', async () => {
    expect(await shareInkOutputCaches()).toBe(true);
    const Output = await outputClass();
    const lines = ['\x1b[31mdeferred\x1b[39m 1,760  hold 120', 'A1B2C3D4E5  4d23h alice@corp.example'];
    const first = frame(Output, lines);
    const a = first.get().output;
    const second = frame(Output, lines);
    const b = second.get().output;
    expect(b).toBe(a);
    expect(a).toContain('hold 120');
    expect(second.caches).toBe(first.caches);
    expect(second.caches.styledChars.has(lines[0]!)).toBe(true);
  });

  it('stays bounded: thousands of distinct lines do not pile up', async () => {
    await shareInkOutputCaches();
    const Output = await outputClass();
    let last: TestOutput | null = null;
    for (let i = 0; i < 3000; i++) {
      last = frame(Output, [`row ${i} sender${i}@example.com`, `row ${i + 1}`]);
      last.get();
    }
    expect(last!.caches.styledChars.size).toBeLessThanOrEqual(202);
    expect(last!.caches.widths.size).toBeLessThanOrEqual(2100);
  });
});
