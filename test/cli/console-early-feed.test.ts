/**
 * `postq` starts its spool watcher before the console's own code is loaded (src/cli/early-feed.ts,
 * src/cli/main.ts): the built CLI in tmux, under a preload that traces every module resolved and
 * every fs.watch call in one file. The spool's watch comes before Ink, React, yoga and the
 * console's store and app are even resolved (before, they were all loaded and evaluated first),
 * and the rows the early watcher brings are on screen, live.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait-for.js';

let copy: CorpusCopy;
let dir: string;
let pane: TmuxPane | undefined;

beforeAll(async () => {
  await ensureBuilt();
  copy = copyCorpusSpool('basic');
  dir = mkdtempSync(join(tmpdir(), 'postq-early-feed-'));
});
afterAll(() => {
  pane?.close();
  copy?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

it('the console watches the spool before Ink, React and its own UI are loaded, and shows what it read', { timeout: 60_000 }, async () => {
  const trace = join(dir, 'console.trace');
  pane = startTmux({
    columns: 100,
    rows: 20,
    argv: ['node', '--import', join(REPO_ROOT, 'test/helpers/watch-trace.mjs'), CLI_PATH, '--spool', copy.spool, '--read-only'],
    cwd: REPO_ROOT,
    env: { TZ: 'UTC', POSTQ_MODULE_TRACE: trace, POSTQ_SNAPSHOT: 'off' },
  });
  await pane.waitFor('● live');
  // A row of the spool: its queue id at the start of the line, after the cursor or a blank.
  await pane.waitFor(/^[> ] [0-9A-F]{10,}/m);
  pane.send(pressSequence('app.quit'));
  await waitFor(() => pane!.exitCode() !== null, { what: 'the console to quit on q', timeoutMs: 20_000, describe: () => pane!.capture() });
  expect(pane.exitCode()).toBe(0);

  const lines = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  const firstWatch = lines.findIndex((l) => l.startsWith('watch '));
  // The trace works: the spool's root was watched, and the console's code was loaded.
  expect(lines[firstWatch]).toBe(`watch ${copy.spool}`);
  const ui = [/\/node_modules\/ink\//, /\/node_modules\/react\//, /\/node_modules\/yoga-layout\//, /\/dist\/ui\/app\.js$/, /\/dist\/store\/console-store\.js$/, /\/dist\/cli\/console-command\.js$/];
  for (const pattern of ui) {
    const at = lines.findIndex((l) => pattern.test(l));
    expect(at, `${pattern} in the trace`).toBeGreaterThan(-1);
    expect(at, `${pattern} resolved after the spool's watch`).toBeGreaterThan(firstWatch);
  }
});
