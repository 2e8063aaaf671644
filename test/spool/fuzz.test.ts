/**
 * Fuzz the spool decoders with thousands of damaged versions of the corpus's real queue files
 * and logs: truncated at every offset, flipped bytes, huge record lengths, pointer records
 * turned into loops, splices and garbage. For every input: no exception from parseQueueFile,
 * RecordReader (logical and raw walks), formatPostcat or the list pipeline (buildEntry +
 * JSON + mailq); the reader stops within a record budget linear in the input size; what
 * reaches a terminal is printable; memory stays bounded over the run.
 *
 * Reproduce a failure with the seed it prints: POSTQ_FUZZ_SEED=N npx vitest run test/spool/fuzz.test.ts
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { parseBounceLog } from '../../src/spool/defer-log.js';
import { formatJsonEntry } from '../../src/spool/json-format.js';
import { formatMailq } from '../../src/spool/mailq-format.js';
import { formatPostcat } from '../../src/spool/postcat-format.js';
import { isPrintable, printable } from '../../src/spool/printable.js';
import { parseQueueFile } from '../../src/spool/queue-file.js';
import { RecordReader } from '../../src/spool/record.js';
import { buildEntry } from '../../src/spool/showq.js';
import type { QueueName } from '../../src/domain/queue.js';
import * as fz from '../helpers/fuzz.js';

const SEED = Number(process.env.POSTQ_FUZZ_SEED ?? 20261128);
const QUEUES: QueueName[] = ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt'];
const queueFiles = fz.loadCorpusFiles('queue');
const logFiles = fz.loadCorpusFiles('log');
const smallFiles = queueFiles.filter((f) => f.bytes.length <= 4096);
const RSS_GROWTH_LIMIT = 512 * 1024 * 1024;
/** A guard against a hang on a slow shared CI machine, not a speed assertion (that is `npm run bench`). */
const HEAVY = { timeout: 240_000 };

/**
 * The reader's promise: it walks at most four passes over the file plus 1 MiB before it calls
 * a pointer cycle a loop, and every record is at least 2 bytes.
 */
const recordBudget = (length: number) => 2 * length + (1 << 19) + 1;

const stats = { cases: 0, maxRecords: 0, maxRecordsInput: 0, maxPostcatRatio: 0, rssStart: process.memoryUsage().rss, rssMax: 0 };

function describeInput(bytes: Buffer): string {
  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return bytes.length <= 2048 ? `${bytes.length} bytes, base64 ${bytes.toString('base64')}` : `${bytes.length} bytes, sha256 ${sha}`;
}

function walk(bytes: Buffer, raw: boolean): number {
  const reader = new RecordReader(bytes, 0, { raw });
  const budget = recordBudget(bytes.length);
  let n = 0;
  while (reader.next()) {
    if (++n > budget) throw new Error(`RecordReader (raw=${raw}) passed its budget of ${budget} records`);
  }
  // It stopped for a reason: the end record, the end of the buffer, or an error.
  if (!(reader.ended || reader.atEof || reader.error)) throw new Error('RecordReader stopped without a reason');
  if (n > stats.maxRecords) [stats.maxRecords, stats.maxRecordsInput] = [n, bytes.length];
  return n;
}

