/**
 * `postq list` and `postq count` hold the main thread's young generation at V8's smallest, run
 * the way the product runs: plain node on dist/cli.js (what npm installs) and on the single-file
 * bundle, no tsx. A probe loaded with `--import` reports the main thread's new space (both
 * semi-spaces, committed) as the process exits; the reference is the same run capped by V8's
 * own flag, `--max-semi-space-size=1` (two 1 MB semi-spaces). runList() held it only once the
 * program was loaded, and that load alone had grown it to two 2 MB semi-spaces: src/cli.ts now
 * holds it before loading the rest.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { builtBundle } from '../helpers/bundle-build.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';

const PROBE = `data:text/javascript,${encodeURIComponent(`
  import { getHeapSpaceStatistics } from 'node:v8';
  process.on('exit', () => process.stderr.write('NEW_SPACE ' + getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size + '\\n'));`)}`;
let bundle = '';
let copy: CorpusCopy | null = null;
beforeAll(async () => {
  await ensureBuilt();
  bundle = await builtBundle();
  copy = copyCorpusSpool('basic');
}, 180_000);
afterAll(() => copy?.cleanup());

/** The main thread's new space (bytes) as `node [nodeArgs] entry args` exits. */
async function newSpaceAtExit(entry: string, args: string[], nodeArgs: string[] = []): Promise<number> {
  const run = await promisify(execFile)(process.execPath, [...nodeArgs, '--import', PROBE, entry, ...args, '--spool', copy!.spool], {
    cwd: REPO_ROOT,
    env: { ...process.env, TZ: 'UTC' },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    timeout: 60_000,
  });
  expect(run.stdout.length, `${entry} ${args.join(" ")} printed; stderr: ${run.stderr}`).toBeGreaterThan(0);
  const line = /NEW_SPACE (\d+)/.exec(run.stderr);
  expect(line, run.stderr).not.toBeNull();
  return Number(line![1]);
}

test('list --json, list and count from dist/cli.js end with the young generation of V8\'s smallest semi-spaces', async () => {
  const smallest = await newSpaceAtExit(CLI_PATH, ['list', '--json'], ['--max-semi-space-size=1']);
  expect(smallest).toBeGreaterThan(0);
  for (const args of [['list', '--json'], ['list'], ['count']]) {
    expect(await newSpaceAtExit(CLI_PATH, args), args.join(' ')).toBe(smallest);
  }
  // Without a hold the same start grows it: the figure above is not just where any run ends.
  expect(await newSpaceAtExit(CLI_PATH, ['top'])).toBeGreaterThan(smallest);
}, 120_000);

test('list --json from the single-file bundle ends with the same', async () => {
  const smallest = await newSpaceAtExit(bundle, ['list', '--json'], ['--max-semi-space-size=1']);
  expect(await newSpaceAtExit(bundle, ['list', '--json'])).toBe(smallest);
}, 120_000);
