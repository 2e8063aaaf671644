/**
 * A read worker: reads queue files and their defer logs off the main thread, with the very
 * same readEntryWithStats() the main thread uses, for the initial index of a large spool.
 * The file read is a system call per file plus a parse; two of these in parallel is what lets
 * the index of 100k messages keep up with showq, which is two processes (showq + postqueue).
 *
 * Contract: started by read-pool.ts with ReadWorkerData; answers every ReadRequest with one
 * ReadReply: the reads, or for `postq list` the slice's text (the main thread then only
 * writes), or for a warm start only the lstat figures. A permission error becomes a `failure`
 * reply; any other error is a bug and crashes the worker (the pool rejects with it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SpoolAccessError } from '../domain/errors.js';
import type { ReadReply, ReadRequest, ReadWorkerData, ReleaseRequest } from './read-protocol.js';
import { readEntryWithStats } from './read-entry.js';
import { encodeReads } from './read-wire.js';
import { statSlice } from './stat-figures.js';
import { formatListed, type ListFilter } from '../spool/list-format.js';
import type { QueueName } from '../domain/queue.js';
import { filteredReader, type ReadListed } from './filtered-read.js';

const { config } = workerData as ReadWorkerData;
const port = parentPort!;
const encoder = new TextEncoder();
/** Buffers the main thread wrote out and sent back: reused, so text costs no new memory. */
const spare: ArrayBuffer[] = [];
const SPARE_MAX = 8;
/**
 * A new buffer's least size, and the room it leaves above the text it is made for, so that
 * the next slices fit in it too. A slice of 32 messages is ~15 KB of mailq text, ~35 KB of
 * JSON; buffers of 256 KiB each held ~4x what they carried (a few MB more RSS at 100k).
 */
const BUFFER_MIN = 64 * 1024;

function encode(text: string): Uint8Array {
  const length = Buffer.byteLength(text, 'utf8');
  // A slice the filter left empty (`count --filter`, most slices): no buffer for it.
  if (length === 0) return new Uint8Array(0);
  let buffer = spare.pop();
  if (buffer === undefined || buffer.byteLength < length) buffer = new ArrayBuffer(Math.max(BUFFER_MIN, length + (length >> 2)));
  const bytes = new Uint8Array(buffer, 0, length);
  encoder.encodeInto(text, bytes);
  return bytes;
}

/** The reader for a listing's --filter, compiled once per filter (filtered-read.ts). */
let listing: { filter: ListFilter | undefined; read: ReadListed } | null = null;

function readerFor(filter: ListFilter | undefined): ReadListed {
  if (listing === null || listing.filter?.text !== filter?.text || listing.filter?.nowMs !== filter?.nowMs) listing = { filter, read: filteredReader(config, filter) };
  return listing.read;
}

function answer(request: ReadRequest): ReadReply {
  if (request.lstat) return { seq: request.seq, figures: statSlice(config, request.queueName, request.dir, request.ids) };
  try {
    const read = request.format ? readerFor(request.format.filter) : (queueName: QueueName, relPath: string, queueId: string, bulk?: boolean) => readEntryWithStats(config, queueName, relPath, queueId, bulk);
    // A worker's reads are always bulk reads (read-entry.ts).
    const reads = request.ids.map((queueId) => read(request.queueName, `${request.dir}/${queueId}`, queueId, true));
    if (request.format) {
      const { text, count, size } = formatListed(reads.flatMap((r) => (r ? [r.entry] : [])), request.format);
      return { seq: request.seq, listed: { bytes: encode(text as string), count, size } };
    }
    return { seq: request.seq, wire: encodeReads(reads, request) };
  } catch (error) {
    if (!(error instanceof SpoolAccessError)) throw error;
    return { seq: request.seq, failure: { message: error.message, path: error.path, code: error.code } };
  }
}

port.on('message', (request: ReadRequest | ReleaseRequest) => {
  if ('release' in request) {
    if (spare.length < SPARE_MAX && request.release.byteLength > 0) spare.push(request.release);
    return;
  }
  const reply = answer(request);
  const transfer = 'wire' in reply ? [reply.wire.numbers.buffer] : 'listed' in reply ? [reply.listed.bytes.buffer] : 'figures' in reply ? [reply.figures.buffer] : [];
  port.postMessage(reply, transfer as ArrayBuffer[]);
});
port.postMessage({ ready: true } satisfies ReadReply);
