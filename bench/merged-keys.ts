/**
 * Key -> frame in the merged fleet view (from bench/fleet-bench.ts): the console bench's App
 * and store (bench/console-bench.ts: real Ink, postq's render options, an 80x24 fake
 * terminal) holding TARGETS x PER synthetic entries keyed ID@TARGET with their host, as the
 * fleet console merges them, so the HOST column and its width are in every frame. In-page
 * cursor moves (j), paced like keyboard auto-repeat; p50/p99; the single-spool store of the
 * same size in the same run is the baseline.
 */
import { mergedEntry } from '../src/remote/merged.js';
import { shareInkOutputCaches } from '../src/ui/ink-output-cache.js';
import { keyboard, mount, syntheticEntries } from './console-harness.js';
import { median, ms, percentile, ratioOf, type Row } from './report.js';

async function inPageKeys(entries: ReturnType<typeof syntheticEntries>): Promise<number[]> {
  const m = mount(entries);
  await new Promise((r) => setTimeout(r, 500));
  const key = keyboard(m.term);
  const out: number[] = [];
  const rows = m.store.getState().viewportHeight;
  for (let round = 0; round < 12; round++) {
    await key('g');
    for (let i = 0; i < rows - 1; i++) {
      const r = await key('j');
      if (r) out.push(r.latency);
    }
  }
  m.unmount();
  return out;
}

export async function runMergedKeyBench(targets: number, per: number): Promise<Row> {
  if (!(await shareInkOutputCaches())) throw new Error('merged key bench: Ink output caches not shared');
  const plain = syntheticEntries(targets * per);
  const merged = plain.map((e, i) => mergedEntry(e, `mx${i % targets}.fleet.example`));
  const alone = await inPageKeys(plain);
  const all = await inPageKeys(merged);
  const p99 = percentile(all, 99);
  return {
    metric: `key -> frame, ${targets} x ${per} merged (HOST column), 80x24, p50/p99 (${all.length} keys)`,
    value: `${ms(median(all))} / ${ms(p99)}`,
    baseline: `${ms(median(alone))} / ${ms(percentile(alone, 99))} (one spool, same size)`,
    ratio: ratioOf(p99, percentile(alone, 99)),
    goal: 'p99 <= 30 ms',
    ok: p99 !== null && p99 <= 30,
  };
}
