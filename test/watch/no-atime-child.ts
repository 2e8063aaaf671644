/**
 * Run as a non-root user by no-atime.test.ts (bundled with esbuild): scan SPOOL and print the ids
 * and senders it lists, or the error, as JSON.
 */
import { defaultSpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { scanQueues } from '../../src/watch/scan.js';

const [queueDirectory] = process.argv.slice(2);
let out: unknown;
try {
  out = { uid: process.getuid?.(), entries: scanQueues(defaultSpoolConfig(queueDirectory!), QUEUE_NAMES).map((e) => ({ queueId: e.queueId, sender: e.sender, recipients: e.recipients.length })) };
} catch (e) {
  out = { uid: process.getuid?.(), error: `${(e as Error).name}: ${(e as Error).message}` };
}
process.stdout.write(JSON.stringify(out) + '\n');
