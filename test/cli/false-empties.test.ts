/**
 * No false empties: a -c that postconf cannot read, or a --spool that is no Postfix spool, is
 * refused with the reason (exit 3) by list, cat and the console, never shown as an empty queue.
 * The built CLI for each command once (-c) and for the console; list and cat on the other
 * directories through runMain in process (postq-in-process.ts).
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool, REPO_ROOT } from '../helpers/corpus.js';
import { postqInProcess } from '../helpers/postq-in-process.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const empty = mkdtempSync(join(tmpdir(), 'postq-empty-'));
const copy = copyCorpusSpool('basic');
beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
});
afterAll(() => {
  rmSync(empty, { recursive: true, force: true });
  copy.cleanup();
});

const run = (args: string[]) => spawnSync('node', [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('refused, never a false "Mail queue is empty"', () => {
  const missing = join(empty, 'no-such-config');
  for (const [what, args] of [
    ['list', ['list']],
    ['cat', ['cat', 'ABCDEF12345']],
    ['the console', []],
  ] as const) {
    it(`${what} -c DIR that postconf cannot read: exit 3 with postconf's reason`, () => {
      const r = run([...args, '-c', missing]);
      expect(r.status).toBe(3);
      expect(r.stderr).toBe(`postq: -c ${missing}: postconf: open ${missing}/main.cf: No such file or directory\n`);
      expect(r.stdout).not.toContain('Mail queue is empty');
    });

    it(`${what} --spool that is not a spool (/etc, an empty dir, a queue dir): exit 3`, async () => {
      for (const dir of ['/etc', empty, join(copy.spool, 'deferred')]) {
        // The console would load Ink in this process: it runs as a process of its own.
        const r = what === 'the console' ? run([...args, '--spool', dir]) : await postqInProcess([...args, '--spool', dir]);
        expect(r.status).toBe(3);
        expect(r.stderr).toContain(`postq: ${dir} is not a Postfix spool: it has none of the queue directories`);
        expect(r.stdout).toBe('');
      }
    });
  }

  it('a real spool copy still lists', async () => {
    const r = await postqInProcess(['list', '--spool', copy.spool]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Requests.');
  });
});
