/**
 * Huge queue files: a sparse 5 GiB message (envelope, a few content records, a hole, then the
 * extracted segment where the size record says) is listed from its envelope and a window at
 * its end; the read never allocates the file (RSS growth < 64 MB), and `list` prints it.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queuePath, resolveSpoolConfig } from '../../src/config/spool-config.js';
import { REC } from '../../src/spool/rec-type.js';
import { encodeRecord, formatSizeRecord } from '../../src/spool/queue-file-writer.js';
import { readEntry } from '../../src/watch/read-entry.js';
import { createSpoolWatcher, type SpoolWatcher } from '../../src/watch/spool-watcher.js';
import { SpoolAccumulator } from '../watch/accumulator.js';
import { waitFor } from '../helpers/wait-for.js';
import { runCli } from '../helpers/postq-cli.js';
import { hostileSpool, type HostileSpool } from './hostile-spool.js';

let spool: HostileSpool;
let watcher: SpoolWatcher | undefined;
afterEach(() => {
  watcher?.stop();
  watcher = undefined;
  spool?.cleanupAll();
});

const GIB = 1024 ** 3;

/** A sparse queue file whose content is `dataSize` bytes, nearly all of it a hole. */
function writeSparseMessage(path: string, dataSize: number): void {
  const envelope = Buffer.concat([
    encodeRecord(REC.TIME, '1764359000 0'),
    encodeRecord(REC.FROM, 'big@sender.example'),
    encodeRecord(REC.RCPT, 'rcpt@far.example'),
    encodeRecord(REC.MESG),
  ]);
  const sizeLength = encodeRecord(REC.SIZE, formatSizeRecord({ dataSize: 0, dataOffset: 0, recipientCount: 0, qmgrFlags: 0, contentLength: 0, smtputf8: 0 })).length;
  const dataOffset = sizeLength + envelope.length;
  const size = encodeRecord(REC.SIZE, formatSizeRecord({ dataSize, dataOffset, recipientCount: 1, qmgrFlags: 0, contentLength: dataSize, smtputf8: 0 }));
  const content = Buffer.concat([encodeRecord(REC.NORM, 'Subject: huge'), encodeRecord(REC.NORM, ''), encodeRecord(REC.NORM, 'body')]);
  const tail = Buffer.concat([encodeRecord(REC.XTRA), encodeRecord(REC.END)]);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w', 0o700);
  writeSync(fd, Buffer.concat([size, envelope, content]), 0, undefined, 0);
  writeSync(fd, tail, 0, tail.length, dataOffset + dataSize);
  closeSync(fd);
}

describe('a sparse 5 GiB queue file', { timeout: 120_000 }, () => {
  it('is listed from its envelope and its end, with RSS growth under 64 MB', () => {
    spool = hostileSpool();
    const config = resolveSpoolConfig({ spool: spool.spool });
    const id = 'ABCDE22C2AA';
    const rel = queuePath(config, 'deferred', id);
    writeSparseMessage(join(spool.spool, rel), 5 * GIB);
    const before = process.memoryUsage().rss;
    const entry = readEntry(config, 'deferred', rel, id)!;
    const growth = process.memoryUsage().rss - before;
    console.log(`5 GiB sparse message: RSS growth ${(growth / 1024 / 1024).toFixed(1)} MB`);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    expect(entry).toMatchObject({ state: 'ok', listed: true, sender: 'big@sender.example', messageSize: 5 * GIB, subject: 'huge' });
    expect(entry.diagnostics).toEqual([]);
    const list = runCli(['list', '--json', '--spool', spool.spool]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(`"queue_id": "${id}"`);
  });
});

describe('a sparse 5 GiB queue file appearing while the spool is watched', { timeout: 120_000 }, () => {
  it('is listed from its envelope; the watcher stays live', async () => {
    spool = hostileSpool();
    const config = resolveSpoolConfig({ spool: spool.spool });
    const acc = new SpoolAccumulator();
    watcher = createSpoolWatcher(config, acc.apply);
    await watcher.start();
    const id = 'ABCDE22C2AC';
    const rel = queuePath(config, 'deferred', id);
    // Written outside the queue, then renamed in whole, as Postfix moves a file between queues.
    const staged = join(spool.outside, id);
    writeSparseMessage(staged, 5 * GIB);
    mkdirSync(dirname(join(spool.spool, rel)), { recursive: true });
    renameSync(staged, join(spool.spool, rel));
    await waitFor(() => acc.get(id), { what: 'the 5 GiB message listed', timeoutMs: 30_000 });
    expect(acc.get(id)).toMatchObject({ state: 'ok', listed: true, sender: 'big@sender.example', messageSize: 5 * GIB, subject: 'huge' });
    expect(watcher.status).toEqual({ mode: 'live', message: null });
  });
});
