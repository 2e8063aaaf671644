/**
 * Run as a non-root user by non-root-fallback.test.ts (bundled with esbuild): start a watcher on
 * SPOOL with fromPostconf from argv and print its status and the batches it got as JSON.
 */
import { defaultSpoolConfig } from '../../src/config/spool-config.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';

const [queueDirectory, fromPostconf] = process.argv.slice(2);
const batches: number[] = [];
const watcher = createSpoolWatcher(
  { ...defaultSpoolConfig(queueDirectory!), fromPostconf: fromPostconf === 'yes' },
  (batch) => batches.push(batch.upserts.length),
  { pollMinMs: 60_000 },
);
let error: string | null = null;
try {
  await watcher.start();
} catch (e) {
  error = `${(e as Error).name}: ${(e as Error).message}`;
}
process.stdout.write(JSON.stringify({ uid: process.getuid?.(), status: watcher.status, error, batches }) + '\n');
watcher.stop();
process.exit(0);
