/**
 * Actions only ever touch the spool on screen. A stand-in Postfix instance (its own config
 * directory, reached through MAIL_CONFIG as postsuper would find it) holds messages; a copy
 * of its queue carries the same ids. The console on a bare `--spool COPY` must be read-only
 * (the header says why), and no action key may change the instance or the copy. The CLI
 * refuses the same without `--backend direct`, and with -c it pins postsuper to that instance.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { createPostfixInstance, type PostfixInstance, type PostqueueEntry } from '../helpers/postfix-instance.js';
import { postqInProcess } from '../helpers/postq-in-process.js';
import { startTmux } from '../helpers/tmux.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
let pf: PostfixInstance;
let copyRoot: string;
let copy: string;
let before: string;

/** What postqueue -j says, reduced to what an action would change. */
const shape = (entries: PostqueueEntry[]) =>
  JSON.stringify(entries.map((e) => [e.queue_id, e.queue_name, e.forced_expire]).sort());
/** Every file of the copy with its mode: an action on the copy would change this. */
const files = (dir: string) => execFileSync('find', [dir, '-type', 'f', '-printf', '%P %m\n'], { encoding: 'utf8' }).split('\n').sort().join('\n');

beforeAll(async () => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
  pf = await createPostfixInstance({ label: 'standin' });
  for (let i = 0; i < 3; i++) pf.sendmail('alice@example.org', [`bob${i}@example.net`], `Subject: m${i}\n\nbody ${i}\n`);
  const listed = await pf.waitForDeferred(3);
  // One on hold, so release has something to act on too.
  pf.postsuper(['-h', listed[0]!.queue_id]);
  await pf.waitForQueue((q) => q.some((e) => e.queue_name === 'hold'));
  copyRoot = mkdtempSync(join(tmpdir(), 'postq-copy-'));
  copy = join(copyRoot, 'spool');
  execFileSync('mkdir', [copy]);
  for (const q of ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt', 'defer', 'bounce']) {
    if (existsSync(join(pf.queueDirectory, q))) execFileSync('cp', ['-a', join(pf.queueDirectory, q), copy]);
  }
  before = shape(pf.postqueueJson());
});

afterAll(() => {
  pf?.stop();
  if (copyRoot) rmSync(copyRoot, { recursive: true, force: true });
});

describe('a bare --spool copy is read-only', () => {
  it('console: every action key leaves the instance and the copy unchanged; the header says why', async () => {
    const copyBefore = files(copy);
    const pane = startTmux({ columns: 120, rows: 24, argv: ['node', CLI, '--spool', copy], cwd: REPO_ROOT, env: { MAIL_CONFIG: pf.configDir, TZ: 'UTC' } });
    try {
      const screen = await pane.waitFor('[RO: --spool without -c]');
      expect(screen).toContain('no Postfix configuration manages');
      // A depth sparkline may follow each count once the first trend sample is in.
      await pane.waitFor(/def(?:erred)? 2 [▁-█ ]*\s+hold 1/);
      for (const id of ['queue.hold', 'queue.release', 'queue.requeue', 'queue.delete', 'queue.expire', 'queue.deliver']) {
        for (const row of ['list.top', 'list.bottom']) {
          pane.send(pressSequence(row));
          pane.send(pressSequence(id));
          // A single message needs no typed word: y alone would run it.
          pane.send(pressSequence('confirm.yes'));
          await pane.waitFor('is disabled');
          pane.send(pressSequence('confirm.no'));
        }
      }
      // Each refusal named the reason; nothing ran.
      expect(pane.capture()).toMatch(/is disabled: --spool without -c/);
      pane.send(pressSequence('app.quit'));
      await pane.waitUntil(() => pane.exitCode() !== null, 'exit');
    } finally {
      pane.close();
    }
    expect(shape(pf.postqueueJson())).toBe(before);
    expect(files(copy)).toBe(copyBefore);
  });

  it('CLI: actions on a bare --spool are refused without --backend direct; the instance is unchanged', async () => {
    const id = pf.postqueueJson()[0]!.queue_id;
    const env = { ...process.env, MAIL_CONFIG: pf.configDir };
    // The built CLI for hold, runMain in process (postq-in-process.ts) for the others.
    const run = async (args: string[]) => (args[0] === 'hold' ? spawnSync('node', [CLI, ...args], { encoding: 'utf8', env }) : await postqInProcess(args, env));
    for (const action of ['hold', 'release', 'requeue', 'delete', 'expire']) {
      const r = await run([action, '--spool', copy, id, '--yes']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('no Postfix configuration manages');
      const pinned = await run([action, '--spool', copy, '--backend', 'postsuper', id, '--yes']);
      expect(pinned.status).toBe(2);
    }
    expect(shape(pf.postqueueJson())).toBe(before);
  });

  it('CLI under MAIL_CONFIG: postsuper is pinned to the instance postconf answered for (-c passed)', () => {
    const r = spawnSync('node', [CLI, 'hold', '--queue', 'deferred'], { encoding: 'utf8', env: { ...process.env, MAIL_CONFIG: pf.configDir } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`postsuper -c ${pf.configDir} -h - deferred`);
    expect(r.stdout).toContain('would hold 2 messages');
  });
});
