/**
 * announceTree (list-tree.ts), how the initial index watches the defer tree: every directory a
 * log can be in at its hashed path is announced (the same ones the full walk finds on a real
 * spool), the last level is never read (a leftover deeper directory is not descended into), a
 * symlinked directory is not followed, and a flat tree is announced without being read.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { announceTree, walkTree } from '../../src/watch/list-tree.js';
import { copyCorpusSpool } from '../helpers/corpus.js';

const tmp = mkdtempSync(join(tmpdir(), 'postq-announce-'));
const copy = copyCorpusSpool('basic');
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  copy.cleanup();
});

const announced = (root: string, top: string, depth: number) => {
  const dirs: string[] = [];
  announceTree(root, top, depth, (rel) => dirs.push(rel));
  return dirs.sort();
};

test('on a real spool it announces the directories the full walk of the defer tree finds', () => {
  const config = resolveSpoolConfig({ spool: copy.spool });
  const walked: string[] = [];
  for (const dir of walkTree(copy.spool, 'defer', true, (rel) => walked.push(rel))) void dir;
  expect(walked.length).toBeGreaterThan(1);
  expect(announced(copy.spool, 'defer', config.hashQueueDepth)).toEqual(walked.sort());
});

test('the last level is announced, not read; symlinked directories are not followed', () => {
  const root = join(tmp, 'spool');
  mkdirSync(join(root, 'defer', 'A', 'B', 'C'), { recursive: true });
  mkdirSync(join(root, 'defer', 'F', 'E'), { recursive: true });
  mkdirSync(join(root, 'elsewhere', 'X'), { recursive: true });
  writeFileSync(join(root, 'defer', 'F', 'E', '3F8E21A0C4E'), 'log');
  symlinkSync(join(root, 'elsewhere'), join(root, 'defer', 'S'));
  expect(announced(root, 'defer', 2)).toEqual(['defer', 'defer/A', 'defer/A/B', 'defer/F', 'defer/F/E']);
  // Depth 1: defer/A/B (a leftover of depth 2) holds no log at a hashed path: not descended into.
  expect(announced(root, 'defer', 1)).toEqual(['defer', 'defer/A', 'defer/F']);
  // Not hashed: the one directory, not read.
  expect(announced(root, 'defer', 0)).toEqual(['defer']);
  expect(announced(root, 'missing', 1)).toEqual([]);
  // A symlinked top is no directory of the spool.
  symlinkSync(join(root, 'elsewhere'), join(root, 'linked'));
  expect(announced(root, 'linked', 1)).toEqual([]);
});
