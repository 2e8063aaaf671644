/**
 * Small spool helpers for the action tests: ready ids in a queue (as postsuper would see
 * them), read from the disk.
 */
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueName } from '../../src/domain/queue.js';
import { queuePath, type SpoolConfig } from '../../src/config/spool-config.js';
import { listQueueFiles } from '../../src/watch/scan.js';

/** Ids of ready files (regular, owner rwx) at their hashed path in one queue. */
export function readyIds(
  config: SpoolConfig,
  queueName: QueueName,
  options: { withDeferLog?: boolean; notExpired?: boolean } = {},
): string[] {
  return listQueueFiles(config, queueName)
    .filter((ref) => ref.path === queuePath(config, queueName, ref.queueId))
    .filter((ref) => {
      const stats = lstatSync(join(config.queueDirectory, ref.path));
      return stats.isFile() && (stats.mode & 0o700) === 0o700 && (!options.notExpired || (stats.mode & 0o010) === 0);
    })
    .filter((ref) => !options.withDeferLog || existsSync(join(config.queueDirectory, queuePath(config, 'defer', ref.queueId))))
    .map((ref) => ref.queueId);
}
