/**
 * `--install-remote` over a real OpenSSH server (this file's own, loopback, test key): the
 * single-file bundle, run as a user would run it, copies itself to ~/.cache/postq/postq.mjs
 * on the target over the same ssh, and the command then runs through that copy (the target's
 * PATH has node but no postq, so nothing else could answer). A target without node gets the
 * copy, a note saying Node.js is needed there, and a clear failure when the command runs.
 * Each alias has its own HOME and PATH (test/helpers/sshd.ts), so nothing lands in root's home.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { scanQueues } from '../../src/watch/scan.js';
import { builtBundle } from '../helpers/bundle-build.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

let dir: string;
let bundle: string;
let copy: CorpusCopy;
let sshd: TestSshd;
const homeWith = () => join(dir, 'home-node');
const homeWithout = () => join(dir, 'home-nonode');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postq-install-'));
  // This run's build (test/helpers/bundle-build.ts), run from where it was built.
  bundle = await builtBundle();
  copy = copyCorpusSpool('basic');
  // PATH with node but no postq; and one with only the shell tools the copy step uses.
  const withNode = join(dir, 'bin-node');
  const without = join(dir, 'bin-nonode');
  for (const bin of [withNode, without]) {
    mkdirSync(bin);
    for (const tool of ['sh', 'mkdir', 'cat', 'mv', 'hostname']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
  }
  symlinkSync(process.execPath, join(withNode, 'node'));
  mkdirSync(homeWith());
  mkdirSync(homeWithout());
  sshd = await startSshd([
    { name: 'fleet-node', home: homeWith(), path: withNode },
    { name: 'fleet-nonode', home: homeWithout(), path: without },
  ]);
}, 120_000);

afterAll(() => {
  sshd?.stop();
  copy?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const runBundle = (args: string[]) =>
  spawnSync(process.execPath, [bundle, ...args], { env: { ...process.env, POSTQ_SSH: `ssh -F ${sshd.configFile}`, TZ: 'UTC' }, encoding: 'utf8', timeout: 60_000 });

describe('--install-remote over ssh', () => {
  it('copies the bundle to each host at once; with node the command runs through the copy, without node it says so', () => {
    const run = runBundle(['list', '--json', '--host', 'fleet-node', '--host', 'fleet-nonode', '--spool', copy.spool, '--install-remote']);
    const stderr = run.stderr.trim().split('\n');
    // Each target's install line, in the order given.
    expect(stderr.slice(0, 2)).toEqual([
      'fleet-node: installed ~/.cache/postq/postq.mjs',
      expect.stringMatching(/^fleet-nonode: installed ~\/\.cache\/postq\/postq\.mjs \(note: node is not installed on \S+: postq needs Node\.js >= 20\.19 there\)$/),
    ]);
    for (const home of [homeWith(), homeWithout()]) expect(readFileSync(join(home, '.cache', 'postq', 'postq.mjs')).equals(readFileSync(bundle))).toBe(true);
    // fleet-node: its PATH has node and no postq, so the listing came from the copy.
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { host: string; queue_id: string });
    expect(new Set(lines.map((l) => l.host))).toEqual(new Set(['fleet-node']));
    const scan = scanQueues(resolveSpoolConfig({ spool: copy.spool }), QUEUE_NAMES).filter((e) => e.listed);
    expect(lines.map((l) => l.queue_id).sort()).toEqual(scan.map((e) => e.queueId).sort());
    // fleet-nonode: the copy cannot run, and the reason is named.
    expect(stderr.slice(2).join('\n')).toMatch(/^fleet-nonode: postq: node is not installed on \S+: the remote postq needs Node\.js >= 20\.19$/m);
    expect(run.status).toBe(127);
  });
});