/** Everything postq does with one queue file's bytes; throws on any broken promise. */
function exercise(bytes: Buffer, queueName: QueueName, log: Buffer | null, rng: fz.Rng): void {
  walk(bytes, false);
  walk(bytes, true);
  const fileSize = rng.next() < 0.2 ? bytes.length + 1 + rng.int(1000) : bytes.length;
  const parsed = parseQueueFile(bytes, { queueName, fileSize, skipContent: rng.next() < 0.8 });
  if (parsed.recipients.length > recordBudget(bytes.length)) throw new Error('more recipients than records');
  const deferLog = log ? parseBounceLog(log, 'defer') : [];
  const entry = buildEntry(
    { queueName, queueId: 'ABCDEF12345', path: `${queueName}/ABCDEF12345`, mode: rng.pick([0o700, 0o600, 0o710, 0o744]), mtime: 1795895000, fileSize: bytes.length },
    parsed,
    deferLog,
  );
  const json = formatJsonEntry(entry);
  JSON.parse(json);
  if (!isPrintable(json)) throw new Error('JSON line is not printable');
  const mailq = printable(formatMailq([entry], { longQueueIds: rng.next() < 0.5 }), { keepNewline: true });
  if (!isPrintable(mailq.replaceAll('\n', ''))) throw new Error('mailq text is not printable');
  const sections = { envelope: rng.next() < 0.5, headers: rng.next() < 0.5, body: rng.next() < 0.5 };
  const cat = formatPostcat(bytes, { path: `${queueName}/ABCDEF12345`, ...sections });
  if (!isPrintable(cat.text.replace(/[\t\n]/g, ''))) throw new Error('postcat text is not printable');
  stats.maxPostcatRatio = Math.max(stats.maxPostcatRatio, cat.text.length / Math.max(1, bytes.length));
}

function check(label: string, bytes: Buffer, queueName: QueueName, rng: fz.Rng, log: Buffer | null = null): void {
  stats.cases++;
  try {
    exercise(bytes, queueName, log, rng);
  } catch (error) {
    throw new Error(`fuzz failure (POSTQ_FUZZ_SEED=${SEED}) in ${label}, input ${describeInput(bytes)}\n${(error as Error).stack}`);
  }
  if (stats.cases % 256 === 0) {
    const rss = process.memoryUsage().rss;
    if (process.env.FUZZ_DEBUG && stats.cases % 1024 === 0) console.log(label, stats.cases, (rss / 2 ** 20).toFixed(0));
    stats.rssMax = Math.max(stats.rssMax, rss);
    if (rss - stats.rssStart > RSS_GROWTH_LIMIT) {
      throw new Error(`rss grew by ${((rss - stats.rssStart) / 2 ** 20).toFixed(0)} MiB (POSTQ_FUZZ_SEED=${SEED}) after ${label}`);
    }
  }
}

const queueOf = (name: string): QueueName => (QUEUES.includes(name as QueueName) ? (name as QueueName) : 'deferred');

