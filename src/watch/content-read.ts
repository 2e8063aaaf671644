/**
 * One message's content (headers and body) for the header:/body: filters, read through the
 * safe opener with bounded windows: the first 64 KiB, then the windows the record reader asks
 * for, up to the body limit of extractMessageContent (16 MiB). A file that is gone (moved,
 * delivered) or refused (not a regular file) gives null; the caller waits for the watcher to
 * report where it went.
 *
 * Contract: never throws for the file's shape; permission errors throw SpoolAccessError.
 */
import { closeSync } from 'node:fs';
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { extractMessageContent, type MessageContent } from '../spool/message-content.js';
import { RecordReader } from '../spool/record.js';
import { openInSpool, readWindow } from './safe-file.js';

const FIRST_WINDOW = 64 * 1024;

export function readMessageContent(config: SpoolConfig, entry: Pick<QueueEntry, 'path'>): MessageContent | null {
  const opened = openInSpool(config.queueDirectory, entry.path);
  if (!('fd' in opened)) return null;
  const { fd, stats } = opened;
  try {
    const head = Buffer.allocUnsafe(Math.min(stats.size, FIRST_WINDOW));
    const got = readWindow(fd, head, 0, head.length);
    const fetch = (offset: number, length: number): Buffer => {
      const window = Buffer.allocUnsafe(Math.max(0, Math.min(length, stats.size - offset)));
      return window.subarray(0, readWindow(fd, window, offset, window.length));
    };
    const reader = new RecordReader(head.subarray(0, got), 0, { fileSize: stats.size, fetch });
    return extractMessageContent(reader, undefined, entry.path.startsWith('maildrop/'));
  } finally {
    closeSync(fd);
  }
}
