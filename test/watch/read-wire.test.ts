/**
 * The wire form between read workers and the main thread: every read of the corpus spool
 * (damaged and corrupt files included) comes back deep-equal after encode + a real structured
 * clone + decode; reads the flat layout does not cover travel whole and come back equal too.
 */
import { afterAll, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { walkTree } from '../../src/watch/list-tree.js';
import { readEntryWithStats, type EntryRead } from '../../src/watch/read-entry.js';
import { decodeReads, encodeReads, type WireSlice } from '../../src/watch/read-wire.js';
import { copyCorpusSpool } from '../helpers/corpus.js';

const copy = copyCorpusSpool('basic');
afterAll(() => copy.cleanup());
const config = resolveSpoolConfig({ spool: copy.spool });

/** What crosses: the transfer list moves the numbers, the rest is cloned. */
const cross = (slice: WireSlice, reads: Array<EntryRead | null>) => {
  const wire = encodeReads(reads, slice);
  return decodeReads(structuredClone(wire, { transfer: [wire.numbers.buffer as ArrayBuffer] }), slice);
};

const slices: Array<{ slice: WireSlice; reads: Array<EntryRead | null> }> = [];
for (const queueName of QUEUE_NAMES) {
  for (const dir of walkTree(config.queueDirectory, queueName, queueName !== 'maildrop')) {
    const slice = { queueName, dir: dir.rel, ids: dir.ids };
    slices.push({ slice, reads: dir.ids.map((id) => readEntryWithStats(config, queueName, `${dir.rel}/${id}`, id)) });
  }
}

test('every read of the corpus spool crosses unchanged, damaged and corrupt files included', () => {
  const reads = slices.flatMap((s) => s.reads.filter((r) => r !== null));
  expect(reads.length).toBeGreaterThan(30);
  expect(reads.some((r) => r!.entry.diagnostics.length > 0)).toBe(true);
  expect(reads.some((r) => r!.entry.queueName === 'corrupt')).toBe(true);
  expect(reads.some((r) => r!.deferSig !== null)).toBe(true);
  expect(reads.some((r) => r!.entry.subject === null)).toBe(true);
  for (const { slice, reads } of slices) expect(cross(slice, reads)).toEqual(reads);
});

test('the client attributes and create_time of smtpd mail cross in the flat form (no read sent whole)', () => {
  const smtp = slices.filter((s) => s.reads.some((r) => r?.entry.client));
  expect(smtp.length).toBeGreaterThan(0);
  for (const { slice, reads } of smtp) {
    const wire = encodeReads(reads, slice);
    // objects hold only diagnostics lists here: a read sent WHOLE would add an EntryRead.
    expect(wire.objects.every((o) => Array.isArray(o))).toBe(true);
    const back = cross(slice, reads);
    expect(back).toStrictEqual(reads);
    const withClient = back.find((r) => r?.entry.client)!.entry;
    expect(withClient.client).toMatchObject({ clientName: 'localhost', clientAddress: '127.0.0.1', heloName: 'client.basic-corpus.test', protocolName: 'ESMTP', saslUsername: null });
    expect(withClient.createTime).toBeGreaterThan(1.7e9);
  }
});

test('a slice mixing gone files, plain reads and reads the flat form does not cover', () => {
  const { slice, reads } = slices.find((s) => s.reads.length >= 3 && s.reads.every((r) => r !== null))!;
  const ids = [...slice.ids, 'GONE0000001', 'ELSEWHERE01', 'EXTRAFIELD1', 'RCPTFIELD01'];
  const [a, b] = reads as EntryRead[];
  const elsewhere: EntryRead = { ...a!, entry: { ...a!.entry, queueId: 'ELSEWHERE01', path: 'hold/ELSEWHERE01' } };
  const extra = { ...b!, entry: { ...b!.entry, queueId: 'EXTRAFIELD1', path: `${slice.dir}/EXTRAFIELD1`, later: 'a field added to QueueEntry' } } as EntryRead;
  const rcptExtra = { ...b!, entry: { ...b!.entry, queueId: 'RCPTFIELD01', path: `${slice.dir}/RCPTFIELD01`, recipients: [{ address: 'a@b', delayReason: '', dsn: '4.4.1' }] } } as unknown as EntryRead;
  const mixed = [...reads, null, elsewhere, extra, rcptExtra];
  const back = cross({ ...slice, ids }, mixed);
  expect(back).toEqual(mixed);
  expect(back.at(-2)!.entry).toHaveProperty('later', 'a field added to QueueEntry');
  expect(back.at(-1)!.entry.recipients[0]).toHaveProperty('dsn', '4.4.1');
});

test('repeated strings cross once per slice, and decoded entries share them', () => {
  const { slice, reads } = slices.reduce((best, s) => (s.reads.length > best.reads.length ? s : best));
  const wire = encodeReads(reads, slice);
  const clientValues = (r: EntryRead) => Object.values(r.entry.client ?? {}).filter((v): v is string => typeof v === 'string');
  const all = reads.flatMap((r) => (r ? [r.entry.sender, r.entry.state, ...(r.entry.subject === null ? [] : [r.entry.subject]), ...clientValues(r), ...r.entry.recipients.flatMap((x) => [x.address, x.delayReason])] : []));
  expect(wire.strings.length).toBe(new Set(all).size);
  expect(wire.strings.length).toBeLessThan(all.length);
});

test('decoding interns each distinct delay reason once per slice, whole reads included', () => {
  const { slice, reads } = slices.reduce((best, s) => (s.reads.length > best.reads.length ? s : best));
  const whole = { ...reads[0]!, entry: { ...reads[0]!.entry, queueId: 'WHOLE000001', path: 'hold/WHOLE000001' } };
  const asked: string[] = [];
  const both = { ...slice, ids: [...slice.ids, 'WHOLE000001'] };
  const back = decodeReads(structuredClone(encodeReads([...reads, whole], both)), both, (s) => (asked.push(s), `interned:${s}`));
  const reasons = [...reads, whole].flatMap((r) => r!.entry.recipients.map((x) => x.delayReason));
  expect(back.flatMap((r) => r!.entry.recipients.map((x) => x.delayReason))).toEqual(reasons.map((s) => `interned:${s}`));
  const flatReasons = new Set(reads.flatMap((r) => r!.entry.recipients.map((x) => x.delayReason)));
  expect(asked.length).toBe(flatReasons.size + whole.entry.recipients.length);
});

test('decoding shares each distinct sender, address and subject once per slice (the index keeps one copy)', () => {
  const { slice, reads } = slices.reduce((best, s) => (s.reads.length > best.reads.length ? s : best));
  const asked: string[] = [];
  const back = decodeReads(structuredClone(encodeReads(reads, slice)), slice, undefined, (s) => (asked.push(s), `shared:${s}`));
  const flat = reads.filter((r) => r !== null);
  expect(back.map((r) => r!.entry.sender)).toEqual(flat.map((r) => `shared:${r!.entry.sender}`));
  expect(back.flatMap((r) => r!.entry.recipients.map((x) => x.address))).toEqual(flat.flatMap((r) => r!.entry.recipients.map((x) => `shared:${x.address}`)));
  expect(back.map((r) => r!.entry.subject)).toEqual(flat.map((r) => (r!.entry.subject === null ? null : `shared:${r!.entry.subject}`)));
  // Once per distinct string: a bulk queue repeats its senders and addresses.
  expect(asked.length).toBe(new Set(asked).size);
  // The reasons are not shared this way (they go through intern, which flattens).
  expect(back.flatMap((r) => r!.entry.recipients.map((x) => x.delayReason))).toEqual(flat.flatMap((r) => r!.entry.recipients.map((x) => x.delayReason)));
});

test('entries without diagnostics share one frozen empty list, read here or across the wire', () => {
  const flat = slices.flatMap((s) => s.reads.filter((r) => r !== null));
  const clean = flat.filter((r) => r!.entry.diagnostics.length === 0);
  expect(clean.length).toBeGreaterThan(10);
  expect(new Set(clean.map((r) => r!.entry.diagnostics)).size).toBe(1);
  expect(Object.isFrozen(clean[0]!.entry.diagnostics)).toBe(true);
});
