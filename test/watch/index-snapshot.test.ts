/**
 * The warm-start snapshot: a second start takes unchanged files from the snapshot (listing +
 * lstat, no read) and equals a fresh scan; a file changed in place (only its ctime differs),
 * replaced under the same name, moved to another queue, removed, or whose defer log changed
 * is read again; a snapshot that is not ours (another spool, owner, mode, version, a symlink,
 * corrupt bytes) is ignored, never shown, and one larger than its bound is not even read; the
 * file is written 0600 by rename, never in place, and read a group at a time, never whole.
 */
import { chmodSync, chownSync, closeSync, copyFileSync, ftruncateSync, lstatSync, openSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';
import { loadSnapshot, SNAPSHOT_BYTES_PER_MESSAGE, SNAPSHOT_MAX_BYTES, SNAPSHOT_MAX_MESSAGES, snapshotIdentity, snapshotPath } from '../../src/watch/index-snapshot.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { SpoolAccumulator } from './accumulator.js';
import { changeSinceSnapshot } from './snapshot-changes.js';
import { freshScan, hashedPath } from './spool-fixture.js';

const copies: CorpusCopy[] = [];
afterEach(() => {
  for (const c of copies.splice(0)) c.cleanup();
});

function spool(): { config: SpoolConfig; root: string; snap: string } {
  const copy = copyCorpusSpool('basic');
  copies.push(copy);
  const config = resolveSpoolConfig({ spool: copy.spool });
  return { config, root: copy.spool, snap: join(dirname(copy.spool), 'state', 'index.snapshot') };
}

/** One start and stop of the watcher with a snapshot file: what it showed and its stats. */
async function run(config: SpoolConfig, snap: string, version = 'test') {
  const acc = new SpoolAccumulator();
  const watcher = createSpoolWatcher(config, acc.apply, { readWorkers: false, snapshot: { path: snap, version } });
  await watcher.start();
  const shown = acc.sorted();
  watcher.stop();
  return { shown, stats: watcher.stats };
}

test('the snapshot path is per spool under the state directory, and off with POSTQ_SNAPSHOT=off', () => {
  const a = snapshotPath('/var/spool/postfix', { XDG_STATE_HOME: '/s' });
  expect(a).toMatch(/^\/s\/postq\/index-[0-9a-f]{16}\.snapshot$/);
  expect(snapshotPath('/var/spool/postfix-out', { XDG_STATE_HOME: '/s' })).not.toBe(a);
  expect(snapshotPath('/x', { POSTQ_SNAPSHOT: 'off' })).toBeNull();
});

test('a second start takes every unchanged file from the snapshot and equals a fresh scan', async () => {
  const { config, snap } = spool();
  const cold = await run(config, snap);
  expect(cold.stats.snapshotIgnored).toBe('none yet');
  expect(cold.stats.snapshotSaveError).toBeNull();
  const warm = await run(config, snap);
  expect(warm.stats.snapshotIgnored).toBeNull();
  expect(warm.stats.snapshotTrusted).toBe(warm.stats.files);
  expect(warm.stats.snapshotStale).toBe(0);
  expect(warm.shown).toEqual(freshScan(config));
  expect(warm.shown).toEqual(cold.shown);
});

test('a file changed in place, replaced, moved, removed, or with a changed defer log is read again', async () => {
  const { config, root, snap } = spool();
  await run(config, snap);
  const changes = changeSinceSnapshot(config, root);
  const warm = await run(config, snap);
  changes.check(warm.shown);
  expect(warm.stats.snapshotStale).toBe(changes.stale);
  expect(warm.stats.snapshotTrusted).toBe(warm.stats.files - changes.stale - changes.moved);
});

test('a snapshot that is not ours is ignored and never shown', async () => {
  const a = spool();
  const b = spool();
  await run(a.config, a.snap);
  const expectIgnored = async (config: SpoolConfig, snap: string, why: RegExp, version = 'test') => {
    const r = await run(config, snap, version);
    expect(r.stats.snapshotIgnored).toMatch(why);
    expect(r.stats.snapshotTrusted).toBe(0);
    expect(r.shown).toEqual(freshScan(config));
  };
  // Spool B, changed so that A's entries would be wrong for it; A's snapshot at B's path.
  const victim = freshScan(b.config).find((e) => e.queueName === 'deferred')!;
  renameSync(join(b.root, victim.path), join(b.root, hashedPath('hold', victim.queueId)));
  mkdirSync(dirname(b.snap), { mode: 0o700 });
  copyFileSync(a.snap, b.snap);
  chmodSync(b.snap, 0o600);
  await expectIgnored(b.config, b.snap, /another spool/);

  const bytes = readFileSync(a.snap);
  const write = (mutate: (buf: Buffer) => void, mode = 0o600) => {
    const copy = Buffer.from(bytes);
    mutate(copy);
    writeFileSync(a.snap, copy, { mode });
    chmodSync(a.snap, mode);
  };
  write(() => {}, 0o644);
  await expectIgnored(a.config, a.snap, /mode 644/);
  write((buf) => (buf[buf.length - 100] = buf[buf.length - 100]! ^ 0xff));
  await expectIgnored(a.config, a.snap, /corrupt/);
  write((buf) => (buf[0] = 0x51));
  await expectIgnored(a.config, a.snap, /not a postq snapshot/);
  write(() => {});
  chownSync(a.snap, 65534, 65534);
  await expectIgnored(a.config, a.snap, /owned by uid 65534/);
  write(() => {});
  await expectIgnored(a.config, a.snap, /written by postq test/, 'other');
  // A symlink at the snapshot's path is not followed (nor written through: the save renames over it).
  const target = join(dirname(a.snap), 'elsewhere');
  write(() => {});
  renameSync(a.snap, target);
  symlinkSync(target, a.snap);
  await expectIgnored(a.config, a.snap, /symbolic link/);
  expect(lstatSync(a.snap).isFile()).toBe(true);
  expect(readFileSync(target).equals(bytes)).toBe(true);
});

test('a file at the snapshot path larger than the bound is not read at all, and replaced by a good one', async () => {
  const { config, snap } = spool();
  mkdirSync(dirname(snap), { mode: 0o700 });
  // Sparse: as large as the bound says, without the disk space (or the memory, were it read).
  const fd = openSync(snap, 'w', 0o600);
  ftruncateSync(fd, SNAPSHOT_MAX_BYTES + 1);
  closeSync(fd);
  const r = await run(config, snap);
  expect(r.stats.snapshotIgnored).toBe(`larger than ${SNAPSHOT_MAX_BYTES} bytes`);
  expect(r.stats.snapshotTrusted).toBe(0);
  expect(r.shown).toEqual(freshScan(config));
  expect(lstatSync(snap).size).toBeLessThan(1 << 20);
  expect((await run(config, snap)).stats.snapshotTrusted).toBe(r.stats.files);
  // The bound is room for SNAPSHOT_MAX_MESSAGES at SNAPSHOT_BYTES_PER_MESSAGE each.
  expect(SNAPSHOT_MAX_BYTES).toBe(SNAPSHOT_MAX_MESSAGES * SNAPSHOT_BYTES_PER_MESSAGE);
});

test('the snapshot is written 0600 to a new file renamed over the old one, nothing left beside it', async () => {
  const { config, snap } = spool();
  await run(config, snap);
  const first = lstatSync(snap);
  expect(first.mode & 0o777).toBe(0o600);
  expect(lstatSync(dirname(snap)).mode & 0o777).toBe(0o700);
  await run(config, snap);
  const second = lstatSync(snap);
  // A new inode: the old file was replaced whole, never rewritten where a reader could see half.
  expect(second.ino).not.toBe(first.ino);
  expect(second.mode & 0o777).toBe(0o600);
  expect(readdirSync(dirname(snap))).toEqual(['index.snapshot']);
});

test('a start reads the snapshot a group at a time into buffers of their own, never the file whole', async () => {
  const { config, snap } = spool();
  await run(config, snap);
  const fileBytes = lstatSync(snap).size;
  const sizes: number[] = [];
  const spies = (['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const).map((name) => {
    const real = Buffer[name].bind(Buffer) as (size: number) => Buffer;
    return vi.spyOn(Buffer, name).mockImplementation(((size: number) => (sizes.push(size), real(size))) as never);
  });
  let loaded;
  try {
    loaded = await loadSnapshot(snap, snapshotIdentity(config, 'test')!);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  expect(loaded.ignored).toBeNull();
  const groups = loaded.snapshot!.groups;
  expect(groups.length).toBeGreaterThan(3);
  const largest = Math.max(...groups.map((g) => g.blob.byteLength));
  // The file was read into one buffer of its size, and each group copied out of it.
  expect(largest).toBeLessThan(fileBytes / 2);
  expect(Math.max(...sizes)).toBeLessThan(fileBytes / 2);
  for (const g of groups) expect(g.blob.buffer.byteLength).toBe(g.blob.byteLength);
  // And a start from it is as before.
  const warm = await run(config, snap);
  expect(warm.stats.snapshotTrusted).toBe(warm.stats.files);
});
