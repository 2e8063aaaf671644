/**
 * A read worker: reads queue files and their defer logs off the main thread, with the very
 * same readEntryWithStats() the main thread uses, for the initial index of a large spool.
 * The file read is a system call per file plus a parse; two of these in parallel is what lets
 * the index of 100k messages keep up with showq, which is two processes (showq + postqueue).
 *
 * Contract: started by read-pool.ts with ReadWorkerData; answers every ReadRequest with one
 * ReadReply. A permission error becomes a `failure` reply; any other error is a bug and
 * crashes the worker (the pool rejects with it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SpoolAccessError } from '../domain/errors.js';
import type { ReadReply, ReadRequest, ReadWorkerData } from './read-protocol.js';
import { readEntryWithStats } from './read-entry.js';
import { encodeReads } from './read-wire.js';

const { config } = workerData as ReadWorkerData;
const port = parentPort!;

function answer(request: ReadRequest): ReadReply {
  try {
    const reads = request.ids.map((queueId) => readEntryWithStats(config, request.queueName, `${request.dir}/${queueId}`, queueId, request.deferReadAfter));
    return { seq: request.seq, wire: encodeReads(reads, request) };
  } catch (error) {
    if (!(error instanceof SpoolAccessError)) throw error;
    return { seq: request.seq, failure: { message: error.message, path: error.path, code: error.code } };
  }
}

port.on('message', (request: ReadRequest) => {
  const reply = answer(request);
  port.postMessage(reply, 'wire' in reply ? [reply.wire.numbers.buffer as ArrayBuffer] : []);
});
port.postMessage({ ready: true } satisfies ReadReply);
