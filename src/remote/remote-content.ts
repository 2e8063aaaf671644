/**
 * header:/body: in the fleet views: a message's content comes from its target, through the
 * link's `read` request (the target's serve reads the file with its own safe opener, bounded
 * to MAX_READ_BYTES), and is decoded here as a local file's would be. The console's content
 * searcher (src/cli/content-feed.ts) keeps a few of these in flight at once.
 *
 * Contract: resolves to the content, or null when the message is gone there or its target is
 * unknown; rejects when the link fails (the searcher then counts no hit for it).
 */
import type { QueueEntry } from '../domain/entry.js';
import { messageContentOfBytes, type MessageContent } from '../spool/message-content.js';
import type { Connection } from './connection.js';
import { splitMergedId } from './merged.js';

type Reader = Pick<Connection, 'read'>;

/** For the merged view (ids `ID@TARGET`): each message from its own target. */
export function mergedContentReader(byLabel: ReadonlyMap<string, Reader>): (entry: QueueEntry) => Promise<MessageContent | null> {
  return async (entry) => {
    const split = splitMergedId(entry.queueId);
    const link = split ? byLabel.get(split.label) : undefined;
    if (!split || !link) return null;
    const bytes = await link.read(split.queueId, entry.path);
    return bytes ? messageContentOfBytes(bytes, entry.path) : null;
  };
}

/** For one target's console (bare ids). */
export function targetContentReader(link: Reader): (entry: QueueEntry) => Promise<MessageContent | null> {
  return async (entry) => {
    const bytes = await link.read(entry.queueId, entry.path);
    return bytes ? messageContentOfBytes(bytes, entry.path) : null;
  };
}
