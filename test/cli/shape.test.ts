/**
 * `postq shape` against Postfix's own qshape (Debian's /usr/sbin/qshape, run on the same
 * spool at the same moment): on the corpus and on a 3,000-message spool of the corpus's real
 * Postfix queue files under new ids (test/helpers/generated-spool.ts). The heading and TOTAL lines
 * must be equal byte for byte, the domain lines equal as a set, and in the same order of
 * counts (qshape breaks ties between equal counts and lengths in Perl's hash order). The first
 * case runs the built CLI, the others runMain in process (postq-in-process.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { generateSpool } from '../helpers/generated-spool.js';
import { runCli } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';
import { writePostfixConfig } from '../helpers/postfix-config.js';

let corpus: CorpusCopy;
let work: string;
let corpusEtc: string;
let bigEtc: string;

beforeAll(() => {
  corpus = copyCorpusSpool('basic');
  work = mkdtempSync(join(tmpdir(), 'postq-shape-'));
  corpusEtc = join(work, 'corpus-etc');
  mkdirSync(corpusEtc);
  writePostfixConfig(join(corpusEtc, 'main.cf'), `queue_directory = ${corpus.spool}\n`);
  writePostfixConfig(join(corpusEtc, 'master.cf'), '');
  // The corpus's real queue files under 3,000 new ids, ages spread over a day (every bucket
  // filled): make-bigspool.sh needs a Postfix run to make its templates, a minute of the suite.
  generateSpool(join(work, 'big'), 3000);
  bigEtc = join(work, 'big-etc');
  mkdirSync(bigEtc);
  writePostfixConfig(join(bigEtc, 'main.cf'), `queue_directory = ${join(work, 'big')}\n`);
  writePostfixConfig(join(bigEtc, 'master.cf'), '');
}, 300_000);
afterAll(() => {
  corpus?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The same as qshape's output: headings and TOTAL byte for byte, rows as a set, in count order. */
function same(oracle: string, ours: string): boolean {
  const [a, b] = [oracle, ours].map((t) => t.split('\n'));
  const totals = (lines: string[]) => lines.slice(2).map((l) => l.trim().split(/\s+/)[1]).join();
  return a!.slice(0, 2).join() === b!.slice(0, 2).join() && [...a!].sort().join('\n') === [...b!].sort().join('\n') && totals(a!) === totals(b!);
}

/** The built CLI for the first case, runMain in process (postq-in-process.ts) for the rest. */
let spawned = false;
const run = async (args: string[]) => (spawned ? cliInProcess(args) : ((spawned = true), runCli(args)));

async function compare(etc: string, args: string[]) {
  const qshape = () => {
    const r = spawnSync('qshape', ['-c', etc, ...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  // qshape reads the clock too: a message may cross a bucket's edge between the runs, so
  // postq runs between two qshape runs and must equal one of them (the second one is run
  // only when the first differs: qshape is a Perl process reading every file).
  const before = qshape();
  const ours = await run(['shape', '-c', etc, ...args]);
  expect(ours.status, ours.stderr).toBe(0);
  if (!same(before, ours.stdout)) {
    const after = qshape();
    expect(ours.stdout).toBe(after);
    expect(same(after, ours.stdout)).toBe(true);
  }
  return before.split('\n').length;
}

describe('postq shape equals qshape', () => {
  it.each([[[]], [['deferred']], [['hold']], [['-s', 'deferred']], [['-s', 'hold']], [['incoming', 'active', 'deferred', 'hold', 'maildrop']]])('corpus: qshape %j', async (args) => {
    expect(await compare(corpusEtc, args)).toBeGreaterThan(2);
  });

  it.each([[[]], [['-s', 'deferred']], [['hold', 'incoming', 'active', 'deferred']]])('3,000 messages: qshape %j', async (args) => {
    expect(await compare(bigEtc, args)).toBeGreaterThan(3);
  });
});
