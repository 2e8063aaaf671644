/**
 * The snapshot's rows (format 3): every read of the corpus spool (damaged and corrupt files
 * included) comes back deep-equal after rows are written, serialized and read a row at a time,
 * in any order; reads the flat layout does not cover come back equal too; the stored figures
 * match the file's and its defer log's signatures exactly, and any one of them changed (device,
 * inode, size, mode, mtime, ctime of the file; device, inode, size, mtime, ctime of the log) no
 * longer matches.
 */
import { afterAll, expect, test } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import { walkTree } from '../../src/watch/list-tree.js';
import { readEntryWithStats, type EntryRead } from '../../src/watch/read-entry.js';
import { DEFER_ABSENT, DEFER_NOT_READ, DEFER_PRESENT, rowOffsets, RowsReader, RowsWriter, sameFigures, type LogFigures, type RowsData } from '../../src/watch/snapshot-rows.js';
import { FOUND, LOG_AT, STAT_WIDTH } from '../../src/watch/stat-figures.js';
import { copyCorpusSpool } from '../helpers/corpus.js';

const copy = copyCorpusSpool('basic');
afterAll(() => copy.cleanup());
const config = resolveSpoolConfig({ spool: copy.spool });
const DEV = 2049;

const dirs: Array<{ queueName: QueueName; dir: string; reads: EntryRead[] }> = [];
for (const queueName of QUEUE_NAMES) {
  for (const dir of walkTree(config.queueDirectory, queueName, queueName !== 'maildrop')) {
    const reads = dir.ids.map((id) => readEntryWithStats(config, queueName, `${dir.rel}/${id}`, id)).filter((r): r is EntryRead => r !== null);
    if (reads.length > 0) dirs.push({ queueName, dir: dir.rel, reads });
  }
}

/** A defer log's figures, different for each file (and on another device for every third). */
const logOf = (read: EntryRead, i: number): LogFigures => {
  if (!read.deferRead) return { kind: DEFER_NOT_READ, dev: 0, ino: 0, size: 0, mtimeMs: 0, ctimeMs: 0 };
  if (read.deferSig === null) return { kind: DEFER_ABSENT, dev: 0, ino: 0, size: 0, mtimeMs: 0, ctimeMs: 0 };
  return { kind: DEFER_PRESENT, dev: i % 3 === 0 ? DEV + 1 : DEV, ino: 9000 + i, size: 300 + i, mtimeMs: 1.7e12 + i + 0.25, ctimeMs: read.deferSig };
};

/** Rows written, then through the bytes a snapshot stores. */
function stored(queueName: QueueName, dir: string, reads: EntryRead[]): RowsData {
  const writer = new RowsWriter(queueName, dir, DEV);
  reads.forEach((read, i) => writer.add(read, logOf(read, i)));
  return deserialize(serialize(writer.finish())) as RowsData;
}

/** The lstat figures (stat-figures.ts layout) the row's file and log have now: equal to what was captured. */
function figuresOf(read: EntryRead, log: LogFigures): Float64Array {
  const f = new Float64Array(STAT_WIDTH);
  f.set([FOUND, DEV, read.sig.ino, read.sig.size, read.sig.mode, read.sig.mtimeMs, read.sig.ctimeMs]);
  f.set([FOUND, log.dev, log.ino, log.size, 0o100600, log.mtimeMs, log.ctimeMs], LOG_AT);
  return f;
}

test('every read of the corpus spool comes back unchanged, a row at a time and in any order', () => {
  const all = dirs.flatMap((d) => d.reads);
  expect(all.length).toBeGreaterThan(30);
  expect(all.some((r) => r.entry.diagnostics.length > 0)).toBe(true);
  expect(all.some((r) => r.entry.queueName === 'corrupt')).toBe(true);
  expect(all.some((r) => r.entry.client)).toBe(true);
  expect(all.some((r) => r.deferSig !== null)).toBe(true);
  for (const n of [0, 1, 2]) expect(all.some((r) => Math.min(r.entry.recipients.length, 2) === n), `${n} recipients`).toBe(true);
  for (const { queueName, dir, reads } of dirs) {
    const data = stored(queueName, dir, reads);
    const at = rowOffsets(data)!;
    expect(at).not.toBeNull();
    const reader = new RowsReader(data, queueName, dir, (s) => s, (s) => s);
    // Last to first: each row is found by its own offsets, not by reading the ones before it.
    for (let i = reads.length - 1; i >= 0; i--) {
      expect(reader.readAt(i, at.u[i]!, at.f[i]!)).toStrictEqual(reads[i]);
      expect(sameFigures(data, at.u[i]!, at.f[i]!, figuresOf(reads[i]!, logOf(reads[i]!, i)), 0, LOG_AT)).toBe(true);
    }
  }
});

test('reads the flat layout does not cover (another field, an entry not at its place) come back whole and equal', () => {
  const { queueName, dir, reads } = dirs.find((d) => d.queueName === 'deferred' && d.reads.length >= 2)!;
  const [a, b] = reads as [EntryRead, EntryRead];
  const odd: EntryRead[] = [
    { ...a, entry: { ...a.entry, host: 'mx1' } },
    b,
    { ...b, entry: { ...b.entry, mtime: b.entry.mtime + 5, fileSize: 1, mode: 0o100700 } },
  ];
  const data = stored(queueName, dir, odd);
  const at = rowOffsets(data)!;
  const reader = new RowsReader(data, queueName, dir, (s) => s, (s) => s);
  expect(data.objects.some((o) => (o as EntryRead).entry?.host === 'mx1')).toBe(true);
  odd.forEach((read, i) => expect(reader.readAt(i, at.u[i]!, at.f[i]!)).toStrictEqual(read));
});

test('any one figure of the file or of its defer log changed no longer matches', () => {
  const { queueName, dir, reads } = dirs.find((d) => d.reads.some((r) => r.deferSig !== null))!;
  const data = stored(queueName, dir, reads);
  const at = rowOffsets(data)!;
  const i = reads.findIndex((r) => r.deferSig !== null);
  const base = figuresOf(reads[i]!, logOf(reads[i]!, i));
  expect(sameFigures(data, at.u[i]!, at.f[i]!, base, 0, LOG_AT)).toBe(true);
  // The file's dev, ino, size, mode, mtime, ctime; the log's dev, ino, size, mtime, ctime.
  for (const k of [1, 2, 3, 4, 5, 6, LOG_AT + 1, LOG_AT + 2, LOG_AT + 3, LOG_AT + 5, LOG_AT + 6]) {
    const changed = Float64Array.from(base);
    changed[k] = changed[k]! + 0.001;
    expect(sameFigures(data, at.u[i]!, at.f[i]!, changed, 0, LOG_AT), `figure ${k}`).toBe(false);
  }
});

test('rows that do not add up to their ids are refused', () => {
  const { queueName, dir, reads } = dirs[0]!;
  const data = stored(queueName, dir, reads);
  expect(rowOffsets({ ...data, ids: [...data.ids, 'EXTRA000001'] })).toBeNull();
  expect(rowOffsets({ ...data, u32: data.u32.subarray(0, data.u32.length - 1) })).toBeNull();
  expect(rowOffsets({ ...data, f64: data.f64.subarray(0, data.f64.length - 1) })).toBeNull();
});
