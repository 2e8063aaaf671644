/**
 * What postqueue leaves out (`list --all`), exit codes, and the hostile message: no escape
 * sequence from mail reaches the terminal through list, list --json or cat.
 * Output checks run the commands in process (postq-in-process.ts); the exit codes are the
 * built CLI's.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { CLI_PATH as CLI, runCli } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';

let corpus: CorpusCopy;
beforeAll(() => {
  corpus = copyCorpusSpool('basic');
});
afterAll(() => corpus.cleanup());

const json = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('list --all', () => {
  it('adds corrupt, incomplete and unlisted files, each marked with its state and diagnostics', async () => {
    const listed = json((await cliInProcess(['list', '--json', '--spool', corpus.spool])).stdout);
    const all = json((await cliInProcess(['list', '--json', '--all', '--spool', corpus.spool])).stdout);
    const extra = all.filter((e) => !listed.some((l) => l.queue_id === e.queue_id));
    const byId = new Map(extra.map((e) => [e.queue_id, e.postq]));
    // The corpus's MANIFEST: four corrupt/ files, one incomplete incoming file, one file cut in its sender.
    expect(byId.get('07E8622C262')).toMatchObject({ state: 'corrupt', listed_by_postqueue: false });
    expect(byId.get('07E8622C262').diagnostics[0]).toMatchObject({ offset: 116, record_type: 126 });
    expect(byId.get('10A5722C264')).toMatchObject({ state: 'corrupt' });
    expect(byId.get('F027622C261').diagnostics[0].problem).toMatch(/length 268435455/);
    expect(byId.get('52AAC22C26C')).toMatchObject({ state: 'incomplete', mode: '0600' });
    expect(byId.get('886A222C226')).toMatchObject({ state: 'unlisted' });
    expect(byId.get('886A222C226').diagnostics.map((d: { problem: string }) => d.problem).join()).toMatch(/unexpected EOF/);
    expect(extra).toHaveLength(6);
    // Listed but damaged files say so too.
    expect(all.find((e) => e.queue_id === '9735322C228').postq.state).toBe('damaged');
  });

  it('in text, each entry that is not a plain message says what it is, as --json does', async () => {
    const text = (await cliInProcess(['list', '--all', '--spool', corpus.spool])).stdout.split('\n');
    const noteOf = (id: string) => {
      const at = text.findIndex((l) => l.startsWith(id));
      expect(at, id).toBeGreaterThanOrEqual(0);
      return text[at + 1]!.trim();
    };
    expect(noteOf('07E8622C262')).toMatch(/^\[postq: corrupt: offset 116 record 126: /);
    expect(noteOf('52AAC22C26C')).toMatch(/^\[postq: incomplete/);
    expect(noteOf('886A222C226')).toMatch(/^\[postq: unlisted: .*unexpected EOF/);
    expect(noteOf('9735322C228')).toMatch(/^\[postq: damaged/);
    expect(noteOf('749A822C202')).not.toMatch(/postq:/);
    // Without --all the text stays exactly mailq's.
    expect((await cliInProcess(['list', '--spool', corpus.spool])).stdout).not.toContain('[postq:');
  });

  it('--queue restricts the listing and rejects unknown queue names', async () => {
    const held = json((await cliInProcess(['list', '--json', '--queue', 'hold', '--spool', corpus.spool])).stdout);
    expect(held.map((e) => e.queue_name)).toEqual(['hold', 'hold', 'hold']);
    const bad = await cliInProcess(['list', '--queue', 'held', '--spool', corpus.spool]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown queue "held"');
  });
});

describe('exit codes', () => {
  it('2 for usage errors (the first through the built CLI)', async () => {
    expect(runCli(['list', '--bogus']).status).toBe(2);
    expect((await cliInProcess(['cat', '--spool', corpus.spool])).status).toBe(2);
    expect((await cliInProcess(['cat', '--spool', corpus.spool, 'not-an-id!'])).status).toBe(2);
  });

  it('1 when the message is not there', () => {
    const result = runCli(['cat', '--spool', corpus.spool, 'ABCDEF12345']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ABCDEF12345: no such message');
  });

  it('3 with a reason when the spool is missing', () => {
    const result = runCli(['list', '--spool', '/nonexistent/spool']);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('/nonexistent/spool does not exist');
  });

  it('3 and "run as root" when the spool is not readable (as an unprivileged user)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'postq-perm-'));
    chmodSync(dir, 0o755);
    const spool = copyCorpusSpool('basic');
    try {
      chmodSync(spool.spool, 0o700);
      const nobody = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, CLI, 'list', '--spool', spool.spool]);
      expect(nobody.status).toBe(3);
      expect(nobody.stderr.toString()).toMatch(/permission denied .*run postq as root/);
    } finally {
      spool.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the hostile message (corpus tag terminal-escapes) stays inert', () => {
  const escapes = /[\x00-\x08\x0b-\x1f\x7f]|\u009b/;
  it.each([
    [['list']],
    [['list', '--all']],
    [['list', '--json', '--all']],
    [['cat', '0558022C217']],
    [['cat', '0D61522C218']],
    [['cat', 'F346F22C270']],
  ])('postq %j writes no control characters', async (args) => {
    const result = await cliInProcess([...args, '--spool', corpus.spool]);
    expect(result.status).toBe(0);
    expect(result.stdoutBytes.length).toBeGreaterThan(0);
    expect(escapes.test(result.stdout)).toBe(false);
  });

  it('shows the escapes visibly instead', async () => {
    const result = await cliInProcess(['cat', '-h', '--spool', corpus.spool, '0558022C217']);
    expect(result.stdout).toMatch(/\^\[\[2J|\^\[\]0;/);
  });
});
