import { describe, expect, it } from 'vitest';
import { decodeClientMessage, decodeServerMessage, encodeMessage, joinBatchParts, PROTOCOL_VERSION } from '../../src/remote/protocol.js';
import { encodeBatch } from '../../src/remote/batch-wire.js';
import { checkRemoteEntry } from '../../src/remote/remote-entry.js';
import { createLineSplitter } from '../../src/remote/line-splitter.js';
import { batch, corpusEntries, makeEntry } from '../store/fixtures.js';

const decodeBatchLines = (lines: string[]) =>
  lines.map((l) => {
    const d = decodeServerMessage(l.trimEnd());
    if (!('message' in d) || d.message.t !== 'batch') throw new Error(JSON.stringify(d));
    return d.message;
  });

describe('fleet protocol', () => {
  it('carries every corpus entry across unchanged, in parts of bounded size', () => {
    const entries = corpusEntries();
    expect(entries.length).toBeGreaterThan(30);
    const lines = encodeBatch(batch(entries, ['AAAAAAAAAA'], { full: true }), 7);
    expect(lines.length).toBe(Math.ceil(entries.length / 7));
    const parts = decodeBatchLines(lines);
    expect(parts.map((p) => p.more)).toEqual([...Array(lines.length - 1).fill(true), false]);
    const joined = joinBatchParts(parts.map((p) => p.batch));
    expect(joined.upserts).toEqual(JSON.parse(JSON.stringify(entries)));
    expect(joined.removals).toEqual(['AAAAAAAAAA']);
    expect(joined.full).toBe(true);
  });

  it('sends a text that repeats in a line once (delay reasons, senders, subjects), and decodes it back in place', () => {
    const reason = 'delivery temporarily suspended: connect to mx.example.net[192.0.2.7]:25: Connection timed out';
    const entries = Array.from({ length: 200 }, (_, i) => makeEntry(`ABCDEF${(0x10000 + i).toString(16).toUpperCase()}`, { sender: 'bulk@lists.example.org', subject: 'Your weekly digest', to: [`a${i}@x.test`, `b${i}@x.test`], reasons: [reason, reason] }));
    const [line] = encodeBatch(batch(entries));
    expect(line!.split(reason).length - 1).toBe(1);
    expect(line!.split('bulk@lists.example.org').length - 1).toBe(1);
    const plain = encodeMessage({ t: 'batch', batch: batch(entries), more: false });
    expect(line!.length).toBeLessThan(plain.length * 0.7);
    const [part] = decodeBatchLines([line!]);
    expect(part!.batch.upserts).toEqual(JSON.parse(JSON.stringify(entries)));
    // An index the table does not hold, or a table of other than texts, is refused.
    const o = JSON.parse(line!) as { strings: string[]; batch: { upserts: Array<{ sender: unknown; recipients: Array<{ delayReason: unknown }> }> } };
    o.batch.upserts[3]!.recipients[1]!.delayReason = o.strings.length;
    expect(decodeServerMessage(JSON.stringify(o))).toEqual({ error: expect.stringMatching(/bad batch: recipient of ABCDEF10003/) });
    o.batch.upserts[3]!.recipients[1]!.delayReason = 0;
    o.batch.upserts[5]!.sender = -1;
    expect(decodeServerMessage(JSON.stringify(o))).toEqual({ error: expect.stringMatching(/bad batch: sender of ABCDEF10005/) });
    expect(decodeServerMessage(JSON.stringify({ ...o, strings: [1] }))).toEqual({ error: 'bad batch: strings' });
  });

  it('refuses what a hostile remote could send: paths out of the queue, bad ids, queue names, numbers', () => {
    const good = makeEntry('ABCDEF12345');
    expect(checkRemoteEntry(good)).toEqual(good);
    expect(checkRemoteEntry({ ...good, path: '../../etc/shadow' })).toMatch(/path/);
    expect(checkRemoteEntry({ ...good, path: 'deferred/../../etc/ABCDEF12345' })).toMatch(/path/);
    // Hash levels: up to four, of one letter or digit each, in the entry's own queue.
    for (const path of ['deferred/ABCDEF12345', 'deferred/A/ABCDEF12345', 'deferred/A/B/c/9/ABCDEF12345']) expect(checkRemoteEntry({ ...good, path })).toEqual({ ...good, path });
    for (const path of ['deferred/A/B/C/D/E/ABCDEF12345', 'deferred/AB/ABCDEF12345', 'deferred//ABCDEF12345', 'deferred/./ABCDEF12345', '/deferred/ABCDEF12345', 'active/A/ABCDEF12345', 'deferredA/ABCDEF12345', 'deferred/A/XABCDEF12345', 'deferred/A/ABCDEF12345/', 'ABCDEF12345'])
      expect(checkRemoteEntry({ ...good, path }), path).toMatch(/path/);
    expect(checkRemoteEntry({ ...good, queueId: '../x' })).toMatch(/queue id/);
    expect(checkRemoteEntry({ ...good, queueName: 'etc' })).toMatch(/queue name/);
    expect(checkRemoteEntry({ ...good, arrivalTime: 'soon' })).toMatch(/arrivalTime/);
    expect(checkRemoteEntry({ ...good, recipients: [{ address: 5 }] })).toMatch(/recipient/);
    const line = encodeMessage({ t: 'batch', batch: batch([{ ...good, path: '/etc/passwd' }]), more: false });
    expect(decodeServerMessage(line.trimEnd())).toEqual({ error: expect.stringMatching(/bad batch: path/) });
  });

  it('keeps control characters as data (the UI sanitizes them), never fails on them', () => {
    const hostile = makeEntry('ABCDEF12345', { sender: '\x1b]52;c;AAAA\x07evil@x', to: ['a\u202Eb@x'] });
    const d = decodeServerMessage(encodeMessage({ t: 'batch', batch: batch([hostile]), more: false }).trimEnd());
    expect('message' in d && d.message.t === 'batch' && d.message.batch.upserts[0]!.sender).toBe(hostile.sender);
  });

  it('says what is wrong with a line instead of throwing', () => {
    expect(decodeServerMessage('not json')).toEqual({ error: 'not JSON' });
    expect(decodeServerMessage('[1]')).toEqual({ error: 'not a JSON object' });
    expect(decodeServerMessage('{"t":"nope"}')).toEqual({ error: 'unknown message type "nope"' });
    expect(decodeClientMessage('{"t":"action","req":1,"action":"hold","targets":[{"queueId":"../x","queueName":"hold"}]}')).toEqual({ error: 'malformed action request' });
    expect(decodeClientMessage('{"t":"action","req":1,"action":"rm -rf","targets":[]}')).toEqual({ error: 'malformed action request' });
    expect(decodeClientMessage('{"t":"read","req":2,"queueId":"ABCDEF12345","path":"deferred/A/ABCDEF12345"}')).toEqual({ message: { t: 'read', req: 2, queueId: 'ABCDEF12345', path: 'deferred/A/ABCDEF12345' } });
    // A later window of the same file; a malformed one is refused, not read as a first read.
    const window = { offset: 8388608, length: 2097152, identity: { dev: 2049, ino: 77 } };
    expect(decodeClientMessage(JSON.stringify({ t: 'read', req: 3, queueId: 'ABCDEF12345', path: 'deferred/A/ABCDEF12345', window }))).toEqual({ message: { t: 'read', req: 3, queueId: 'ABCDEF12345', path: 'deferred/A/ABCDEF12345', window } });
    expect(decodeClientMessage(JSON.stringify({ t: 'read', req: 3, queueId: 'ABCDEF12345', path: 'deferred/A/ABCDEF12345', window: { ...window, offset: -1 } }))).toEqual({ error: 'malformed read window' });
    // An answer's size and identity come through whole or not at all.
    const facts = { path: 'deferred/A/ABCDEF12345', size: 9000000, identity: { dev: 2049, ino: 77 } };
    expect(decodeServerMessage(JSON.stringify({ t: 'bytes', req: 3, data: 'AA==', error: null, ...facts }))).toEqual({ message: { t: 'bytes', req: 3, data: 'AA==', error: null, ...facts } });
    expect(decodeServerMessage(JSON.stringify({ t: 'bytes', req: 3, data: 'AA==', error: null, ...facts, identity: { dev: 'x' } }))).toEqual({ message: { t: 'bytes', req: 3, data: 'AA==', error: null } });
  });

  it('passes a hello of another protocol version through so the caller can name both versions', () => {
    const d = decodeServerMessage(JSON.stringify({ t: 'hello', protocol: PROTOCOL_VERSION + 1, version: '9.0.0', host: 'mx9', queueDirectory: '/q' }));
    expect('message' in d && d.message.t === 'hello' && d.message.protocol).toBe(PROTOCOL_VERSION + 1);
  });
});

describe('line splitter', () => {
  it('joins lines split across chunks (multi-byte characters too) and drops an over-long line whole', () => {
    const lines: string[] = [];
    const overflows: number[] = [];
    const s = createLineSplitter((l) => lines.push(l), 16, (n) => overflows.push(n));
    const text = Buffer.from('{"a":"é"}\n' + 'x'.repeat(40) + '\nshort\n');
    for (let i = 0; i < text.length; i += 3) s.push(text.subarray(i, i + 3));
    expect(lines).toEqual(['{"a":"é"}', 'short']);
    expect(overflows).toEqual([40]);
  });
});
