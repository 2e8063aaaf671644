/**
 * A parsed queue file + its defer log + its stat -> the QueueEntry showq would report
 * (showq.c): arrival from the T record before the sender (else mtime), size from the size
 * record (else the file size), recipients with a logged reason first in log order (duplicates
 * kept), then pending R records whose address was not logged. Pure.
 */
import type { Diagnostic, EntryState, ListedRecipient, QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import type { LogEntry } from './defer-log.js';
import type { ParsedQueueFile } from './queue-file.js';

export interface FileFacts {
  queueName: QueueName;
  queueId: string;
  /** Relative to the queue directory. */
  path: string;
  mode: number;
  /** Epoch seconds. */
  mtime: number;
  fileSize: number;
}

/** duplicate_filter_limit's default: showq stops remembering logged addresses after this many. */
export const DEFAULT_DUPLICATE_FILTER_LIMIT = 1000;

export function isReady(mode: number): boolean {
  return (mode & 0o700) === 0o700;
}

export function listRecipients(
  parsed: ParsedQueueFile,
  deferLog: readonly LogEntry[],
  duplicateFilterLimit = DEFAULT_DUPLICATE_FILTER_LIMIT,
): ListedRecipient[] {
  const listed: ListedRecipient[] = [];
  const logged = new Set<string>();
  for (const entry of deferLog) {
    if (duplicateFilterLimit === 0 || logged.size < duplicateFilterLimit) logged.add(entry.recipient);
    listed.push({ address: entry.recipient, delayReason: entry.reason });
  }
  for (const rcpt of parsed.recipients) {
    if (rcpt.status === 'pending' && !logged.has(rcpt.address)) listed.push({ address: rcpt.address, delayReason: '' });
  }
  return listed;
}

function stateOf(file: FileFacts, parsed: ParsedQueueFile, listed: boolean): EntryState {
  if (file.queueName === 'corrupt') return 'corrupt';
  if (!isReady(file.mode)) return 'incomplete';
  if (!listed) return 'unlisted';
  return parsed.diagnostics.length > 0 ? 'damaged' : 'ok';
}

export function buildEntry(
  file: FileFacts,
  parsed: ParsedQueueFile,
  deferLog: readonly LogEntry[],
  options: { duplicateFilterLimit?: number; extraDiagnostics?: Diagnostic[] } = {},
): QueueEntry {
  // showq sends a message's facts when it reads the sender: no sender, no message.
  const listed = file.queueName !== 'corrupt' && isReady(file.mode) && parsed.sender !== null;
  return {
    queueName: file.queueName,
    queueId: file.queueId,
    path: file.path,
    arrivalTime: parsed.arrivalTime && parsed.arrivalTime > 0 ? parsed.arrivalTime : file.mtime,
    messageSize: parsed.size?.valid && parsed.size.dataSize > 0 ? parsed.size.dataSize : file.fileSize,
    forcedExpire: (file.mode & 0o010) !== 0,
    sender: parsed.sender ?? '',
    recipients: parsed.sender === null ? [] : listRecipients(parsed, deferLog, options.duplicateFilterLimit),
    listed,
    state: stateOf(file, parsed, listed),
    diagnostics: [...parsed.diagnostics, ...(options.extraDiagnostics ?? [])],
    mtime: file.mtime,
    fileSize: file.fileSize,
    mode: file.mode,
    subject: parsed.subject,
  };
}
