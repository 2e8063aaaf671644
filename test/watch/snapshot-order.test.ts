/**
 * A warm start finds each listed file's row wherever the snapshot saved it. Rows are saved in
 * the order files were filed, which is the listing's in runs (slices filed interleaved), so a
 * group is searched when the listing leaves that order, and gets a Map of its rows by id only
 * once the searches have cost about what the Map does. Files listed in the order saved, in runs
 * of another order (a few searches) or in no order (the Map) are each taken once, with the entry
 * saved for them, and not again.
 */
import { afterAll, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { walkTree } from '../../src/watch/list-tree.js';
import { readEntryWithStats, type EntryRead } from '../../src/watch/read-entry.js';
import { SNAPSHOT_FORMAT, storeGroup, type SnapshotPayload } from '../../src/watch/index-snapshot.js';
import { DEFER_NOT_READ, RowsWriter } from '../../src/watch/snapshot-rows.js';
import { SnapshotTrust } from '../../src/watch/snapshot-trust.js';
import { FOUND, LOG_AT, NOT_LOOKED, STAT_WIDTH } from '../../src/watch/stat-figures.js';
import { copyCorpusSpool } from '../helpers/corpus.js';

const copy = copyCorpusSpool('basic');
afterAll(() => copy.cleanup());
const config = resolveSpoolConfig({ spool: copy.spool });
const DEV = 2049;
const DIR = 'deferred/B';
const FILES = 300;

// One real read of the corpus as FILES files of one directory, each with its own id and inode.
const model = [...walkTree(config.queueDirectory, 'deferred', true)]
  .flatMap((d) => d.ids.map((id) => readEntryWithStats(config, 'deferred', `${d.rel}/${id}`, id)))
  .find((r): r is EntryRead => r !== null && r.entry.diagnostics.length === 0)!;
const reads: EntryRead[] = Array.from({ length: FILES }, (_, k) => {
  const queueId = `B${(0x10000 + k).toString(16).toUpperCase()}`;
  const ino = 7000 + k;
  return { entry: { ...model.entry, queueId, path: `${DIR}/${queueId}`, inode: ino }, sig: { ...model.sig, ino }, deferRead: false, deferSig: null };
});

function payload(): SnapshotPayload {
  const rows = new RowsWriter('deferred', DIR, DEV);
  for (const read of reads) rows.add(read, { kind: DEFER_NOT_READ, dev: 0, ino: 0, size: 0, mtimeMs: 0, ctimeMs: 0 });
  const identity = { format: SNAPSHOT_FORMAT, version: 'test', queueDirectory: config.queueDirectory, spoolDev: DEV, spoolIno: 1, layout: '' };
  return { ...identity, savedAt: 0, groups: [storeGroup('deferred', DIR, rows.finish())] };
}

/** The lstat figures of file `k` as they were saved (stat-figures.ts layout). */
function figures(k: number): Float64Array {
  const s = reads[k]!.sig;
  const f = new Float64Array(STAT_WIDTH);
  f.set([FOUND, DEV, s.ino, s.size, s.mode, s.mtimeMs, s.ctimeMs]);
  f[LOG_AT] = NOT_LOOKED;
  return f;
}

const inOrder = reads.map((_, k) => k);
// Runs of 64 in the order saved, the runs last to first: a search at each run's start.
const inRuns = [4, 3, 2, 1, 0].flatMap((run) => inOrder.slice(run * 64, run * 64 + 64));
// Every 7th file (7 and 300 share no factor): nearly every file a search, past the budget.
const inNoOrder = inOrder.map((k) => (k * 7) % FILES);

test.each([
  ['the order saved', inOrder],
  ['runs of another order', inRuns],
  ['no order', inNoOrder],
])('files listed in %s are each taken once, with their own entry', (_, order) => {
  expect(new Set(order).size).toBe(FILES);
  const trust = new SnapshotTrust(config, payload(), (s) => s, (s) => s);
  for (const k of order) {
    const id = reads[k]!.entry.queueId;
    expect(trust.takeStated(DIR, id, figures(k), 0)?.entry, id).toEqual(reads[k]!.entry);
  }
  expect(trust.trusted).toBe(FILES);
  expect(trust.stale).toBe(0);
  // Taken once per start: a file listed again is not trusted (it is read).
  expect(trust.takeStated(DIR, reads[0]!.entry.queueId, figures(0), 0)).toBeNull();
  // A listed id the snapshot does not have is not trusted either.
  const other = new SnapshotTrust(config, payload(), (s) => s, (s) => s);
  for (const k of order.slice(0, 100)) other.takeStated(DIR, reads[k]!.entry.queueId, figures(k), 0);
  expect(other.takeStated(DIR, 'BFFFFF', figures(1), 0)).toBeNull();
});
