/**
 * formatJsonEntry writes its line member by member (for speed); the generic object walk it
 * replaced is kept here as the specification: for every entry of every corpus spool (read as
 * list reads them), for fuzzed entries built from damaged corpus files, and for entries with
 * every optional member present, absent, null or hostile, both give the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_ATTRIBUTE_KEYS, messageOrigin, type ClientAttributes, type QueueEntry } from '../../src/domain/entry.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { CLIENT_ATTRIBUTE_NAMES } from '../../src/spool/client-attributes.js';
import { parseBounceLog } from '../../src/spool/defer-log.js';
import { formatJsonEntry, jsonString } from '../../src/spool/json-format.js';
import { parseQueueFile } from '../../src/spool/queue-file.js';
import { buildEntry } from '../../src/spool/showq.js';
import { scanQueues } from '../../src/watch/scan.js';
import { copyCorpusSpool, corpusNames } from '../helpers/corpus.js';
import * as fz from '../helpers/fuzz.js';
import { sampleEntry } from '../helpers/sample-entry.js';

/** The formatter as it was: an object of members, undefined ones dropped, walked generically. */
function referenceValue(value: unknown): string {
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return '[' + value.map(referenceValue).join(', ') + ']';
  const members = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return '{' + members.map(([k, v]) => `${jsonString(k)}: ${referenceValue(v)}`).join(', ') + '}';
}

function reference(entry: QueueEntry, extras = true): string {
  const object: Record<string, unknown> = {
    queue_name: entry.queueName,
    queue_id: entry.queueId,
    arrival_time: entry.arrivalTime,
    message_size: entry.messageSize,
    forced_expire: entry.forcedExpire,
    sender: entry.sender,
    recipients: entry.recipients.map((r) => (r.delayReason ? { address: r.address, delay_reason: r.delayReason } : { address: r.address })),
  };
  if (extras) {
    const postq: Record<string, unknown> = {
      state: entry.state,
      listed_by_postqueue: entry.listed,
      path: entry.path,
      next_retry: entry.queueName === 'deferred' ? entry.mtime : undefined,
      subject: entry.subject ?? undefined,
      file_size: entry.fileSize,
      mode: '0' + (entry.mode & 0o7777).toString(8),
      diagnostics: entry.diagnostics.map((d) => ({ offset: d.offset, record_type: d.recordType, problem: d.problem })),
      create_time: entry.createTime ?? undefined,
      origin: messageOrigin(entry),
    };
    if (entry.client) for (const key of CLIENT_ATTRIBUTE_KEYS) if (entry.client[key] !== null) postq[CLIENT_ATTRIBUTE_NAMES[key]] = entry.client[key];
    object.postq = postq;
  }
  return referenceValue(object);
}

const base = sampleEntry({
  recipients: [{ address: 'bob@example.com', delayReason: 'connect to x: Connection refused' }, { address: 'c@d', delayReason: '' }],
  mode: 0o100710,
});
const someClient: ClientAttributes = { clientName: 'mx.example', clientAddress: '192.0.2.1', clientPort: null, heloName: 'he"lo\x1b[2J', protocolName: 'ESMTP', saslMethod: null, saslUsername: 'u\u202Es', saslSender: null };

const cases: Array<[string, QueueEntry]> = [
  ['plain', base],
  ['not deferred: no next_retry', { ...base, queueName: 'hold', path: 'hold/749A822C202' }],
  ['no subject, no recipients', { ...base, subject: null, recipients: [] }],
  ['create time and client', { ...base, createTime: 1795894990, client: someClient }],
  ['create time null, client null', { ...base, createTime: null, client: null }],
  ['hostile text everywhere', { ...base, sender: '"\\\x00\x7f\u0085\u2028\ufeff', subject: '\u061c\u200e\u2066x', recipients: [{ address: '\t\n\r\b\f', delayReason: '\u009f' }] }],
  ['diagnostics', { ...base, state: 'damaged', diagnostics: [{ offset: 12, recordType: 77, problem: 'bad "x"\n' }, { offset: 0, recordType: null, problem: 'missing end record' }] }],
  ['forced expire, odd mode', { ...base, forcedExpire: true, mode: 0o4777, listed: false, state: 'unlisted' }],
];

describe('formatJsonEntry equals the generic walk it replaced', () => {
  it.each(cases)('%s', (_label, entry) => {
    expect(formatJsonEntry(entry)).toBe(reference(entry));
    expect(formatJsonEntry(entry, { extras: false })).toBe(reference(entry, false));
  });

  it('for every entry of every corpus spool', () => {
    let seen = 0;
    for (const name of corpusNames()) {
      const corpus = copyCorpusSpool(name);
      try {
        for (const entry of scanQueues(resolveSpoolConfig({ spool: corpus.spool }), ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt'])) {
          expect(formatJsonEntry(entry)).toBe(reference(entry));
          seen++;
        }
      } finally {
        corpus.cleanup();
      }
    }
    expect(seen).toBeGreaterThan(30);
  });

  it('for entries built from damaged corpus files', () => {
    const rng = fz.createRng(20261205);
    const queueFiles = fz.loadCorpusFiles('queue').filter((f) => f.bytes.length <= 8192);
    const logs = fz.loadCorpusFiles('log');
    for (let i = 0; i < 400; i++) {
      const file = rng.pick(queueFiles);
      const bytes = rng.next() < 0.5 ? fz.flipBytes(file.bytes, rng) : fz.truncate(file.bytes, rng.int(file.bytes.length + 1));
      const log = logs.length > 0 && rng.next() < 0.5 ? parseBounceLog(fz.flipBytes(rng.pick(logs).bytes, rng)) : [];
      const parsed = parseQueueFile(bytes, { queueName: 'deferred', fileSize: bytes.length });
      const entry = buildEntry({ queueName: 'deferred', queueId: 'ABCDEF12345', path: 'deferred/A/ABCDEF12345', mode: 0o700, mtime: 1795895000, fileSize: bytes.length }, parsed, log);
      expect(formatJsonEntry(entry)).toBe(reference(entry));
    }
  });
});
