/**
 * header:/body: in the fleet views: a message's content comes from its target, through the
 * link's `read` request (the target's serve reads the file with its own safe opener), and is
 * decoded here as a local file's would be. A message larger than one answer (MAX_READ_BYTES)
 * is read on in windows of that same file (its identity from the first answer), up to
 * REMOTE_CONTENT_MAX, so a word past the first 8 MB is found as on a local spool. The
 * console's content searcher (src/cli/content-feed.ts) keeps a few of these in flight at once.
 *
 * Contract: resolves to the content, or null when the message is gone there (or was replaced
 * while it was read) or its target is unknown; rejects when the link fails (the searcher then
 * counts no hit for it). A serve that sends no size or identity gives its first answer only.
 */
import type { QueueEntry } from '../domain/entry.js';
import { CONTENT_BODY_MAX, messageContentOfBytes, type MessageContent } from '../spool/message-content.js';
import type { Connection } from './connection.js';
import { splitMergedId } from './merged.js';
import { MAX_READ_BYTES } from './protocol.js';

type Reader = Pick<Connection, 'read'>;

/** The most of one message read for a search: the body limit a local search reads, plus a first answer for envelope and headers. */
export const REMOTE_CONTENT_MAX = CONTENT_BODY_MAX + MAX_READ_BYTES;

/** A message's bytes from its target, window after window, up to `max`; null when gone or replaced meanwhile. */
export async function readRemoteBytes(link: Reader, queueId: string, path: string, max = REMOTE_CONTENT_MAX): Promise<Buffer | null> {
  const first = await link.read(queueId, path);
  if (!first) return null;
  const { size, identity } = first;
  if (size === undefined || identity === undefined || first.path === undefined || size <= first.bytes.length) return first.bytes;
  const parts = [first.bytes];
  let got = first.bytes.length;
  const end = Math.min(size, max);
  while (got < end) {
    const next = await link.read(queueId, first.path, { offset: got, length: Math.min(MAX_READ_BYTES, end - got), identity });
    if (!next) return null;
    if (next.bytes.length === 0) break; // the file shrank: what there is
    parts.push(next.bytes);
    got += next.bytes.length;
  }
  return Buffer.concat(parts, got);
}

/** For the merged view (ids `ID@TARGET`): each message from its own target. */
export function mergedContentReader(byLabel: ReadonlyMap<string, Reader>): (entry: QueueEntry) => Promise<MessageContent | null> {
  return async (entry) => {
    const split = splitMergedId(entry.queueId);
    const link = split ? byLabel.get(split.label) : undefined;
    if (!split || !link) return null;
    const bytes = await readRemoteBytes(link, split.queueId, entry.path);
    return bytes ? messageContentOfBytes(bytes, entry.path) : null;
  };
}

/** For one target's console (bare ids). */
export function targetContentReader(link: Reader): (entry: QueueEntry) => Promise<MessageContent | null> {
  return async (entry) => {
    const bytes = await readRemoteBytes(link, entry.queueId, entry.path);
    return bytes ? messageContentOfBytes(bytes, entry.path) : null;
  };
}
