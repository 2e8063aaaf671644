/**
 * A parsed queue file + its defer log + its stat -> the QueueEntry showq would report
 * (showq.c): arrival from the T record before the sender (else mtime), size from the size
 * record (else the file size), recipients with a logged reason first in log order (duplicates
 * kept), then pending R records whose address was not logged. Pure.
 */
import type { Diagnostic, EntryState, ListedRecipient, QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import { smallInt } from '../domain/small-int.js';
import type { LoggedReason } from './defer-log.js';
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

/** The addresses showq remembers: the first duplicateFilterLimit distinct ones (0: all). */
function loggedSet(deferLog: readonly LoggedReason[], limit: number): Set<string> {
  const logged = new Set<string>();
  for (const entry of deferLog) if (limit === 0 || logged.size < limit) logged.add(entry.recipient);
  return logged;
}

/** loggedSet(...).has(address) for a short log, without the Set. */
function loggedInFew(deferLog: readonly LoggedReason[], limit: number, address: string): boolean {
  let distinct = 0;
  for (let i = 0; i < deferLog.length; i++) {
    if (limit !== 0 && distinct >= limit) return false;
    const recipient = deferLog[i]!.recipient;
    if (recipient === address) return true;
    let repeat = false;
    for (let j = 0; j < i; j++) if (deferLog[j]!.recipient === recipient) (repeat = true), (j = i);
    if (!repeat) distinct++;
  }
  return false;
}

export function listRecipients(
  parsed: ParsedQueueFile,
  deferLog: readonly LoggedReason[],
  duplicateFilterLimit = DEFAULT_DUPLICATE_FILTER_LIMIT,
): ListedRecipient[] {
  const listed: ListedRecipient[] = [];
  for (const entry of deferLog) listed.push({ address: entry.recipient, delayReason: entry.reason });
  // Most messages log a few recipients: a scan of the log beats building a Set for each.
  const logged = deferLog.length > 8 ? loggedSet(deferLog, duplicateFilterLimit) : null;
  for (const rcpt of parsed.recipients) {
    if (rcpt.status !== 'pending') continue;
    const seen = logged ? logged.has(rcpt.address) : loggedInFew(deferLog, duplicateFilterLimit, rcpt.address);
    if (!seen) listed.push({ address: rcpt.address, delayReason: '' });
  }
  // A pushed list reserves 17 slots or more; the copy has its length (the console keeps 100k).
  return listed.length === 0 ? listed : listed.slice();
}

function stateOf(file: FileFacts, parsed: ParsedQueueFile, listed: boolean): EntryState {
  if (file.queueName === 'corrupt') return 'corrupt';
  if (!isReady(file.mode)) return 'incomplete';
  if (!listed) return 'unlisted';
  return parsed.diagnostics.length > 0 ? 'damaged' : 'ok';
}

/** One shared empty list for the entries without diagnostics (most): 100k arrays fewer to keep. */
const NO_DIAGNOSTICS = Object.freeze([]) as unknown as Diagnostic[];

/** A fresh array of both, or the shared empty one (the usual answer). */
function joinDiagnostics(parsed: readonly Diagnostic[], extra: readonly Diagnostic[] | undefined): Diagnostic[] {
  if (parsed.length === 0 && (extra === undefined || extra.length === 0)) return NO_DIAGNOSTICS;
  return extra === undefined ? parsed.slice() : parsed.concat(extra);
}

export function buildEntry(
  file: FileFacts,
  parsed: ParsedQueueFile,
  deferLog: readonly LoggedReason[],
  options: { duplicateFilterLimit?: number; extraDiagnostics?: Diagnostic[] } = {},
): QueueEntry {
  // showq sends a message's facts when it reads the sender: no sender, no message.
  const listed = file.queueName !== 'corrupt' && isReady(file.mode) && parsed.sender !== null;
  return {
    queueName: file.queueName,
    queueId: file.queueId,
    path: file.path,
    // smallInt: the numbers unboxed (domain/small-int.ts), for the 100k entries a console keeps.
    arrivalTime: smallInt(parsed.arrivalTime && parsed.arrivalTime > 0 ? parsed.arrivalTime : file.mtime),
    messageSize: smallInt(parsed.size?.valid && parsed.size.dataSize > 0 ? parsed.size.dataSize : file.fileSize),
    forcedExpire: (file.mode & 0o010) !== 0,
    sender: parsed.sender ?? '',
    recipients: parsed.sender === null ? [] : listRecipients(parsed, deferLog, options.duplicateFilterLimit),
    listed,
    state: stateOf(file, parsed, listed),
    diagnostics: joinDiagnostics(parsed.diagnostics, options.extraDiagnostics),
    mtime: smallInt(file.mtime),
    fileSize: smallInt(file.fileSize),
    mode: smallInt(file.mode),
    subject: parsed.subject,
    createTime: parsed.createTime === null ? null : smallInt(parsed.createTime),
    client: parsed.client,
  };
}
