/**
 * The serve's credit window (protocol 2), in process: runServe over in-memory streams with a
 * watcher that hands over its whole index at once, as a fast index does. Without the window
 * the serve wrote every line at once, and a slow console left the rest backed up in the
 * pipes and in the `ssh` client between them.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runServe } from '../../src/remote/serve.js';
import { decodeServerMessage, joinBatchParts, PROTOCOL_VERSION, type ServerMessage } from '../../src/remote/protocol.js';
import { defaultSpoolConfig } from '../../src/config/spool-config.js';
import { createReadOnlyBackend } from '../../src/actions/read-only-backend.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { batch, makeEntry } from '../store/fixtures.js';

const id = (i: number) => (0x10000000000 + i).toString(16).toUpperCase();
const entries = Array.from({ length: 1500 }, (_, i) => makeEntry(id(i), { to: [`user${i}@example.com`], reasons: ['connect to mx.example.com[192.0.2.1]:25: Connection timed out'] }));

function startServe() {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: Array<{ text: string; bytes: number }> = [];
  let rest = '';
  output.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop()!;
    for (const text of parts) lines.push({ text, bytes: Buffer.byteLength(text) + 1 });
  });
  const exit = runServe({
    config: defaultSpoolConfig('/nonexistent'),
    backend: createReadOnlyBackend(),
    host: 'mx-test',
    version: '0.1.0',
    input,
    output,
    // The whole index in three batches at once; `ready` once they are handed over.
    createWatcher: (sink, onStatus) => ({
      async start() {
        for (let i = 0; i < entries.length; i += 500) sink(batch(entries.slice(i, i + 500), [], { full: i === 0 }));
        onStatus({ mode: 'live', message: null });
      },
      stop() {},
    }),
    readMessage: () => null,
    heartbeatMs: 3_600_000,
  });
  const send = (m: object) => input.write(`${JSON.stringify(m)}\n`);
  const decoded = (): ServerMessage[] => lines.map((l) => decodeServerMessage(l.text)).map((d) => ('message' in d ? d.message : ({ t: 'fatal', message: d.error } as ServerMessage)));
  const written = () => lines.reduce((n, l) => n + l.bytes, 0);
  return { input, exit, send, lines, decoded, written };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('serve --stdio: the credit window', () => {
  it('sends no more than the window (and one part) unacknowledged, the rest as the client acks, `ready` after the last row', async () => {
    const s = startServe();
    const window = 20_000;
    s.send({ t: 'hello', protocol: PROTOCOL_VERSION, version: '0.1.0', window });
    for (let i = 0; i < 5; i++) await turn();
    const longest = () => Math.max(...s.lines.map((l) => l.bytes));
    // Held back: the hello and some parts, far from the ~300 KB of the whole index.
    expect(s.written()).toBeLessThan(window + longest());
    expect(s.written()).toBeGreaterThan(window / 2);
    expect(s.decoded().some((m) => m.t === 'ready')).toBe(false);
    // A ping still gets its answer at once, with the window full.
    s.send({ t: 'ping', at: 42 });
    await turn();
    expect(s.decoded().at(-1)).toMatchObject({ t: 'beat', echo: 42 });
    // The client acks all it has read, turn after turn: never more than the window (and one line) in flight.
    let acked = 0;
    for (let round = 0; round < 500 && !s.decoded().some((m) => m.t === 'ready'); round++) {
      expect(s.written() - acked).toBeLessThan(window + longest());
      const read = s.written();
      s.send({ t: 'ack', bytes: read - acked });
      acked = read;
      await turn();
      await turn();
    }
    const messages = s.decoded();
    expect(messages.at(-1)).toEqual({ t: 'ready' });
    const batches = messages.filter((m): m is Extract<ServerMessage, { t: 'batch' }> => m.t === 'batch');
    expect(batches.length).toBe(6); // parts of at most 250 entries: two of each
    expect(joinBatchParts(batches.map((b) => b.batch) as SpoolBatch[]).upserts.map((e) => e.queueId)).toEqual(entries.map((e) => e.queueId));
    // The watcher's first batch, whole, then the two that waited behind it for the window as one.
    expect(batches.filter((b) => !b.more).length).toBe(2);
    expect(messages.findIndex((m) => m.t === 'status')).toBeGreaterThan(messages.findLastIndex((m) => m.t === 'batch'));
    s.input.end();
    expect(await s.exit).toBe(0);
  });

  it('refuses a console of the protocol before (and protocol 1: no window, no acks), naming both versions', async () => {
    for (const old of new Set([PROTOCOL_VERSION - 1, 1])) {
      const s = startServe();
      s.send({ t: 'hello', protocol: old, version: '0.0.9' });
      expect(await s.exit).toBe(2);
      const fatal = s.decoded().find((m) => m.t === 'fatal');
      expect(fatal).toMatchObject({ message: expect.stringContaining(`speaks ${PROTOCOL_VERSION}, the console 0.0.9 speaks ${old}`) });
      expect(s.decoded().some((m) => m.t === 'batch')).toBe(false);
    }
  });
});
