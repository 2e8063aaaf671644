/**
 * Ink's Output.get() composed row by row (installed by ink-output-cache.ts). Ink's get builds
 * a grid of one object per cell (3,000 for 100x30), places every write's styled characters in
 * it and turns each row back into a string, on every frame. Rows are independent in it (a
 * write's line only touches its own row), and most rows of a postq frame are one write at
 * x = 0 (a list row is one pre-formatted <Text>); such a row's string depends only on that
 * line, so it is remembered (bounded) and reused by the next frames. A row with several
 * writes is composed by Ink's own get() on a one-row Output holding just that row's writes,
 * so its result is Ink's by construction; a frame with a horizontal clip goes to Ink's get()
 * whole (postq's frame clips vertically only: render-console.tsx).
 *
 * Measured with bench/frame-cost.ts; checked against Ink's get() on random frames in
 * test/ui/ink-output-rows.test.ts.
 */

type Transformer = (line: string, index: number) => string;
type Clip = { x1?: number; x2?: number; y1?: number; y2?: number };
type Operation = { type: 'clip'; clip: Clip } | { type: 'unclip' } | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] };

export interface InkOutput {
  width: number;
  height: number;
  operations: Operation[];
  caches?: unknown;
  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void;
}
export type OutputGet = (this: InkOutput) => { output: string; height: number };
export type OutputClass = new (options: { width: number; height: number }) => InkOutput;

/** Past this many remembered rows, start again (a few screens' worth). */
const MAX_ROWS = 400;
const rowStrings = new Map<string, string>();

const clipsHorizontally = (op: Operation) => op.type === 'clip' && typeof op.clip.x1 === 'number' && typeof op.clip.x2 === 'number';

/**
 * The frame `self` holds, as Ink's `inkGet` would give it. `Output` makes the one-row outputs;
 * `caches` (Ink's shared caches, or null) are lent to them.
 */
export function composeByRows(self: InkOutput, inkGet: OutputGet, Output: OutputClass): { output: string; height: number } {
  if (self.operations.some(clipsHorizontally)) return inkGet.call(self);
  // Per row, the writes that reach it in order: [x, line with its transformers applied].
  const rows: Array<Array<[number, string]> | undefined> = new Array(self.height);
  const clips: Clip[] = [];
  for (const op of self.operations) {
    if (op.type === 'clip') clips.push(op.clip);
    else if (op.type === 'unclip') clips.pop();
    else {
      let { y } = op;
      let lines = op.text.split('\n');
      const clip = clips.at(-1);
      // As Ink's get(): a vertical clip drops the lines outside it.
      if (clip && typeof clip.y1 === 'number' && typeof clip.y2 === 'number') {
        if (y + lines.length < clip.y1 || y > clip.y2) continue;
        const from = y < clip.y1 ? clip.y1 - y : 0;
        const to = y + lines.length > clip.y2 ? clip.y2 - y : lines.length;
        lines = lines.slice(from, to);
        if (y < clip.y1) y = clip.y1;
      }
      let offsetY = 0;
      for (let [index, line] of lines.entries()) {
        const row = y + offsetY;
        // Ink skips a line whose row does not exist without moving on to the next row.
        if (!(row >= 0 && row < self.height && Number.isInteger(row))) continue;
        for (const transformer of op.transformers) line = transformer(line, index);
        (rows[row] ??= []).push([op.x, line]);
        offsetY++;
      }
    }
  }
  const compose = (writes: Array<[number, string]>) => {
    const one = new Output({ width: self.width, height: 1 });
    if (self.caches) one.caches = self.caches;
    for (const [x, line] of writes) one.write(x, 0, line, { transformers: [] });
    return inkGet.call(one).output;
  };
  const out: string[] = [];
  for (let y = 0; y < self.height; y++) {
    const writes = rows[y];
    if (!writes) out.push('');
    else if (writes.length === 1 && writes[0]![0] === 0) {
      const line = writes[0]![1];
      let text = rowStrings.get(line);
      if (text === undefined) {
        text = compose(writes);
        if (rowStrings.size >= MAX_ROWS) rowStrings.clear();
        rowStrings.set(line, text);
      }
      out.push(text);
    } else out.push(compose(writes));
  }
  return { output: out.join('\n'), height: self.height };
}
