/**
 * Building blocks for the spool fuzz test: a seeded PRNG (so a failure reproduces from its
 * seed), the corpus's real queue files and logs as seeds, and mutators that damage them the
 * ways disks, crashes and attackers do: truncation, flipped bytes, huge record lengths,
 * pointer records rewritten into loops, splices and plain garbage. Pure apart from reading
 * the corpus.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_ROOT, corpusNames } from './corpus.js';
import { RecordReader } from '../../src/spool/record.js';

/** mulberry32: tiny, fast, good enough for choosing mutations; same seed, same run. */
export function createRng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    /** 0 <= result < n */
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    bytes: (n: number) => {
      const out = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) out[i] = int(256);
      return out;
    },
  };
}
export type Rng = ReturnType<typeof createRng>;

export interface SeedFile {
  /** corpus/path, for failure messages. */
  name: string;
  queueName: string;
  bytes: Buffer;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
}

/** Every file under the corpus spools' message queues (queue files and strays) or log dirs. */
export function loadCorpusFiles(kind: 'queue' | 'log'): SeedFile[] {
  const dirs = kind === 'queue' ? ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt'] : ['defer', 'bounce'];
  const files: SeedFile[] = [];
  for (const corpus of corpusNames()) {
    for (const queueName of dirs) {
      const root = join(CORPUS_ROOT, corpus, 'spool', queueName);
      const paths: string[] = [];
      try {
        if (statSync(root).isDirectory()) walk(root, paths);
      } catch {
        continue;
      }
      for (const path of paths.sort()) {
        // Large messages are decompressed nowhere here: a .gz in the spool would be a stray anyway.
        files.push({ name: `${corpus}/${path.slice(join(CORPUS_ROOT, corpus, 'spool').length + 1)}`, queueName, bytes: readFileSync(path) });
      }
    }
  }
  return files;
}

/** Offsets of the records as written (raw walk, pointers not followed), for aimed mutations. */
export function recordOffsets(bytes: Buffer): Array<{ offset: number; type: number; dataStart: number; end: number }> {
  const reader = new RecordReader(bytes, 0, { raw: true, followPointers: false });
  const out: Array<{ offset: number; type: number; dataStart: number; end: number }> = [];
  for (let rec = reader.next(); rec && out.length < 100_000; rec = reader.next()) {
    out.push({ offset: rec.offset, type: rec.type, dataStart: rec.end - rec.data.length, end: rec.end });
  }
  return out;
}

export const truncate = (bytes: Buffer, at: number) => bytes.subarray(0, at);

/** 1..8 random bytes replaced or bit-flipped. */
export function flipBytes(bytes: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(bytes);
  if (out.length === 0) return out;
  for (let n = 1 + rng.int(8); n > 0; n--) {
    const at = rng.int(out.length);
    out[at] = rng.next() < 0.5 ? out[at]! ^ (1 << rng.int(8)) : rng.int(256);
  }
  return out;
}

/** Length encodings a reader must refuse without allocating: huge, overflowing, too many bytes. */
export const HUGE_LENGTHS = [
  Buffer.from([0xff, 0xff, 0xff, 0x7f]), // 268 MB, 4 bytes (the 3.12 maximum)
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x07]), // 2^31 - 1
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]), // overflows Postfix's int
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), // six length bytes
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), // > 2^53
  Buffer.from([0x80]), // continuation, then EOF or whatever follows
];

/** Replace one record's length bytes with a huge or malformed length. */
export function hugeLength(bytes: Buffer, rng: Rng, records = recordOffsets(bytes)): Buffer {
  if (records.length === 0) return Buffer.concat([Buffer.from('C'), rng.pick(HUGE_LENGTHS), bytes]);
  const rec = rng.pick(records);
  return Buffer.concat([bytes.subarray(0, rec.offset + 1), rng.pick(HUGE_LENGTHS), bytes.subarray(rec.dataStart)]);
}

function pointerRecord(target: number, width: number): Buffer {
  const data = Buffer.from(String(target).padStart(width, ' '), 'latin1');
  return Buffer.concat([Buffer.from([0x70, data.length]), data]);
}

/**
 * Pointer loops: a record replaced by a `p` record pointing at itself, at an earlier record,
 * or at offset 0; or two pointers that send the reader back and forth.
 */
export function pointerLoop(bytes: Buffer, rng: Rng, records = recordOffsets(bytes)): Buffer {
  if (records.length === 0) return pointerRecord(0, 15);
  const at = rng.pick(records);
  const earlier = records.filter((r) => r.offset <= at.offset);
  const style = rng.int(4);
  const target = style === 0 ? at.offset : style === 1 ? rng.pick(earlier).offset : style === 2 ? 0 : rng.int(at.offset + 1);
  const ptr = pointerRecord(target, 15);
  if (style === 3 && at.end + ptr.length < bytes.length) {
    // Forward jump past a second pointer that jumps back before the first: a cycle.
    const back = pointerRecord(at.offset, 15);
    const forward = pointerRecord(at.offset + ptr.length + back.length, 15);
    return Buffer.concat([bytes.subarray(0, at.offset), forward, back, bytes.subarray(at.offset)]);
  }
  return Buffer.concat([bytes.subarray(0, at.offset), ptr, bytes.subarray(at.end)]);
}

/** Rewrite the data of existing `p` records in place (same width) to point backwards. */
export function rewriteExistingPointers(bytes: Buffer, rng: Rng, records = recordOffsets(bytes)): Buffer | null {
  const pointers = records.filter((r) => r.type === 0x70 && r.end - r.dataStart > 0);
  if (pointers.length === 0) return null;
  const out = Buffer.from(bytes);
  for (const p of pointers) {
    if (rng.next() < 0.5) continue;
    const width = p.end - p.dataStart;
    const target = rng.next() < 0.5 ? p.offset : rng.int(p.offset + 1);
    const text = String(target);
    if (text.length > width) continue;
    out.write(text.padStart(width, ' '), p.dataStart, 'latin1');
  }
  return out;
}

/** A prefix of one file joined to a suffix of another. */
export function splice(a: Buffer, b: Buffer, rng: Rng): Buffer {
  return Buffer.concat([a.subarray(0, rng.int(a.length + 1)), b.subarray(rng.int(b.length + 1))]);
}

/** Random bytes, or random records with plausible types and random lengths. */
export function garbage(rng: Rng): Buffer {
  if (rng.next() < 0.5) return rng.bytes(rng.int(4096));
  const types = 'CTAFSOMRDN/LXEpwVKZ'.split('').map((c) => c.charCodeAt(0));
  const parts: Buffer[] = [];
  for (let n = rng.int(120); n > 0; n--) {
    const len = rng.next() < 0.95 ? rng.int(40) : rng.int(5000);
    const data = rng.next() < 0.2 ? Buffer.from(String(rng.int(5000)).padStart(15, ' ')) : rng.bytes(len);
    parts.push(Buffer.from([rng.pick(types)]));
    parts.push(rng.next() < 0.95 ? encodeLength(data.length) : rng.pick(HUGE_LENGTHS));
    parts.push(data);
  }
  return Buffer.concat(parts);
}

export function encodeLength(length: number): Buffer {
  const out: number[] = [];
  do {
    let byte = length & 0x7f;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    out.push(byte);
  } while (length > 0);
  return Buffer.from(out);
}
