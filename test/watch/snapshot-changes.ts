/**
 * The changes a snapshot must not hide, made to a corpus spool between two starts: a file
 * changed in place (same size, mtime put back: only the ctime tells), one replaced under the
 * same name, one moved to hold, one removed, and one whose defer log changed. `check` asserts
 * that a start shows each as it now is (shared by the main-thread and read-worker tests).
 */
import { copyFileSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { SpoolConfig } from '../../src/config/spool-config.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import { freshScan, hashedPath, moveQueueFile } from './spool-fixture.js';

export interface SnapshotChanges {
  /** Files the snapshot has that changed (read again), and files read at a path it has not (the moved one). */
  stale: number;
  moved: number;
  check(shown: QueueEntry[]): void;
}

export function changeSinceSnapshot(config: SpoolConfig, root: string): SnapshotChanges {
  const deferred = freshScan(config).filter((e) => e.queueName === 'deferred' && e.sender !== '' && e.listed);
  const withLog = deferred.filter((e) => e.recipients.some((r) => r.delayReason !== ''));
  const [inPlace, replaced, moved, removed] = deferred.filter((e) => !withLog.slice(0, 1).includes(e));
  const logChanged = withLog[0]!;
  expect([inPlace, replaced, moved, removed, logChanged].every(Boolean)).toBe(true);

  // In place, same size, mtime put back: only the ctime tells (the sender's first letter changes case).
  const abs = join(root, inPlace!.path);
  const before = statSync(abs);
  const bytes = readFileSync(abs);
  const at = bytes.indexOf(Buffer.from(inPlace!.sender, 'latin1'));
  expect(at).toBeGreaterThan(0);
  bytes[at] = bytes[at]! ^ 0x20;
  writeFileSync(abs, bytes);
  utimesSync(abs, before.atimeMs / 1000, before.mtimeMs / 1000);
  expect(statSync(abs).mtimeMs).toBe(before.mtimeMs);
  // Replaced under the same name by another message's bytes.
  const other = join(root, `${replaced!.path}.new`);
  copyFileSync(join(root, removed!.path), other);
  renameSync(other, join(root, replaced!.path));
  moveQueueFile(root, moved!.path, hashedPath('hold', moved!.queueId));
  unlinkSync(join(root, removed!.path));
  const log = join(root, hashedPath('defer', logChanged.queueId));
  writeFileSync(log, readFileSync(log, 'latin1').replace(/reason=[^\n]*/, 'reason=changed since the snapshot'), 'latin1');

  return {
    stale: 3,
    moved: 1,
    check(shown) {
      expect(shown).toEqual(freshScan(config));
      const byId = new Map(shown.map((e) => [e.queueId, e]));
      expect(byId.get(inPlace!.queueId)!.sender).not.toBe(inPlace!.sender);
      expect(byId.get(replaced!.queueId)!.sender).toBe(removed!.sender);
      expect(byId.get(moved!.queueId)!.queueName).toBe('hold');
      expect(byId.has(removed!.queueId)).toBe(false);
      expect(byId.get(logChanged.queueId)!.recipients.some((r) => r.delayReason === 'changed since the snapshot')).toBe(true);
    },
  };
}
