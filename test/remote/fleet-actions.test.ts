/**
 * An action on several targets from the CLI (`postq hold --host ... --yes`) ends with one
 * result line per target: two `exec:` targets, each its own corpus copy (`env -C DIR` puts the
 * remote postq in that directory, `--spool spool` is then that copy; the direct backend moves
 * real files), and one target whose transport fails. The lines say what each target did;
 * the files moved on each copy as its line says. The local audit log gets an intent line per
 * target before and a done line per target after (each target's postq writes its own log
 * too); an unusable local log refuses the action before any target is asked.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { scanQueues } from '../../src/watch/scan.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { ensureBuilt, runPostq } from '../helpers/postq-cli.js';

let a: CorpusCopy;
let b: CorpusCopy;
const REMOTE_POSTQ = `${process.execPath} ${join(process.cwd(), 'dist', 'cli.js')}`;

beforeAll(async () => {
  await ensureBuilt();
  a = copyCorpusSpool('basic');
  b = copyCorpusSpool('basic');
});
afterAll(() => {
  a?.cleanup();
  b?.cleanup();
});

const deferred = (copy: CorpusCopy) =>
  scanQueues(resolveSpoolConfig({ spool: copy.spool }), QUEUE_NAMES)
    .filter((e) => e.queueName === 'deferred' && e.state === 'ok')
    .map((e) => e.queueId)
    .sort();
const held = (copy: CorpusCopy) => new Set(scanQueues(resolveSpoolConfig({ spool: copy.spool }), ['hold']).map((e) => e.queueId));

describe('an action fanned out over targets, from the CLI', () => {
  it('prints one result line per target: its count, or why it has none', () => {
    const [one, two] = deferred(a);
    const heldBefore = held(a);
    expect(held(b)).toEqual(heldBefore);
    // On b, one of the two is gone before the action.
    const gone = scanQueues(resolveSpoolConfig({ spool: b.spool }), ['deferred']).find((e) => e.queueId === two)!;
    rmSync(join(b.spool, gone.path));
    const targets = [`exec:env -C ${dirname(a.spool)}`, `exec:env -C ${dirname(b.spool)}`, 'exec:env -C /nonexistent-postq-dir'];
    const argv = ['hold', one!, two!, '--spool', 'spool', '--backend', 'direct', '--remote-postq', REMOTE_POSTQ, '--yes', '--no-audit'];
    const run = runPostq([...targets.flatMap((t) => ['--host', t]), ...argv]);
    const tail = run.stdout.slice(run.stdout.indexOf('== result per target =='));
    expect(tail.split('\n').filter(Boolean)).toEqual([
      '== result per target ==',
      `${targets[0]}: held 2 of 2 messages`,
      `${targets[1]}: held 1 of 2 messages; 1 not found (already gone) (exit 1)`,
      expect.stringMatching(new RegExp(`^${targets[2]}: failed \\(exit 125\\): env: cannot change directory to '/nonexistent-postq-dir'`)),
    ]);
    expect(run.status).toBe(125);
    expect(held(a)).toEqual(new Set([...heldBefore, one, two]));
    expect(held(b)).toEqual(new Set([...heldBefore, one]));
    expect(existsSync(join(b.spool, gone.path))).toBe(false);
  });

  it('a dry run says per target what it would do, and changes nothing', () => {
    const [, , three] = deferred(b);
    const target = `exec:env -C ${dirname(b.spool)}`;
    const run = runPostq(['hold', three!, '--host', target, '--host', 'exec:true', '--spool', 'spool', '--backend', 'direct', '--remote-postq', REMOTE_POSTQ, '--dry-run']);
    const tail = run.stdout.slice(run.stdout.indexOf('== result per target ==')).split('\n').filter(Boolean);
    expect(tail).toEqual(['== result per target ==', `${target}: would hold 1 message:`, 'exec:true: no result line (exit 0)']);
    expect(held(b).has(three!)).toBe(false);
  });

  it('audits locally: an intent and a done line per target, beside each target\'s own log', () => {
    const [, , , four] = deferred(a);
    const logs = mkdtempSync(join(tmpdir(), 'postq-fanout-audit-'));
    const local = join(logs, 'local.log');
    const targets = [`exec:env -C ${dirname(a.spool)} POSTQ_AUDIT_LOG=${join(logs, 'remote.log')}`, 'exec:env -C /nonexistent-postq-dir'];
    const argv = ['hold', four!, '--spool', 'spool', '--backend', 'direct', '--remote-postq', REMOTE_POSTQ, '--yes'];
    const run = runPostq([...targets.flatMap((t) => ['--host', t]), ...argv], { ...process.env, POSTQ_AUDIT_LOG: local });
    expect(run.status).toBe(125);
    expect(held(a).has(four!)).toBe(true);
    const lines = readFileSync(local, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const target of targets) {
      const mine = lines.filter((l) => l.target === target);
      expect(mine.map((l) => l.phase)).toEqual(['intent', 'done']);
      // The arguments run there (--spool is the fleet's, passed on to each target).
      expect(mine[0]).toMatchObject({ action: 'hold', argv: expect.arrayContaining(['hold', four, '--yes', '--spool', 'spool']) });
    }
    expect(lines.find((l) => l.target === targets[0] && l.phase === 'done')).toMatchObject({ exit: 0, result: 'held 1 of 1 message' });
    expect(lines.find((l) => l.target === targets[1] && l.phase === 'done')).toMatchObject({ exit: 125 });
    expect(new Set(lines.map((l) => l.run)).size).toBe(1);
    // The target's postq kept its own log: it names the id it held.
    expect(readFileSync(join(logs, 'remote.log'), 'utf8')).toContain(four!);
    rmSync(logs, { recursive: true, force: true });
  });

  it('an unusable local audit log refuses the action on every target, changing nothing', () => {
    const [, , , , five] = deferred(a);
    const logs = mkdtempSync(join(tmpdir(), 'postq-fanout-audit-'));
    const local = join(logs, 'local.log');
    symlinkSync('/etc/passwd', local);
    const target = `exec:env -C ${dirname(a.spool)}`;
    const run = runPostq(['hold', five!, '--host', target, '--spool', 'spool', '--backend', 'direct', '--remote-postq', REMOTE_POSTQ, '--yes'], { ...process.env, POSTQ_AUDIT_LOG: local });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not acting on any target: the audit log cannot be used');
    expect(run.stderr).toContain('symbolic link');
    expect(held(a).has(five!)).toBe(false);
    rmSync(logs, { recursive: true, force: true });
  });
});
