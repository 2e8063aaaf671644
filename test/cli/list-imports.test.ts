/**
 * `postq list` loads re2js (184 KB, parsed by the main thread and by each read worker) only
 * for a /regex/ filter (src/spool/regex-engine.ts): the built CLI runs under the module-trace
 * preload, and a listing without one resolves no re2js module; with one it still filters.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt, runPostq } from '../helpers/postq-cli.js';

let copy: CorpusCopy;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  copy = copyCorpusSpool('basic');
  dir = mkdtempSync(join(tmpdir(), 'postq-list-trace-'));
});
afterAll(() => {
  copy?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

it('list --json resolves no re2js module without a /regex/ filter; with one the filter still works', () => {
  const trace = join(dir, 'list.trace');
  const r = spawnSync(process.execPath, ['--import', join(REPO_ROOT, 'test/helpers/module-trace.mjs'), CLI_PATH, 'list', '--json', '--spool', copy.spool], {
    env: { ...process.env, POSTQ_MODULE_TRACE: trace, TZ: 'UTC' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  const modules = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  // The trace works: list's own modules are in it.
  expect(modules.some((m) => m.endsWith('/dist/cli/list-command.js'))).toBe(true);
  expect(modules.some((m) => m.endsWith('/dist/store/user-pattern.js'))).toBe(true);
  expect(modules.filter((m) => m.includes('/node_modules/re2js/'))).toEqual([]);
  // A /regex/ filter (case-insensitive, RE2 syntax) matches what a plain word matches here.
  const regex = runPostq(['count', '--filter', 'subject:/gr..e aus k.ln/', '--spool', copy.spool], { ...process.env, TZ: 'UTC' });
  const word = runPostq(['count', '--filter', 'subject:Köln', '--spool', copy.spool], { ...process.env, TZ: 'UTC' });
  expect(regex.status, regex.stderr).toBe(0);
  expect(Number(regex.stdout)).toBeGreaterThan(0);
  expect(regex.stdout).toBe(word.stdout);
});
