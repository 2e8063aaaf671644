/**
 * What postq knows about one queue file: the mailq facts (as showq computes them) plus what
 * postq knows beyond them. Pure types.
 */
import type { QueueName } from './queue.js';

/** A problem found while reading a file: where, in which record, what. Never thrown. */
export interface Diagnostic {
  /** Byte offset in the file of the record (or length byte) where the problem is. */
  offset: number;
  /** The record type byte, or null when the problem is not in a record. */
  recordType: number | null;
  problem: string;
}

/** A recipient as mailq lists it: quoted, printable address and its delay reason, if any. */
export interface ListedRecipient {
  address: string;
  /** The defer log's reason; empty string when there is none (JSON then omits it). */
  delayReason: string;
}

/**
 * Why a file is not (or not only) a message the way showq sees it:
 * - `ok`: a complete file showq lists;
 * - `incomplete`: owner bits not rwx (being written, or marked corrupt by a delivery agent);
 * - `damaged`: a read error or a missing part; still listed when showq lists it;
 * - `unlisted`: showq skips it (no sender record could be read);
 * - `corrupt`: in corrupt/, which showq never scans.
 */
export type EntryState = 'ok' | 'incomplete' | 'damaged' | 'unlisted' | 'corrupt';

export interface QueueEntry {
  queueName: QueueName;
  queueId: string;
  /** Path relative to the queue directory, e.g. `deferred/D/D976E1604F1`. */
  path: string;
  /** Epoch seconds: the T record before the sender, else the file's mtime (showq). */
  arrivalTime: number;
  /** mailq's size: SIZE field 1, else the file size. */
  messageSize: number;
  /** g+x on the file: `postsuper -e` asked for expiry (`#` in mailq). */
  forcedExpire: boolean;
  /** Quoted, printable sender; the empty sender shows as empty_address_recipient. */
  sender: string;
  /** In mailq order: recipients from the defer log first, then pending R records. */
  recipients: ListedRecipient[];
  /** Whether `postqueue -j` would list this file. */
  listed: boolean;
  state: EntryState;
  diagnostics: Diagnostic[];
  /** File mtime in epoch seconds; for deferred files the next retry time. */
  mtime: number;
  fileSize: number;
  mode: number;
  /** Subject header, raw text (sanitize before display); null when there is none. */
  subject: string | null;
  /**
   * The file's inode number as read; with the queue and the arrival time it tells a reused
   * queue id from the message that had it. Absent where no file was read (postqueue -j).
   */
  inode?: number;
  /** The A create_time= record (expiry counts from it), epoch seconds; null/absent when none. */
  createTime?: number | null;
  /** Who handed the message to Postfix (smtpd/qmqpd's named attributes); null/absent for local submission. */
  client?: ClientAttributes | null;
  /** The fleet target this entry is on, in a merged fleet view (its queueId is then `ID@TARGET`). */
  host?: string;
}

/**
 * The named attributes cleanup writes for mail received from a network client, raw text
 * (sanitize before display). Each is the `client_*` attribute, else its `log_client_*`
 * variant (cleanup writes both for smtpd mail; some paths only the log_ one); null when absent.
 */
export interface ClientAttributes {
  clientName: string | null;
  clientAddress: string | null;
  clientPort: string | null;
  heloName: string | null;
  protocolName: string | null;
  saslMethod: string | null;
  saslUsername: string | null;
  saslSender: string | null;
}

/** The keys of ClientAttributes, in the order `postq list --json` and the wire carry them. */
export const CLIENT_ATTRIBUTE_KEYS = [
  'clientName',
  'clientAddress',
  'clientPort',
  'heloName',
  'protocolName',
  'saslMethod',
  'saslUsername',
  'saslSender',
] as const satisfies ReadonlyArray<keyof ClientAttributes>;

/** `smtp`: received from a network client (smtpd, qmqpd); `local`: sendmail/postdrop or Postfix itself. */
export function messageOrigin(entry: Pick<QueueEntry, 'client'>): 'smtp' | 'local' {
  return entry.client ? 'smtp' : 'local';
}
