/**
 * What must run before Ink is first imported, for every command that draws (the console, the
 * demo, the fleet console): its text-size cache bounded (ink-text-cache.ts) and yoga loaded
 * without Node's fetch (yoga-load.ts). Never throws.
 */
import { boundInkTextCache } from './ink-text-cache.js';
import { loadYogaWithoutFetch } from './yoga-load.js';

export async function beforeInk(): Promise<void> {
  await boundInkTextCache();
  await loadYogaWithoutFetch();
}
