/**
 * Sparklines: a series of numbers as one line of block characters (▁▂▃▄▅▆▇█), scaled from 0
 * to the series' maximum, so a queue that holds steady at 5 reads as a full bar, not as empty,
 * and a drop to 0 shows. A positive value is never drawn as the lowest block: it shows that
 * something was there. A missing sample (null: before the console started sampling) is a space.
 *
 * More values than cells: each cell shows the largest of the values it covers (a burst is not
 * averaged away). Fewer: the values are drawn right-aligned (time runs left to right, now at
 * the right edge). Pure; always exactly `width` cells.
 */
const BLOCKS = '▁▂▃▄▅▆▇█';

/** The values `width` cells show: the max of each cell's share, or the values themselves. */
export function bucketSeries(values: readonly (number | null)[], width: number): (number | null)[] {
  const n = values.length;
  if (n <= width) return values.slice();
  const out: (number | null)[] = [];
  for (let i = 0; i < width; i++) {
    let max: number | null = null;
    for (let j = Math.floor((i * n) / width); j < Math.floor(((i + 1) * n) / width); j++) {
      const v = values[j];
      if (v !== null && v !== undefined && (max === null || v > max)) max = v;
    }
    out.push(max);
  }
  return out;
}

export function sparkline(values: readonly (number | null)[], width: number): string {
  if (width <= 0) return '';
  const cells = bucketSeries(values, width);
  let top = 0;
  for (const v of cells) if (v !== null && v > top) top = v;
  const drawn = cells.map((v) => {
    if (v === null || !Number.isFinite(v)) return ' ';
    if (v <= 0 || top <= 0) return BLOCKS[0];
    return BLOCKS[Math.max(1, Math.round((v / top) * (BLOCKS.length - 1)))];
  });
  return ' '.repeat(width - drawn.length) + drawn.join('');
}