describe(`spool fuzz (seed ${SEED})`, () => {
  test('the corpus has real queue files and logs to mutate', () => {
    expect(smallFiles.length).toBeGreaterThan(20);
    expect(queueFiles.some((f) => f.bytes.length > 1 << 20)).toBe(true);
    expect(logFiles.length).toBeGreaterThan(10);
    // The seeds themselves decode without a problem the reader cannot explain.
    const rng = fz.createRng(SEED);
    for (const f of queueFiles) check(`seed ${f.name}`, f.bytes, queueOf(f.queueName), rng);
  });

  test('truncation at every offset of every small file', HEAVY, () => {
    const rng = fz.createRng(SEED + 1);
    for (const f of smallFiles) {
      for (let at = 0; at < f.bytes.length; at++) check(`${f.name} cut at ${at}`, fz.truncate(f.bytes, at), queueOf(f.queueName), rng);
    }
    expect(stats.cases).toBeGreaterThan(10_000);
  });

  test('flipped bytes, with and without the defer log', HEAVY, () => {
    const rng = fz.createRng(SEED + 2);
    for (let i = 0; i < 5000; i++) {
      const f = rng.pick(smallFiles);
      const log = rng.next() < 0.3 ? fz.flipBytes(rng.pick(logFiles).bytes, rng) : null;
      check(`${f.name} flip #${i}`, fz.flipBytes(f.bytes, rng), queueOf(f.queueName), rng, log);
    }
    const big = queueFiles.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
    for (let i = 0; i < 8; i++) check(`${big.name} flip #${i}`, fz.flipBytes(big.bytes, rng), 'deferred', rng);
  });

  test('huge and malformed record lengths never allocate what they claim', () => {
    const rng = fz.createRng(SEED + 3);
    for (const f of smallFiles) {
      const records = fz.recordOffsets(f.bytes);
      for (let i = 0; i < 60; i++) check(`${f.name} huge length #${i}`, fz.hugeLength(f.bytes, rng, records), queueOf(f.queueName), rng);
    }
  });

  test('pointer records rewritten into loops stop within the budget', HEAVY, () => {
    const rng = fz.createRng(SEED + 4);
    for (const f of smallFiles) {
      const records = fz.recordOffsets(f.bytes);
      for (let i = 0; i < 8; i++) check(`${f.name} pointer loop #${i}`, fz.pointerLoop(f.bytes, rng, records), queueOf(f.queueName), rng);
      for (let i = 0; i < 3; i++) {
        const rewritten = fz.rewriteExistingPointers(f.bytes, rng, records);
        if (rewritten) check(`${f.name} pointers rewritten #${i}`, rewritten, queueOf(f.queueName), rng);
      }
    }
    // A pointer to itself is the tightest loop: Postfix's limit of 10,000 reverse jumps applies.
    const selfLoop = Buffer.concat([Buffer.from([0x70, 15]), Buffer.from('0'.padStart(15, ' ')), Buffer.from([0x70, 15]), Buffer.from('17'.padStart(15, ' '))]);
    check('self loop', selfLoop, 'deferred', rng);
    const reader = new RecordReader(selfLoop);
    while (reader.next());
    expect(reader.error?.problem).toMatch(/loop|reverse jump/);
  });

  test('splices of two files and random garbage', HEAVY, () => {
    const rng = fz.createRng(SEED + 5);
    for (let i = 0; i < 1500; i++) {
      const a = rng.pick(smallFiles);
      check(`splice #${i}`, fz.splice(a.bytes, rng.pick(smallFiles).bytes, rng), queueOf(a.queueName), rng);
      check(`garbage #${i}`, fz.garbage(rng), rng.pick(QUEUES), rng, rng.next() < 0.3 ? fz.garbage(rng) : null);
    }
  });

  test('defer and bounce logs: truncated, flipped, garbage', HEAVY, () => {
    const rng = fz.createRng(SEED + 6);
    let cases = 0;
    const parseBoth = (label: string, bytes: Buffer) => {
      cases++;
      try {
        for (const kind of ['defer', 'bounce'] as const) {
          const entries = parseBounceLog(bytes, kind);
          // One entry per blank-line separated paragraph at most.
          const paragraphs = bytes.toString('latin1').split('\n\n').length;
          if (entries.length > paragraphs) throw new Error(`${entries.length} entries from ${paragraphs} paragraphs`);
          for (const e of entries) if (!isPrintable(e.reason) || !isPrintable(e.recipient)) throw new Error('unprintable log text');
        }
      } catch (error) {
        throw new Error(`fuzz failure (POSTQ_FUZZ_SEED=${SEED}) in ${label}, input ${describeInput(bytes)}\n${(error as Error).stack}`);
      }
    };
    for (const f of logFiles.filter((l) => l.bytes.length <= 1024)) {
      for (let at = 0; at <= f.bytes.length; at++) parseBoth(`${f.name} cut at ${at}`, fz.truncate(f.bytes, at));
    }
    for (let i = 0; i < 2000; i++) {
      parseBoth(`log flip #${i}`, fz.flipBytes(rng.pick(logFiles).bytes, rng));
      parseBoth(`log garbage #${i}`, fz.garbage(rng));
    }
    parseBoth('one huge line', Buffer.alloc(8 << 20, 0x61));
    expect(cases).toBeGreaterThan(6000);
  });

  test('memory stayed bounded over the whole run', () => {
    stats.rssMax = Math.max(stats.rssMax, process.memoryUsage().rss);
    console.log(
      `fuzz: ${stats.cases} queue-file cases, most records from one input ${stats.maxRecords} ` +
        `(${stats.maxRecordsInput} bytes), postcat text <= ${stats.maxPostcatRatio.toFixed(1)}x input, ` +
        `rss ${(stats.rssStart / 2 ** 20).toFixed(0)} -> max ${(stats.rssMax / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(stats.cases).toBeGreaterThan(30_000);
    expect(stats.rssMax - stats.rssStart).toBeLessThan(RSS_GROWTH_LIMIT);
  });
});
