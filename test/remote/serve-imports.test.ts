/**
 * `postq serve --stdio` (run over ssh on every fleet host) loads no Ink, React or src/ui/:
 * the built CLI runs under a module-trace preload, speaks its hello, and the trace of every
 * module it resolved is checked. The console (`postq --demo`-style imports) would pull in
 * ink through console-command.ts; serve chooses its backend through choose-backend.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';

let copy: CorpusCopy;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  copy = copyCorpusSpool('basic');
  dir = mkdtempSync(join(tmpdir(), 'postq-trace-'));
});
afterAll(() => {
  copy?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Run `postq serve --stdio`, wait for its hello, close stdin; the modules it loaded. */
function traceServe(trace: string): Promise<{ hello: string; modules: string[]; code: number | null }> {
  const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'test/helpers/module-trace.mjs'), CLI_PATH, 'serve', '--stdio', '--spool', copy.spool, '--backend', 'direct'], {
    env: { ...process.env, POSTQ_MODULE_TRACE: trace, POSTQ_AUDIT_LOG: join(dir, 'audit.log') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) child.stdin.end();
    });
    child.on('close', (code) => resolve({ hello: out.split('\n')[0]!, modules: readFileSync(trace, 'utf8').split('\n').filter(Boolean), code }));
  });
}

describe('postq serve loads no UI code', () => {
  it('no ink, react or dist/ui among the modules it resolves', async () => {
    const { hello, modules, code } = await traceServe(join(dir, 'serve.trace'));
    expect(JSON.parse(hello)).toMatchObject({ t: 'hello', queueDirectory: copy.spool });
    expect(code).toBe(0);
    // The trace works: serve's own modules are in it.
    expect(modules.some((m) => m.endsWith('/dist/cli/serve-command.js'))).toBe(true);
    expect(modules.some((m) => m.endsWith('/dist/cli/choose-backend.js'))).toBe(true);
    expect(modules.some((m) => m.endsWith('/dist/watch/spool-watcher.js'))).toBe(true);
    // ui/lost-terminal.js (fs and tty only) is loaded by cli.js for every command.
    const ui = modules.filter((m) => /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\/|\/dist\/ui\/(?!lost-terminal\.js$)|\/dist\/cli\/console-command\.js$/.test(m));
    expect(ui).toEqual([]);
  });
});
