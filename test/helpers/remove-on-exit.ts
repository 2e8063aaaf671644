/**
 * Directories a test process made, removed when it exits: one exit listener per process, not
 * one per test file. A vitest worker runs many files, each with its own module graph, so a
 * listener per file (the setup's state directory, the skeleton, the bundle's) passed Node's
 * limit of 10 and printed a MaxListenersExceededWarning into every CI log. The set lives under
 * a registered symbol: shared by every module graph of the process.
 */
import { rmSync } from 'node:fs';

const KEY = Symbol.for('postq.test.removeOnExit');

export function removeOnExit(path: string): void {
  const holder = globalThis as { [KEY]?: Set<string> };
  let paths = holder[KEY];
  if (!paths) {
    const all = (paths = holder[KEY] = new Set<string>());
    process.once('exit', () => {
      for (const p of all) rmSync(p, { recursive: true, force: true });
    });
  }
  paths.add(path);
}
