/**
 * Where a read worker's code is. In the compiled tree (dist/) it is read-worker.js beside this
 * file. The single-file bundle (scripts/bundle.mjs) replaces this module with one that carries
 * the worker's code inline, since there is no file beside the bundle. Run from sources (tsx,
 * vitest) there is no compiled worker: null, and the index reads on the main thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type ReadWorkerSource = { url: URL } | { code: string };

export function readWorkerSource(): ReadWorkerSource | null {
  const url = new URL('./read-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? { url } : null;
}
