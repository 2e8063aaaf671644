/**
 * A bulk read's directory listing (src/watch/dir-types.ts) holds no more than the odd names
 * while it lists: the names come a buffer at a time, not all at once. readdirSync listed a
 * 17,000-name deferred/ hash directory (300,000 messages) whole, in each read worker, for the
 * queue files and again for the defer logs: the list outlived the workers' small young
 * generations and was promoted, and their old generations filled and were collected every
 * hash directory (`postq list --json`'s peak RSS 95 MB at 300,000 against 86 at 100,000).
 * In a fresh process with 1 MB semi-spaces (a read worker's), what the old generation gains
 * while a directory of 20,000 names is listed is measured.
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';

const NAMES = 20_000;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'postq-dir-types-memory-'));
  mkdirSync(join(root, 'deferred/A'), { recursive: true });
  mkdirSync(join(root, 'deferred/B'));
  for (let i = 0; i < NAMES; i++) closeSync(openSync(join(root, 'deferred/A', `${(0x10000000 + i).toString(16).toUpperCase()}A`), 'w'));
  for (let i = 0; i < 8; i++) closeSync(openSync(join(root, 'deferred/B', `${(0x20000000 + i).toString(16).toUpperCase()}B`), 'w'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Bytes the old generation (and large objects) gained while deferred/A was listed, after a warm-up on deferred/B. */
async function promotedByListing(): Promise<{ gained: number; regular: boolean }> {
  const module = JSON.stringify(join(REPO_ROOT, 'src/watch/dir-types.ts'));
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { DirTypes, LIST_AFTER } from ${module};
    const root = ${JSON.stringify(root)};
    const old = () => getHeapSpaceStatistics().filter((s) => s.space_name === 'old_space' || s.space_name === 'large_object_space').reduce((sum, s) => sum + s.space_used_size, 0);
    const types = new DirTypes();
    const ask = (dir) => { let regular = false; for (let i = 0; i < LIST_AFTER; i++) regular = types.isRegular(root, dir + '/1000000AA'); return regular; };
    ask('deferred/B');
    const before = old();
    const regular = ask('deferred/A');
    console.log(JSON.stringify({ gained: old() - before, regular }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-semi-space-size=1', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

test('listing a directory of 20,000 names promotes less than 1 MB to the old generation', async () => {
  const { gained, regular } = await promotedByListing();
  // The listing was made (a name in it reads as regular) ...
  expect(regular).toBe(true);
  // ... and what it made died young: 20,000 names held at once are ~2 MB.
  expect(gained).toBeLessThan(2 ** 20);
}, 60_000);
