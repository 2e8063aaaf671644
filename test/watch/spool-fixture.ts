/**
 * A temp spool for watcher tests, written the way Postfix writes it: queue files created 0600,
 * written, then chmod 0700 (incoming); moves are rename(2) into the hashed path; defer logs
 * appear under defer/H/ID. File bytes are real queue files from the corpus under new ids.
 */
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import { scanQueues } from '../../src/watch/scan.js';
import { CORPUS_ROOT } from '../helpers/corpus.js';

/** A deferred corpus message with a defer log, and a held one. */
const TEMPLATE_ID = '0558022C217';
export const TEMPLATE = readFileSync(join(CORPUS_ROOT, 'basic/spool/deferred/0', TEMPLATE_ID));
export const TEMPLATE_DEFER_LOG = readFileSync(join(CORPUS_ROOT, 'basic/spool/defer/0', TEMPLATE_ID));

export interface TempSpool {
  root: string;
  config: SpoolConfig;
  cleanup(): void;
}

export function makeSkeletonSpool(): TempSpool {
  const work = mkdtempSync(join(tmpdir(), 'postq-watch-'));
  const root = join(work, 'spool');
  for (const dir of ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt', 'defer', 'bounce']) {
    mkdirSync(join(root, dir), { recursive: true, mode: 0o700 });
  }
  return { root, config: resolveSpoolConfig({ spool: root }), cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

let counter = 0;
/** A fresh short queue id (uppercase hex, like Postfix's). */
export function newQueueId(): string {
  counter++;
  const random = Math.floor(Math.random() * 0xfffff).toString(16).toUpperCase().padStart(5, '0');
  return `${random}${(0x100000 + counter).toString(16).toUpperCase()}`;
}

/** Where Postfix puts an id in a queue (hash depth 1 for deferred/defer). */
export function hashedPath(queueName: QueueName | 'defer', id: string): string {
  return queueName === 'deferred' || queueName === 'defer' ? `${queueName}/${id[0]}/${id}` : `${queueName}/${id}`;
}

/** Create a file 0600, write it, and (unless `complete` is false) chmod it 0700, as cleanup does. */
export function writeQueueFile(root: string, rel: string, bytes: Buffer = TEMPLATE, complete = true): void {
  const abs = join(root, rel);
  mkdirSync(dirname(abs), { recursive: true, mode: 0o700 });
  const fd = openSync(abs, 'wx', 0o600);
  writeSync(fd, bytes);
  closeSync(fd);
  if (complete) chmodSync(abs, 0o700);
}

export function moveQueueFile(root: string, fromRel: string, toRel: string): void {
  mkdirSync(dirname(join(root, toRel)), { recursive: true, mode: 0o700 });
  renameSync(join(root, fromRel), join(root, toRel));
}

/** What a fresh scan says, sorted by id: the oracle the watcher's state must equal. */
export function freshScan(config: SpoolConfig): QueueEntry[] {
  return scanQueues(config, QUEUE_NAMES).sort((a, b) => (a.queueId < b.queueId ? -1 : a.queueId > b.queueId ? 1 : 0));
}
