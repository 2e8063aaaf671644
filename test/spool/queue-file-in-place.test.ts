/**
 * parseQueueFile reads records in place (RecordReader.advance(), addresses and attribute names
 * read from the window): the same result, diagnostics and offsets included, as the parse that
 * made a record object and a view per record (test/helpers/queue-file-before.ts), for every
 * corpus queue file and damaged copies of each (bytes flipped, cut short, a huge length, a
 * pointer loop, pointers rewritten, two files spliced), whole or read window by window. Without
 * the `originalRecipients` option the recipients carry no original recipient (nothing lists it),
 * and header lines are classified in the reader's window: no view per header record.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseQueueFile, type ParseOptions } from '../../src/spool/queue-file.js';
import type { QueueName } from '../../src/domain/queue.js';
import { showqAddress, showqAddressIn } from '../../src/spool/printable.js';
import * as fz from '../helpers/fuzz.js';
import { parseQueueFileBefore } from '../helpers/queue-file-before.js';
import { buildQueueFile } from '../../src/spool/queue-file-writer.js';
import { RecordReader } from '../../src/spool/record.js';
import { REC } from '../../src/spool/rec-type.js';

/** Both parses of `bytes`: whole, and from a first window of `first` bytes with fetch for the rest. */
function expectSame(bytes: Buffer, queueName: QueueName, name: string, first?: number): void {
  const options = (): ParseOptions => {
    if (first === undefined) return { queueName, fileSize: bytes.length };
    return { queueName, fileSize: bytes.length, fetch: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) };
  };
  const head = first === undefined ? bytes : bytes.subarray(0, first);
  const before = parseQueueFileBefore(head, options());
  expect(parseQueueFile(head, { ...options(), originalRecipients: true }), name).toEqual(before);
  expect(parseQueueFile(head, { ...options(), skipContent: false, originalRecipients: true }), name).toEqual(parseQueueFileBefore(head, { ...options(), skipContent: false }));
  // A listing's parse (no originalRecipients option): the same without the O records' addresses.
  const withoutOriginal = { ...before, recipients: before.recipients.map(({ originalRecipient: _, ...rest }) => rest) };
  expect(parseQueueFile(head, options()), name).toStrictEqual(withoutOriginal);
}

describe('parseQueueFile in place', () => {
  it('equals the record-object parse for every corpus queue file and damaged copies, whole and by windows', () => {
    const files = fz.loadCorpusFiles('queue');
    expect(files.length).toBeGreaterThan(20);
    const rng = fz.createRng(20261205);
    let damaged = 0;
    for (const file of files) {
      const queueName = file.queueName as QueueName;
      expectSame(file.bytes, queueName, file.name);
      expectSame(file.bytes, queueName, `${file.name} by windows`, Math.min(file.bytes.length, 64));
      for (let i = 0; i < 6; i++) {
        const mutations = [
          () => fz.flipBytes(file.bytes, rng),
          () => file.bytes.subarray(0, rng.int(file.bytes.length + 1)),
          () => fz.hugeLength(file.bytes, rng),
          () => fz.pointerLoop(file.bytes, rng),
          () => fz.rewriteExistingPointers(file.bytes, rng) ?? fz.flipBytes(file.bytes, rng),
          () => fz.splice(file.bytes, files[rng.int(files.length)]!.bytes, rng),
        ];
        const bytes = mutations[i % mutations.length]!();
        damaged++;
        expectSame(bytes, queueName, `${file.name} damaged ${i}`);
        expectSame(bytes, queueName, `${file.name} damaged ${i} by windows`, Math.min(bytes.length, 1 + rng.int(200)));
      }
    }
    expect(damaged).toBeGreaterThan(100);
  });

  it('an address read in place is showqAddress of its bytes: dots, quotes, specials, 8-bit, empty, and a range inside a larger buffer', () => {
    const addresses = ['a@b', 'a.b@c', '.a@b', 'a.@b', 'a..b@c', 'a b@c', 'a"b@c', 'a@b@c', 'a(b)@c', 'noat', 'no.at.', 'x@', '@y', 'é@x', 'a\x01@b', 'a\x7f@b', '', 'MAILER-DAEMON', 'a.b', 'a..', '..'];
    for (const address of addresses) {
      for (const [before, after] of [['', ''], ['.', '.'], ['..', '..'], ['@', '@'], ['x', 'y']] as const) {
        const bytes = Buffer.from(`${before}${address}${after}`, 'latin1');
        const start = before.length;
        const end = start + Buffer.byteLength(address, 'latin1');
        expect(showqAddressIn(bytes, start, end, 'EMPTY'), JSON.stringify([before, address, after])).toBe(showqAddress(Buffer.from(address, 'latin1'), 'EMPTY'));
      }
    }
  });

  it('classifies header lines in the reader\'s window: no data view per header record, one for a line split over L records', () => {
    const headers = Array.from({ length: 30 }, (_, i) => `X-Header-${i}: value ${i}`).join('\n');
    const built = buildQueueFile({
      arrival: { seconds: 1795894992, microseconds: 0 },
      sender: 'alice@corp.example',
      recipients: [{ address: 'bob@example.org', originalRecipient: 'bob@example.org' }],
      content: `${headers}\nSubject: ${'long '.repeat(500)}end\nX-After: 1\n\nbody\n`,
    });
    const viewsOf = new Map<number, number>();
    const data = vi.spyOn(RecordReader.prototype, 'data');
    data.mockImplementation(function (this: RecordReader) {
      viewsOf.set(this.type, (viewsOf.get(this.type) ?? 0) + 1);
      return this.window.subarray(this.dataStart, this.dataEnd);
    });
    try {
      const parsed = parseQueueFile(built.bytes, { queueName: 'deferred' });
      expect(parsed.subject).toBe(`${'long '.repeat(500)}end`);
    } finally {
      data.mockRestore();
    }
    // 31 one-record header lines and the blank line: no view (the parse before made one each);
    // the Subject of 2,512 bytes, split by the writer into an L record and an N, is joined.
    expect(viewsOf.get(REC.NORM) ?? 0).toBe(1);
    expect(viewsOf.get(REC.CONT) ?? 0).toBeGreaterThan(0);
  });
});
