/**
 * `postq` with no subcommand when it must not draw: stdout/stdin not a terminal, TERM=dumb
 * (in tmux, a real pty), a bad theme or an unknown backend. Each exits 2 with one clear line.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool, REPO_ROOT } from '../helpers/corpus.js';
import { startTmux } from '../helpers/tmux.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const copy = copyCorpusSpool('basic');
const xdg = mkdtempSync(join(tmpdir(), 'postq-xdg-'));
afterAll(() => {
  copy.cleanup();
  rmSync(xdg, { recursive: true, force: true });
});
beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
});

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync('node', [CLI, '--spool', copy.spool, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });

describe('postq (console) refuses cleanly', () => {
  it('not a terminal: exit 2, points to postq list, writes nothing to stdout', () => {
    const r = run([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs a terminal.*use `postq list`/);
    expect(r.stdout).toBe('');
  });

  it('TERM=dumb on a real pty: exit 2 with the same advice', async () => {
    const pane = startTmux({ columns: 80, rows: 24, argv: ['node', CLI, '--spool', copy.spool], env: { TERM: 'dumb' } });
    try {
      const screen = await pane.waitFor('postq list');
      expect(screen).toContain('cannot draw on TERM=dumb');
      await pane.waitUntil(() => pane.exitCode() !== null, 'exit');
      expect(pane.exitCode()).toBe(2);
    } finally {
      pane.close();
    }
  });

  it('a bad theme names the file and the key; an unknown theme lists the ones there are', () => {
    const dir = join(xdg, 'postq', 'themes');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'broken.json'), JSON.stringify({ name: 'broken', tokens: { 'queue.hold': { fg: 'purpleish' } } }));
    const bad = run(['--theme', 'broken'], { XDG_CONFIG_HOME: xdg });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${join(dir, 'broken.json')}: tokens.queue.hold.fg: "purpleish" is not a colour`);
    const unknown = run(['--theme', 'nosuch'], { XDG_CONFIG_HOME: xdg });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no theme "nosuch".*available: .*broken.*default.*mono/);
  });

  it('an unknown backend is a usage error', () => {
    const r = run(['--backend', 'magic']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown backend "magic"');
  });
});
