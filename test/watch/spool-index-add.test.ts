/**
 * SpoolIndex.addFile, the initial index's one-step filing: it asks only whether the id is
 * known (a tracked path's id is its last part, so a known path has a known id), and falls back
 * to setFile and settle for a path or id already tracked: the entry of the queue earliest in
 * QUEUE_NAMES order is the one the sink learns, and a path filed again replaces its entry.
 */
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { QueueName } from '../../src/domain/queue.js';
import { SpoolIndex, type TrackedFile } from '../../src/watch/spool-index.js';

const queueId = '4ABC12345DE';
const tracked = (queueName: QueueName, n: number): TrackedFile => {
  const entry = { queueName, queueId, path: `${queueName}/${queueId}`, messageSize: n } as unknown as QueueEntry;
  return { queueId, queueName, entry, ino: n, size: n, mode: 0o100700, mtimeMs: n, ctimeMs: n };
};

describe('SpoolIndex.addFile', () => {
  it('files a new id, then settles an id in two queues and a path filed again', () => {
    const index = new SpoolIndex();
    const hold = tracked('hold', 1);
    expect(index.addFile(hold.entry.path, hold)).toBe(hold.entry);
    // The same id in an earlier queue (hand-made; Postfix never does this): that entry wins.
    const deferred = tracked('deferred', 2);
    expect(index.addFile(deferred.entry.path, deferred)).toBe(deferred.entry);
    expect(index.pathsOf(queueId)).toEqual(['hold/4ABC12345DE', 'deferred/4ABC12345DE']);
    // Filed again in the later queue: nothing new for the sink.
    expect(index.addFile(hold.entry.path, tracked('hold', 3))).toBeNull();
    // The winning path filed again: its new entry replaces the old one, the path is not doubled.
    const again = tracked('deferred', 4);
    expect(index.addFile(again.entry.path, again)).toBe(again.entry);
    expect(index.pathsOf(queueId)).toHaveLength(2);
    expect(index.emitted.get(queueId)).toBe(again.entry);
    expect(index.files.size).toBe(2);
  });
});
