/**
 * The demo's temporary queue directory: every queue and log directory Postfix creates
 * (postfix-files), with their modes and the hash subdirectories of deferred/ and defer/, and
 * the SpoolConfig that describes it (short ids, hash_queue_depth 1, the default hash names).
 *
 * createDemoSpool() throws when the temp directory cannot be made; removeDemoSpool() never
 * throws (it runs on every exit path).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSpoolConfig, type SpoolConfig } from '../config/spool-config.js';

const HASH_CHARS = '0123456789ABCDEF';

/** Directory -> mode, as postfix-files sets them (owner postfix; here the current user). */
const DIRECTORIES: ReadonlyArray<readonly [string, number]> = [
  ['maildrop', 0o1730],
  ['incoming', 0o700],
  ['active', 0o700],
  ['deferred', 0o700],
  ['hold', 0o700],
  ['corrupt', 0o700],
  ['defer', 0o700],
  ['bounce', 0o700],
  ['trace', 0o700],
  ['flush', 0o700],
  ['saved', 0o700],
  ['public', 0o2710],
  ['private', 0o700],
  ['pid', 0o755],
];


/** Make the skeleton under a fresh temp directory (parent: `parent` or os.tmpdir()). */
export function createDemoSpool(parent: string = tmpdir()): SpoolConfig {
  const root = mkdtempSync(join(parent, 'postq-demo-'));
  chmodSync(root, 0o755);
  for (const [name, mode] of DIRECTORIES) {
    const dir = join(root, name);
    mkdirSync(dir);
    chmodSync(dir, mode); // mkdir's mode is filtered by the umask; chmod is not
  }
  for (const hashed of ['deferred', 'defer']) {
    for (const ch of HASH_CHARS) {
      mkdirSync(join(root, hashed, ch));
      chmodSync(join(root, hashed, ch), 0o700);
    }
  }
  return defaultSpoolConfig(root);
}

export function removeDemoSpool(queueDirectory: string): void {
  try {
    rmSync(queueDirectory, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // Nothing sensible to do on an exit path; the directory is under the temp dir.
  }
}
