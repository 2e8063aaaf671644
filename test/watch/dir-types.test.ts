/**
 * The bulk reads' directory listings (src/watch/dir-types.ts) and the opens they let skip an
 * lstat (safe-file.ts openInSpool with `listed`): a directory is listed once after LIST_AFTER
 * lookups in a row (none for lookups spread over directories), renewed while the directory
 * is unchanged; a FIFO, a device node, a socket or a symlink named like an id when the
 * directory is listed goes through the lstat path and is refused unopened; a listed file
 * swapped afterwards for a FIFO or a symlink to a secret, or a FIFO that came after the
 * listing, is refused by the open's O_NOFOLLOW and fstat, nothing read.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirTypes, LIST_AFTER, TRUST_MS } from '../../src/watch/dir-types.js';
import { openInSpool, readWindow } from '../../src/watch/safe-file.js';
import { closeSync } from 'node:fs';
import { makeCharDevice, makeFifo, makeSocket } from '../hostile/hostile-spool.js';

describe('when a directory is listed', () => {
  it('after LIST_AFTER lookups in a row, once; renewed each TRUST_MS while its directory is unchanged; made again after LIST_AFTER more once it changed; never for lookups spread over directories', () => {
    let clock = 1_000_000;
    let stamp = { ino: 7, mtimeMs: 1_000, ctimeMs: 1_000 };
    const listed: string[] = [];
    const stamped: string[] = [];
    const types = new DirTypes(() => clock, (abs) => (listed.push(abs), new Set(['BBBB1'])), (abs) => (stamped.push(abs), { ...stamp }));
    const root = mkdtempSync(join(tmpdir(), 'postq-dir-types-'));
    mkdirSync(join(root, 'deferred/A'), { recursive: true });
    try {
      for (let i = 1; i < LIST_AFTER; i++) expect(types.isRegular(root, 'deferred/A/AAAA1')).toBe(false);
      expect(listed).toEqual([]);
      expect(types.isRegular(root, 'deferred/A/AAAA1')).toBe(true);
      expect(types.isRegular(root, 'deferred/A/AAAA2')).toBe(true);
      expect(types.isRegular(root, 'deferred/A/BBBB1')).toBe(false);
      expect(listed).toEqual([join(root, 'deferred/A')]);
      expect(stamped).toHaveLength(1);
      // Past TRUST_MS, unchanged: one lstat of the directory renews it, no new listing.
      clock += TRUST_MS + 1;
      expect(types.isRegular(root, 'deferred/A/AAAA1')).toBe(true);
      expect(types.isRegular(root, 'deferred/A/AAAA2')).toBe(true);
      expect(listed).toHaveLength(1);
      expect(stamped).toHaveLength(2);
      // Changed (a name renamed in, say): dropped, and the directory is asked about anew.
      clock += TRUST_MS + 1;
      stamp = { ...stamp, mtimeMs: clock };
      expect(types.isRegular(root, 'deferred/A/AAAA1')).toBe(false);
      for (let i = 2; i < LIST_AFTER; i++) types.isRegular(root, 'deferred/A/AAAA1');
      expect(listed).toHaveLength(1);
      expect(types.isRegular(root, 'deferred/A/AAAA1')).toBe(true);
      expect(listed).toHaveLength(2);
      // Changed within CLOCK_SLACK_MS before its listing: not renewed, whatever the stamp says.
      clock += TRUST_MS + 1;
      expect(types.isRegular(root, 'deferred/A/AAAA1')).toBe(false);
      // A name with no directory is never listed.
      expect(types.isRegular(root, 'AAAA1')).toBe(false);
      // Lookups spread over directories (hold/'s defer logs) list none of them.
      for (let i = 0; i < 4 * LIST_AFTER; i++) expect(types.isRegular(root, `defer/${'AB'[i % 2]}/AAAA1`)).toBe(false);
      expect(listed).toHaveLength(2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the listing answered last serves only its own directory: not a directory below it, one whose name it begins, or another root', () => {
    const odd: Record<string, string[]> = { 'deferred/A': ['ODD01', 'B'], 'deferred/A/B': [], 'deferred/AB': ['ODD02'] };
    const listed: string[] = [];
    const types = new DirTypes(() => 1_000_000, (abs) => (listed.push(abs), new Set(odd[abs.slice(abs.indexOf('deferred/'))] ?? [])), () => ({ ino: 7, mtimeMs: 1_000, ctimeMs: 1_000 }));
    const root = mkdtempSync(join(tmpdir(), 'postq-dir-types-'));
    const other = mkdtempSync(join(tmpdir(), 'postq-dir-types-other-'));
    for (const r of [root, other]) for (const d of Object.keys(odd)) mkdirSync(join(r, d), { recursive: true });
    const list = (r: string, dir: string) => {
      for (let i = 0; i < LIST_AFTER; i++) types.isRegular(r, `${dir}/AAAA1`);
    };
    try {
      list(root, 'deferred/A');
      expect(types.isRegular(root, 'deferred/A/AAAA2')).toBe(true);
      expect(types.isRegular(root, 'deferred/A/ODD01')).toBe(false);
      // Below it: not listed yet (A's listing knows nothing of it), then its own (empty) listing.
      expect(types.isRegular(root, 'deferred/A/B/AAAA2')).toBe(false);
      list(root, 'deferred/A/B');
      expect(types.isRegular(root, 'deferred/A/B/ODD01')).toBe(true);
      // A name beginning with A's: its own listing, with its own odd name.
      expect(types.isRegular(root, 'deferred/AB/AAAA2')).toBe(false);
      list(root, 'deferred/AB');
      expect(types.isRegular(root, 'deferred/AB/ODD02')).toBe(false);
      expect(types.isRegular(root, 'deferred/AB/ODD01')).toBe(true);
      // Back to A, and A again right after: its odd names still refused.
      expect(types.isRegular(root, 'deferred/A/ODD01')).toBe(false);
      expect(types.isRegular(root, 'deferred/A/ODD01')).toBe(false);
      expect(types.isRegular(root, 'deferred/A/AAAA3')).toBe(true);
      // The same directory under another root is not this one.
      expect(types.isRegular(other, 'deferred/A/AAAA3')).toBe(false);
      expect(listed.map((abs) => abs.slice(abs.indexOf('deferred/')))).toEqual(['deferred/A', 'deferred/A/B', 'deferred/AB']);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a directory reached through a symlink is not listed', () => {
    const root = mkdtempSync(join(tmpdir(), 'postq-dir-types-'));
    const outside = mkdtempSync(join(tmpdir(), 'postq-dir-types-outside-'));
    try {
      mkdirSync(join(root, 'deferred'));
      writeFileSync(join(outside, 'AAAA1'), 'x');
      symlinkSync(outside, join(root, 'deferred/A'));
      const types = new DirTypes();
      for (let i = 0; i < LIST_AFTER + 2; i++) expect(types.isRegular(root, 'deferred/A/AAAA1')).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('opens on a listing', () => {
  let root: string;
  let secret: string;
  const dir = 'deferred/A';
  const ids = Array.from({ length: LIST_AFTER + 8 }, (_, i) => `A${String(i).padStart(9, '0')}`);
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'postq-dir-types-'));
    secret = join(root, 'secret');
    writeFileSync(secret, 'SECRET-OUTSIDE-THE-QUEUE');
    mkdirSync(join(root, dir), { recursive: true });
    for (const id of ids) writeFileSync(join(root, dir, id), `queue file ${id}`);
    makeFifo(join(root, dir, 'AFIFO00001'));
    makeCharDevice(join(root, dir, 'ADEV000001'));
    makeSocket(join(root, dir, 'ASOCK00001'));
    symlinkSync(secret, join(root, dir, 'ALINK00001'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const read = (types: DirTypes, rel: string): string => {
    const opened = openInSpool(root, rel, { listed: types });
    if (!('fd' in opened)) return 'gone' in opened ? 'gone' : `refused: ${opened.refused.kind}`;
    const bytes = Buffer.alloc(256);
    const got = readWindow(opened.fd, bytes, 0, bytes.length);
    closeSync(opened.fd);
    return bytes.subarray(0, got).toString();
  };

  it('regular files are listed; FIFO, device, socket and symlink are not, and are refused', () => {
    const types = new DirTypes();
    for (const id of ids) expect(read(types, `${dir}/${id}`)).toBe(`queue file ${id}`);
    for (const id of ['AFIFO00001', 'ADEV000001', 'ASOCK00001', 'ALINK00001']) expect(types.isRegular(root, `${dir}/${id}`)).toBe(false);
    expect(read(types, `${dir}/AFIFO00001`)).toBe('refused: FIFO');
    expect(read(types, `${dir}/ADEV000001`)).toBe('refused: character device');
    expect(read(types, `${dir}/ASOCK00001`)).toBe('refused: socket');
    expect(read(types, `${dir}/ALINK00001`)).toBe('refused: symbolic link');
    expect(readFileSync(secret, 'utf8')).toBe('SECRET-OUTSIDE-THE-QUEUE');
  });

  it('a listed file swapped for a FIFO, a symlink to a secret, or removed: refused or gone, nothing read', () => {
    const types = new DirTypes();
    for (const id of ids) read(types, `${dir}/${id}`);
    const [a, b, c] = ids.slice(-3) as [string, string, string];
    expect(types.isRegular(root, `${dir}/${a}`)).toBe(true);
    makeFifo(join(root, 'fifo'));
    symlinkSync(secret, join(root, 'link'));
    renameSync(join(root, 'fifo'), join(root, dir, a));
    renameSync(join(root, 'link'), join(root, dir, b));
    rmSync(join(root, dir, c));
    expect(types.isRegular(root, `${dir}/${b}`)).toBe(true);
    expect(read(types, `${dir}/${a}`)).toBe('refused: FIFO');
    expect(read(types, `${dir}/${b}`)).toBe('refused: symbolic link');
    expect(read(types, `${dir}/${c}`)).toBe('gone');
    // A name that came after the listing (a FIFO here) is taken for regular until the
    // directory's change is seen, and refused by the fstat after the open.
    makeFifo(join(root, dir, 'ANEW000001'));
    expect(types.isRegular(root, `${dir}/ANEW000001`)).toBe(true);
    expect(read(types, `${dir}/ANEW000001`)).toBe('refused: FIFO');
  });
});
