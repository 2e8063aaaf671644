/**
 * The console starts its spool watcher before the UI's modules load (console-command.ts,
 * console-screen.ts): in a fresh process under the module-trace preload, startConsole() runs
 * on a fake terminal with the console's own watcher feed, which reads the trace as it is
 * called; no Ink, React, yoga or src/ui/app.tsx may be in it by then. They load afterwards
 * (the trace works), and the console draws the spool's rows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { copyCorpusSpool, REPO_ROOT } from '../helpers/corpus.js';

const copy = copyCorpusSpool('basic');
const dir = mkdtempSync(join(tmpdir(), 'postq-start-order-'));
afterAll(() => {
  copy.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const UI = /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\/|\/src\/ui\/(app|render-console)\.tsx$/;

it('the watcher feed starts before Ink, React and the UI are loaded; they load after it, and the rows are drawn', async () => {
  const trace = join(dir, 'modules.trace');
  const result = join(dir, 'result.json');
  const src = (path: string) => JSON.stringify(join(REPO_ROOT, path));
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    import { startConsole } from ${src('src/cli/console-command.ts')};
    import { watcherFeed } from ${src('src/cli/watcher-feed.ts')};
    import { createReadOnlyBackend } from ${src('src/actions/read-only-backend.ts')};
    import { resolveSpoolConfig } from ${src('src/config/spool-config.ts')};
    import { pressSequence } from ${src('src/ui/keymap.ts')};
    import { createFakeTerminal, waitForScreen } from ${src('test/helpers/fake-terminal.ts')};
    const modules = () => readFileSync(process.env.POSTQ_MODULE_TRACE, 'utf8').split('\\n').filter(Boolean);
    const term = createFakeTerminal(100, 24);
    let atFeed = null;
    const exit = startConsole({
      config: resolveSpoolConfig({ spool: ${JSON.stringify(copy.spool)} }),
      backend: createReadOnlyBackend(),
      theme: 'default',
      host: 'test',
      altScreen: false,
      env: { TERM: 'xterm-256color', HOME: '/nonexistent' },
      stdout: term.stdout,
      stdin: term.stdin,
      stderr: term.stderr,
      keepProcess: true,
      warmStart: false,
      feed: (store, config, fail, gate) => ((atFeed = modules()), watcherFeed(store, config, fail, gate, false)),
    });
    await waitForScreen(term, /^> [0-9A-F]{6,}/m, 20000);
    term.stdin.write(pressSequence('app.quit'));
    const code = await exit;
    writeFileSync(${JSON.stringify(result)}, JSON.stringify({ code, atFeed, after: modules() }));
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', join(REPO_ROOT, 'test/helpers/module-trace.mjs'), '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, POSTQ_MODULE_TRACE: trace, TZ: 'UTC' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const status = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  expect(status).toBe(0);
  const { code, atFeed, after } = JSON.parse(readFileSync(result, 'utf8')) as { code: number; atFeed: string[] | null; after: string[] };
  expect(code).toBe(0);
  // The trace works: the console's own modules were in it when the feed started.
  expect(atFeed!.some((m) => m.endsWith('/src/cli/console-command.ts'))).toBe(true);
  expect(atFeed!.some((m) => m.endsWith('/src/watch/spool-watcher.ts'))).toBe(true);
  expect(atFeed!.filter((m) => UI.test(m))).toEqual([]);
  expect(after.some((m) => m.includes('/node_modules/ink/'))).toBe(true);
  expect(after.some((m) => m.endsWith('/src/ui/app.tsx'))).toBe(true);
}, 60_000);
