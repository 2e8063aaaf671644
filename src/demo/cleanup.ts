/**
 * The simulated cleanup, postdrop and pickup: how a message becomes a queue file.
 * - cleanupEnter(): a cleanup-format file (queue-file-writer) entered with Postfix's
 *   create/rename/write/chmod sequence; returns the id and each recipient's R offset.
 * - postdropEnter(): a postdrop-format file in maildrop/ (0644 while written, then 0744).
 * - readMaildropFile(): what pickup takes from a maildrop file (a postdrop submission, or a
 *   file `postsuper -r` put there): arrival, sender, pending recipients, the text. Returns null
 *   for a malformed file (pickup deletes those).
 */
import type { SpoolConfig } from '../config/spool-config.js';
import type { QueueName } from '../domain/queue.js';
import { REC } from '../spool/rec-type.js';
import { RecordReader } from '../spool/record.js';
import { buildMaildropFile, buildQueueFile, type RecipientSpec } from '../spool/queue-file-writer.js';
import { enterQueueFile } from './queue-io.js';

export interface CleanupInput {
  arrival: { seconds: number; microseconds: number };
  createTime: number;
  sender: string;
  fullName: string | null;
  recipients: Array<{ address: string; originalRecipient?: string | null }>;
  /** The text without cleanup's own additions; `prefix(id)` is prepended (Received header). */
  text: string;
  prefix?: (id: string) => string;
  /** Applied to prefix + text once the id is known (cleanup's missing-header fixes). */
  finish?: (text: string, id: string) => string;
  /** smtpd's client attributes (written after the sender, with log_ident before). */
  clientAttributes?: Array<[string, string]>;
  rewriteContext: 'local' | 'remote';
}

/** What cleanup gets for a message that arrived over SMTP (or, without a client, locally). */
export function remoteArrival(
  msg: { arrival: CleanupInput['arrival']; sender: string; recipients: string[]; text: string },
  createTime: number,
): CleanupInput {
  return {
    arrival: msg.arrival,
    createTime,
    sender: msg.sender,
    fullName: null,
    recipients: msg.recipients.map((address) => ({ address })),
    text: msg.text,
    rewriteContext: 'remote',
  };
}

export interface CleanupOptions {
  queue?: QueueName;
  mtime?: number;
  /** Recipients (by index) whose R record is already a D (delivered before this state). */
  done?: ReadonlySet<number>;
  /** Alter the finished bytes (the demo's damaged files). */
  damage?: (bytes: Buffer) => Buffer;
}

export interface CleanedFile {
  id: string;
  path: string;
  recipientOffsets: number[];
  bytes: Buffer;
}

export function cleanupEnter(config: SpoolConfig, input: CleanupInput, options: CleanupOptions = {}): CleanedFile {
  let recipientOffsets: number[] = [];
  const recipients: RecipientSpec[] = input.recipients.map((r) => {
    const orig = r.originalRecipient ?? r.address;
    return { address: r.address, originalRecipient: orig, dsnOrigRcpt: `rfc822;${orig}` };
  });
  const entered = enterQueueFile(config, {
    queue: options.queue ?? 'incoming',
    tempQueue: 'incoming',
    writingMode: 0o600,
    finalMode: 0o700,
    ...(options.mtime !== undefined ? { mtime: options.mtime } : {}),
    build: (id) => {
      let text = (input.prefix?.(id) ?? '') + input.text;
      if (input.finish) text = input.finish(text, id);
      const built = buildQueueFile({
        arrival: input.arrival,
        createTime: input.createTime,
        attributes: input.clientAttributes ? [['log_ident', id]] : [],
        senderAttributes: input.clientAttributes ?? [],
        rewriteContext: input.rewriteContext,
        fullName: input.fullName,
        sender: input.sender,
        recipients,
        content: text,
      });
      recipientOffsets = built.recipientOffsets;
      for (const index of options.done ?? []) {
        const offset = built.recipientOffsets[index];
        if (offset !== undefined) built.bytes[offset] = REC.DONE;
      }
      return options.damage ? options.damage(built.bytes) : built.bytes;
    },
  });
  return { id: entered.id, path: entered.path, recipientOffsets, bytes: entered.bytes };
}

export interface PostdropInput {
  arrival: { seconds: number; microseconds: number };
  sender: string;
  fullName: string | null;
  recipients: string[];
  text: string;
}

export function postdropEnter(config: SpoolConfig, input: PostdropInput): { id: string; path: string } {
  const entered = enterQueueFile(config, {
    queue: 'maildrop',
    writingMode: 0o644,
    finalMode: 0o744,
    build: () => buildMaildropFile({ ...input, content: input.text }),
  });
  return { id: entered.id, path: entered.path };
}

export interface MaildropContent {
  arrival: { seconds: number; microseconds: number } | null;
  sender: string;
  fullName: string | null;
  recipients: Array<{ address: string; originalRecipient: string | null }>;
  text: string;
}

/** pickup's reading of a maildrop file; D and canceled recipients are dropped, as on requeue. */
export function readMaildropFile(bytes: Buffer): MaildropContent | null {
  const reader = new RecordReader(bytes);
  const out: MaildropContent = { arrival: null, sender: '', fullName: null, recipients: [], text: '' };
  let sawSender = false;
  let orig: string | null = null;
  let inContent = false;
  const lines: string[] = [];
  let partial: Buffer[] = [];
  for (let rec = reader.next(); rec; rec = reader.next()) {
    const data = rec.data.toString('utf8');
    if (inContent) {
      if (rec.type === REC.XTRA) inContent = false;
      else if (rec.type === REC.CONT) partial.push(rec.data);
      else if (rec.type === REC.NORM) {
        lines.push(Buffer.concat([...partial, rec.data]).toString('utf8'));
        partial = [];
      } else return null;
      continue;
    }
    if (rec.type === REC.TIME && !out.arrival) {
      const [s, us] = data.trim().split(/\s+/).map(Number);
      out.arrival = { seconds: s ?? 0, microseconds: us ?? 0 };
    } else if (rec.type === REC.FULL) out.fullName = data;
    else if (rec.type === REC.FROM) {
      if (sawSender) return null;
      sawSender = true;
      out.sender = data;
    } else if (rec.type === REC.ORCP) orig = data;
    else if (rec.type === REC.RCPT) {
      out.recipients.push({ address: data, originalRecipient: orig });
      orig = null;
    } else if (rec.type === REC.DONE || rec.type === REC.DRCP) orig = null;
    else if (rec.type === REC.MESG) inContent = true;
  }
  if (reader.error || !reader.ended || !sawSender) return null;
  const tail = partial.length > 0 ? Buffer.concat(partial).toString('utf8') : null;
  out.text = lines.map((l) => `${l}\n`).join('') + (tail ?? '');
  return out;
}
