/**
 * Ink 6.8 measures and tokenizes every line of the screen on every frame: its Output class
 * keeps its caches (styled characters per line, string widths) for one frame only, and a
 * frame makes a new Output. Most lines of the next frame are the same strings, so one set of
 * caches is shared by all frames here, and cleared when it grows past a bound (a scrolling
 * list brings new lines; the bound keeps a week-long session flat). Measured with
 * bench/frame-cost.ts (2,000 messages, 100x30, a small data batch per frame): 14-15 ms of CPU
 * per frame before, 7-7.5 ms after. The cached values are never mutated by Ink's Output.get
 * (it only places them in its grid), so sharing them across frames is safe.
 *
 * Output is not among Ink's exports, so it is found beside Ink's entry point; the single-file
 * bundle (no node_modules) has its own copy of Ink inside, and scripts/bundle.mjs points
 * importInkOutput() at that copy. Where neither works (another Ink layout) nothing is patched
 * and Ink runs as it ships. shareInkOutputCaches() resolves true when the caches are shared.
 */

import { composeByRows, type InkOutput, type OutputClass, type OutputGet } from './ink-output-rows.js';

interface OutputCaches {
  styledChars: Map<string, unknown>;
  widths: Map<string, number>;
  blockWidths: Map<string, number>;
}

interface OutputPrototype {
  caches?: OutputCaches;
  get(this: OutputPrototype): unknown;
}

/** Past this many cached lines (or widths), start again: a few screens' worth. */
const MAX_LINES = 200;
const MAX_WIDTHS = 2000;

let patched: Promise<boolean> | null = null;
/** Ink's own get(), kept for the tests that compare (test/ui/ink-output-rows.test.ts). */
let inkGet: OutputGet | null = null;
export const originalInkOutputGet = (): OutputGet | null => inkGet;

/** Ink's Output module, beside Ink's entry point (replaced in the bundle: scripts/bundle.mjs). */
function importInkOutput(): Promise<unknown> {
  return import(new URL('./output.js', import.meta.resolve('ink')).href);
}

export function shareInkOutputCaches(): Promise<boolean> {
  patched ??= (async () => {
    try {
      const module = (await importInkOutput()) as { default?: OutputClass & { prototype: OutputPrototype } };
      const Output = module.default;
      const proto = Output?.prototype;
      if (!Output || !proto || typeof proto.get !== 'function') return false;
      const get = proto.get as unknown as OutputGet;
      inkGet = get;
      let shared: OutputCaches | null = null;
      proto.get = function sharedCachesGet(this: OutputPrototype) {
        const own = this.caches;
        if (own && own.styledChars instanceof Map && own.widths instanceof Map && own.blockWidths instanceof Map) {
          if (!shared || shared.styledChars.size > MAX_LINES || shared.blockWidths.size > MAX_LINES || shared.widths.size > MAX_WIDTHS) shared = own;
          else this.caches = shared;
        }
        // And each row composed once while it stays the same (ink-output-rows.ts).
        return composeByRows(this as unknown as InkOutput, get, Output);
      };
      return true;
    } catch {
      return false;
    }
  })();
  return patched;
}
