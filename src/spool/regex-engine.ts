/**
 * re2js (RE2's linear-time engine in pure JS) for the user's /regex/ filters
 * (src/store/user-pattern.ts), loaded on the first pattern compiled, not at start: its 184 KB
 * were parsed by every `postq list` and by each of its read workers, though a listing without
 * a /regex/ filter never compiles one. Pure: no I/O. Throws only what re2js throws.
 * scripts/packed-part.mjs turns this require into the single-file bundle's packed copy.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

const requireCjs = createRequire(import.meta.url);
let engine: typeof RE2JS | null = null;

export function regexEngine(): typeof RE2JS {
  engine ??= (requireCjs('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  return engine;
}
