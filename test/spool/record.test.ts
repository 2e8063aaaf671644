import { describe, expect, it } from 'vitest';
import { RecordReader } from '../../src/spool/record.js';
import { encodeLength, ptr, rec } from '../helpers/records.js';

function readAll(buf: Buffer, options = {}) {
  const reader = new RecordReader(buf, 0, options);
  const out: Array<[string, string]> = [];
  for (let r = reader.next(); r; r = reader.next()) out.push([String.fromCharCode(r.type), r.data.toString('latin1')]);
  return { out, reader };
}

describe('record length encoding (little-endian base-128)', () => {
  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2048, '8010'],
    [16384, '808001'],
  ])('length %i is %s and reads back', (length, hex) => {
    expect(encodeLength(length).toString('hex')).toBe(hex);
    const buf = rec('N', 'x'.repeat(length));
    const { out, reader } = readAll(buf);
    expect(reader.error).toBeNull();
    expect(out[0]![1]).toHaveLength(length);
  });
});

describe('RecordReader', () => {
  it('stops after the end record: bytes after E are only reachable through pointers', () => {
    const { out } = readAll(Buffer.concat([rec('S', 'a@b'), rec('E'), rec('R', 'heap@x')]));
    expect(out.map((r) => r[0])).toEqual(['S', 'E']);
  });

  it('follows a pointer into the heap and back, hiding pointers and padding', () => {
    // S, p->heap, w, N "after", X, E, heap: N "edited", p->back
    const head = Buffer.concat([rec('S', 'a@b')]);
    const pointerAt = head.length;
    const pointerLen = ptr(0).length;
    const padding = rec('w', 'pad');
    const backTarget = pointerAt + pointerLen + padding.length;
    const tail = Buffer.concat([rec('N', 'after'), rec('X'), rec('E')]);
    const heapAt = backTarget + tail.length;
    const file = Buffer.concat([head, ptr(heapAt), padding, tail, rec('N', 'edited'), ptr(backTarget)]);
    const { out, reader } = readAll(file);
    expect(reader.error).toBeNull();
    expect(out).toEqual([
      ['S', 'a@b'],
      ['N', 'edited'],
      ['N', 'after'],
      ['X', ''],
      ['E', ''],
    ]);
  });

  it('a dummy pointer (0) is skipped, not followed', () => {
    const { out } = readAll(Buffer.concat([rec('S', 'a'), ptr(0), rec('E')]));
    expect(out.map((r) => r[0])).toEqual(['S', 'E']);
  });

  it('raw mode returns pointers and padding without following them', () => {
    const file = Buffer.concat([rec('S', 'a'), ptr(0), rec('w', ''), rec('E')]);
    const { out } = readAll(file, { raw: true, followPointers: false });
    expect(out.map((r) => r[0])).toEqual(['S', 'p', 'w', 'E']);
  });

  it('a pointer loop ends in an error, not a hang', () => {
    const file = Buffer.concat([rec('S', 'a'), ptr(0)]);
    // Point the pointer at itself.
    const self = Buffer.concat([rec('S', 'a'), ptr(rec('S', 'a').length)]);
    expect(readAll(file).reader.error).toBeNull();
    const { reader } = readAll(self);
    expect(reader.error?.problem).toMatch(/reverse jump|loop/);
  });

  it('a length past the end of the file is an error with offset and type, not an allocation', () => {
    const file = Buffer.concat([rec('S', 'a'), Buffer.from([0x54, 0xff, 0xff, 0xff, 0x7f]), Buffer.from('1795895002 1')]);
    const { out, reader } = readAll(file);
    expect(out).toHaveLength(1);
    expect(reader.error).toEqual({ offset: 3, recordType: 0x54, problem: 'unexpected EOF in data, record type 84 length 268435455' });
  });

  it.each([
    ['truncated length', Buffer.from([0x53, 0x80]), 'unexpected EOF reading length'],
    ['six length bytes', Buffer.from([0x53, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 'too many length bits'],
    ['malformed pointer', rec('p', 'abc'), 'malformed pointer record value'],
    ['pointer past the end', ptr(999), 'past the end of the file'],
  ])('%s is reported', (_name, file, problem) => {
    const { reader } = readAll(file);
    expect(reader.error?.problem).toContain(problem);
    expect(reader.error?.offset).toBe(0);
  });

  it('EOF on a record boundary is not an error (the consumer decides)', () => {
    const { reader } = readAll(rec('S', 'a'));
    expect(reader.error).toBeNull();
    expect(reader.atEof).toBe(true);
  });
});
