/**
 * Ink 6.8 remembers the size of every distinct text it ever laid out (measure-text.js: a
 * module-level Map from the text to its width and height, never cleared). A console left open
 * lays out new texts all the time: a row whose age ticked, an arrival's new queue id, a moved
 * cursor. The soak (npm run soak, an hour at 200 events a second) left 2,739 texts of some
 * 110 characters in it: about 0.5 MiB an hour, never given back, tens of MiB over weeks, for
 * texts long gone from the screen.
 *
 * The Map is private to Ink's module, so it is caught as it is made: measure-text.js is
 * imported here before Ink loads it (one module per URL, so Ink then gets this same one),
 * with the global Map briefly replaced by a subclass that notes what it creates. Its
 * dependencies (widest-line, string-width, strip-ansi, get-east-asian-width) make no Map
 * when they load, so if that import made exactly one, it is the cache, and it starts again
 * past MAX_TEXTS (a miss costs one widest-line call); the others made stay plain Maps. Anything else (Ink already loaded, another
 * Ink layout, no node_modules: the single-file bundle bounds it in its source instead,
 * scripts/bundle.mjs) leaves Ink as it ships. Must run before Ink is first imported
 * (src/cli/main.ts, before the console's modules load). Never throws.
 */

/** A few screens' worth of texts, many times over. */
export const MAX_TEXTS = 4000;

let bounded: Map<string, unknown> | null = null;
let attempt: Promise<boolean> | null = null;

/** The bounded cache's size (debug stats and tests), or null when it is not bounded. */
export const inkTextCacheSize = (): number | null => bounded?.size ?? null;

export function boundInkTextCache(max = MAX_TEXTS): Promise<boolean> {
  attempt ??= (async () => {
    const Original = globalThis.Map;
    const made: Array<Map<unknown, unknown>> = [];
    let watched: Map<unknown, unknown> | null = null;
    class NotedMap<K, V> extends Original<K, V> {
      constructor(entries?: Iterable<readonly [K, V]> | null) {
        super(entries);
        made.push(this as Map<unknown, unknown>);
      }
      override set(key: K, value: V): this {
        if (this === watched && this.size >= max && !this.has(key)) this.clear();
        return super.set(key, value);
      }
    }
    try {
      const measureText = new URL('./measure-text.js', import.meta.resolve('ink')).href;
      globalThis.Map = NotedMap as MapConstructor;
      try {
        await import(measureText);
      } finally {
        globalThis.Map = Original;
      }
      if (made.length !== 1) return false;
      watched = made[0]!;
      bounded = watched as Map<string, unknown>;
      return true;
    } catch {
      return false;
    }
  })();
  return attempt;
}
