/**
 * The queue-file writer against Postfix's own files: files from the corpus (written by the
 * real cleanup, postdrop and bounce daemons) are taken apart into what went into them and
 * rebuilt with the writer; the bytes must be identical. Plus the framing rules and a round
 * trip through the lead's reader and parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_ROOT } from '../helpers/corpus.js';
import { REC } from '../../src/spool/rec-type.js';
import { RecordReader } from '../../src/spool/record.js';
import { parseQueueFile } from '../../src/spool/queue-file.js';
import { parseBounceLog } from '../../src/spool/defer-log.js';
import {
  buildMaildropFile,
  buildQueueFile,
  encodeContent,
  encodeLength,
  encodeRecord,
  formatDeferLogEntry,
  type QueueFileSpec,
  type RecipientSpec,
} from '../../src/spool/queue-file-writer.js';

const SPOOL = join(CORPUS_ROOT, 'basic', 'spool');
const read = (path: string) => readFileSync(join(SPOOL, path));

function records(bytes: Buffer) {
  const reader = new RecordReader(bytes);
  const out = [];
  for (let rec = reader.next(); rec; rec = reader.next()) out.push(rec);
  expect(reader.error).toBeNull();
  return out;
}

/** Content records back to message text: L + N joined, `\n` after each N. */
function contentText(recs: ReturnType<typeof records>): Buffer {
  const parts: Buffer[] = [];
  for (const rec of recs) {
    parts.push(rec.data);
    if (rec.type === REC.NORM) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** What cleanup was given for a corpus queue file, recovered from its records. */
function specOf(bytes: Buffer): QueueFileSpec {
  const recs = records(bytes);
  const m = recs.findIndex((r) => r.type === REC.MESG);
  const x = recs.findIndex((r) => r.type === REC.XTRA);
  const text = (i: number) => recs[i]!.data.toString('utf8');
  const attr = (i: number): [string, string] => {
    const t = text(i);
    return [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)];
  };
  const [seconds, microseconds] = text(recs.findIndex((r) => r.type === REC.TIME)).split(' ').map(Number);
  const spec: QueueFileSpec = { arrival: { seconds: seconds!, microseconds: microseconds! }, sender: '', recipients: [], content: '' };
  const attributes: Array<[string, string]> = [];
  const senderAttributes: Array<[string, string]> = [];
  let pending: RecipientSpec = { address: '' };
  let seenSender = false;
  for (let i = 0; i < m; i++) {
    const rec = recs[i]!;
    if (rec.type === REC.ATTR) {
      const [name, value] = attr(i);
      if (name === 'create_time') spec.createTime = Number(value);
      else if (name === 'rewrite_context') spec.rewriteContext = value as 'local' | 'remote';
      else if (name === 'dsn_orig_rcpt') pending.dsnOrigRcpt = value;
      else if (name === 'notify_flags') pending.notifyFlags = Number(value);
      else (seenSender ? senderAttributes : attributes).push([name, value]);
    } else if (rec.type === REC.FULL) spec.fullName = text(i);
    else if (rec.type === REC.FROM) {
      spec.sender = text(i);
      seenSender = true;
    } else if (rec.type === REC.ORCP) pending.originalRecipient = text(i);
    else if (rec.type === REC.RCPT) {
      (spec.recipients as RecipientSpec[]).push({ ...pending, address: text(i) });
      pending = { address: '' };
    }
  }
  spec.attributes = attributes;
  spec.senderAttributes = senderAttributes;
  spec.content = contentText(recs.slice(m + 1, x));
  spec.extractedAttributes = recs.slice(x + 1).filter((r) => r.type === REC.ATTR).map((r) => attr(recs.indexOf(r)));
  return spec;
}

describe('record framing', () => {
  it('encodes lengths little-endian base-128, minimal, at least one byte', () => {
    const table: Array<[number, string]> = [
      [0, '00'], [15, '0f'], [95, '5f'], [127, '7f'], [128, '8001'], [300, 'ac02'],
      [2048, '8010'], [16383, 'ff7f'], [16384, '808001'], [268435455, 'ffffff7f'],
    ];
    for (const [length, hex] of table) expect(encodeLength(length).toString('hex'), String(length)).toBe(hex);
  });

  it('writes type, length, data, and the reader gets them back', () => {
    const data = Buffer.alloc(300, 0x61);
    data[7] = 0; // data may hold NUL
    const bytes = Buffer.concat([encodeRecord('S', 'a@b'), encodeRecord(REC.NORM, data), encodeRecord(REC.END)]);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('S\x03a@b');
    const recs = records(bytes);
    expect(recs.map((r) => r.type)).toEqual([REC.FROM, REC.NORM, REC.END]);
    expect(recs[1]!.data.equals(data)).toBe(true);
  });

  it('cuts lines longer than 2048 bytes into L records of 2048 and a final N', () => {
    const shape = (text: string) => encodeContent(text).map((b) => `${String.fromCharCode(b[0]!)}${records(b)[0]!.data.length}`);
    expect(shape(`${'x'.repeat(3000)}\n`)).toEqual(['L2048', 'N952']);
    expect(shape(`${'x'.repeat(2048)}\n`)).toEqual(['N2048']);
    expect(shape(`${'x'.repeat(4097)}\n`)).toEqual(['L2048', 'L2048', 'N1']);
    expect(shape('a\n\nb\n')).toEqual(['N1', 'N0', 'N1']);
    // No newline at the end: the last line stays unterminated (L before X).
    expect(shape('a\nb')).toEqual(['N1', 'L1']);
  });
});

describe('byte-for-byte against files Postfix wrote (corpus basic)', () => {
  const cases: Array<[string, string]> = [
    ['multi-rcpt (sendmail, three recipients)', 'deferred/7/779B722C1FF'],
    ['smtp-plain (smtpd client attributes, log_ident)', 'deferred/3/3949122C21D'],
    ['long-header (L continuation records)', 'deferred/D/DC4C322C210'],
    ['large', 'deferred/E/E978822C214'],
  ];
  for (const [name, path] of cases) {
    it(`rebuilds ${name}`, () => {
      const original = read(path);
      const built = buildQueueFile(specOf(original));
      expect(built.bytes.length).toBe(original.length);
      expect(built.bytes.equals(original)).toBe(true);
    });
  }

  it('rebuilds a postdrop file (maildrop-plain): no size record, T first', () => {
    const original = read('maildrop/E77B622C26E');
    const recs = records(original);
    const text = (t: number) => recs.find((r) => r.type === t)!.data.toString('utf8');
    const [seconds, microseconds] = text(REC.TIME).split(' ').map(Number);
    const m = recs.findIndex((r) => r.type === REC.MESG);
    const x = recs.findIndex((r) => r.type === REC.XTRA);
    const built = buildMaildropFile({
      arrival: { seconds: seconds!, microseconds: microseconds! },
      fullName: text(REC.FULL),
      sender: text(REC.FROM),
      recipients: recs.filter((r) => r.type === REC.RCPT).map((r) => r.data.toString('utf8')),
      content: contentText(recs.slice(m + 1, x)),
    });
    expect(built.equals(original)).toBe(true);
  });

  it('rebuilds a defer logfile entry for entry (blank, old-style line, name=value lines, blank)', () => {
    const original = read('defer/7/779B722C1FF');
    const queueFile = parseQueueFile(read('deferred/7/779B722C1FF'), { queueName: 'deferred' });
    const entries = parseBounceLog(original);
    expect(entries.length).toBe(3);
    const rebuilt = entries
      .map((e) =>
        formatDeferLogEntry({
          recipient: e.recipient,
          offset: e.offset,
          dsnOrigRcpt: `rfc822;${e.recipient}`,
          status: e.status,
          reason: e.reason,
        }),
      )
      .join('');
    expect(rebuilt).toBe(original.toString('utf8'));
    // The offsets are those of the R records in the queue file.
    for (const e of entries) expect(queueFile.recipients.find((r) => r.offset === e.offset)?.address).toBe(e.recipient);
  });
});

describe('round trip through the parser', () => {
  it('gives back sender, recipients at their offsets, times and a valid size record', () => {
    const built = buildQueueFile({
      arrival: { seconds: 1795894992, microseconds: 470250 },
      createTime: 1795894999,
      fullName: 'Demo User',
      sender: 'alice@corp.example',
      senderAttributes: [['log_client_name', 'client.example']],
      recipients: [
        { address: 'bob@example.org', originalRecipient: 'bob@example.org', dsnOrigRcpt: 'rfc822;bob@example.org', notifyFlags: 12 },
        { address: 'carol@example.net', originalRecipient: 'Carol@example.net' },
      ],
      content: `Subject: hello there\nFrom: alice@corp.example\n\n${'y'.repeat(5000)}\nbye\n`,
    });
    const parsed = parseQueueFile(built.bytes, { queueName: 'deferred', skipContent: false, originalRecipients: true });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.complete).toBe(true);
    expect(parsed.sender).toBe('alice@corp.example');
    expect(parsed.arrivalTime).toBe(1795894992);
    expect(parsed.createTime).toBe(1795894999);
    expect(parsed.subject).toBe('hello there');
    expect(parsed.recipients.map((r) => [r.address, r.offset, r.originalRecipient])).toEqual([
      ['bob@example.org', built.recipientOffsets[0], 'bob@example.org'],
      ['carol@example.net', built.recipientOffsets[1], 'Carol@example.net'],
    ]);
    // SIZE: data_offset is right after M, data_offset + data_size is the X record.
    const recs = records(built.bytes);
    const xOffset = recs.find((r) => r.type === REC.XTRA)!.offset;
    const mEnd = recs.find((r) => r.type === REC.MESG)!.end;
    expect(parsed.size).toMatchObject({ dataOffset: mEnd, dataSize: xOffset - mEnd, recipientCount: 2, valid: true });
    // NOTIFY DELAY|FAILURE (12) shows in qmgr_flags as 12 << 1.
    expect(recs[0]!.data.toString('latin1').split(/ +/).filter(Boolean).map(Number)).toEqual([xOffset - mEnd, mEnd, 2, 24, xOffset - mEnd, 0]);
  });

  it('marks a recipient done with one byte, which the parser sees as done', () => {
    const built = buildQueueFile({ arrival: { seconds: 1, microseconds: 2 }, sender: '', recipients: [{ address: 'a@x' }, { address: 'b@x' }], content: 'x\n' });
    built.bytes[built.recipientOffsets[0]!] = REC.DONE;
    const parsed = parseQueueFile(built.bytes, { queueName: 'deferred' });
    expect(parsed.nullSender).toBe(true);
    expect(parsed.recipients.map((r) => r.status)).toEqual(['done', 'pending']);
  });
});
