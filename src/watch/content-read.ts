/**
 * One message's content (headers and body) for the header:/body: filters, read through the
 * safe opener with bounded windows: the first 64 KiB (into one buffer reused from message to
 * message: the content comes out as strings, and answers as booleans), then the windows the
 * record reader asks for, up to the body limit of extractMessageContent (16 MiB). A file that
 * is gone (moved, delivered) or refused (not a regular file) gives null; the caller waits for
 * the watcher to report where it went. searchMessageFile() hands the bytes to an evaluator
 * (store/content-bytes.ts: a plain body: word is answered on the bytes, without decoding).
 *
 * Contract: never throws for the file's shape; permission errors throw SpoolAccessError.
 */
import { closeSync } from 'node:fs';
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { extractMessageContent, type MessageContent } from '../spool/message-content.js';
import { RecordReader } from '../spool/record.js';
import type { ContentFile } from '../store/content-bytes.js';
import { openInSpool, readWindow } from './safe-file.js';

const FIRST_WINDOW = 64 * 1024;
/** The first window's buffer, grown to at most FIRST_WINDOW and reused: nothing keeps it past a call. */
let scratch = Buffer.allocUnsafe(16 * 1024);

function withFile<T>(config: SpoolConfig, entry: Pick<QueueEntry, 'path'>, use: (file: ContentFile) => T): T | null {
  const opened = openInSpool(config.queueDirectory, entry.path);
  if (!('fd' in opened)) return null;
  const { fd, stats } = opened;
  try {
    const first = Math.min(stats.size, FIRST_WINDOW);
    if (first > scratch.length) scratch = Buffer.allocUnsafe(FIRST_WINDOW);
    const got = readWindow(fd, scratch, 0, first);
    const fetch = (offset: number, length: number): Buffer => {
      const window = Buffer.allocUnsafe(Math.max(0, Math.min(length, stats.size - offset)));
      return window.subarray(0, readWindow(fd, window, offset, window.length));
    };
    return use({ head: scratch.subarray(0, got), fileSize: stats.size, fetch, inMaildrop: entry.path.startsWith('maildrop/') });
  } finally {
    closeSync(fd);
  }
}

export function readMessageContent(config: SpoolConfig, entry: Pick<QueueEntry, 'path'>): MessageContent | null {
  return withFile(config, entry, (file) => extractMessageContent(new RecordReader(file.head, 0, { fileSize: file.fileSize, fetch: file.fetch! }), undefined, file.inMaildrop));
}

/** The content terms' answers for one message file (`evaluate`: contentBytesEvaluator), or null when it is gone or refused. */
export function searchMessageFile(config: SpoolConfig, entry: Pick<QueueEntry, 'path'>, evaluate: (file: ContentFile) => boolean[]): boolean[] | null {
  return withFile(config, entry, evaluate);
}
