/**
 * For tests that start real read worker threads on a copy of a corpus spool: the built worker
 * (dist/, made by ensureBuilt() in the file's beforeAll), and corpus copies removed after each
 * test. Two watcher tests had written the same set-up each.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll } from 'vitest';
import type { ReadWorkerSource } from '../../src/watch/read-worker-source.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from './corpus.js';
import { ensureBuilt } from './postq-cli.js';

export const builtReadWorker: ReadWorkerSource = { url: pathToFileURL(join(REPO_ROOT, 'dist', 'watch', 'read-worker.js')) };

/** Builds dist/ once for the file, and runs what the test registered after each test. */
export function useBuiltWorkerAndCleanups(): { cleanups: Array<() => void>; corpus: (name?: string) => CorpusCopy } {
  const cleanups: Array<() => void> = [];
  beforeAll(() => ensureBuilt(), 180_000);
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const corpus = (name = 'basic') => {
    const copy = copyCorpusSpool(name);
    cleanups.push(() => copy.cleanup());
    return copy;
  };
  return { cleanups, corpus };
}
