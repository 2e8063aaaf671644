/**
 * Golden tests: for every spool in ../shared/corpus, postq agrees with Postfix's own tools
 * (oracle/): `list --json` with postqueue -j field for field, `list` with mailq block for block,
 * `cat` (and -e/-h/-b) with postcat byte for byte after sanitizing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool, corpusNames, type CorpusCopy } from '../helpers/corpus.js';
import { runCli } from '../helpers/postq-cli.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { runCat } from '../../src/cli/cat-command.js';
import { postcatOracles } from '../helpers/oracle.js';
import { expectJsonMatches, expectMailqMatches } from '../helpers/queue-compare.js';

// The corpus was generated in UTC (MANIFEST.md); mailq and postcat print local time.
const env = { TZ: 'UTC' };

describe.each(corpusNames())('corpus %s', (name) => {
  let corpus: CorpusCopy;
  beforeAll(() => {
    corpus = copyCorpusSpool(name);
  });
  afterAll(() => corpus.cleanup());

  it('list --json equals postqueue -j, message for message, field for field, as text', () => {
    const result = runCli(['list', '--json', '--spool', corpus.spool], env);
    expect(result.status).toBe(0);
    expectJsonMatches(result.stdout, readFileSync(join(corpus.oracle, 'postqueue.jsonl'), 'utf8'));
  });

  it('list equals mailq: header, every message block, footer', () => {
    const result = runCli(['list', '--spool', corpus.spool], env);
    expect(result.status).toBe(0);
    expectMailqMatches(result.stdout, readFileSync(join(corpus.oracle, 'mailq.txt'), 'utf8'));
  });

  // In-process (the same code path as the CLI's): a process per id and flag is slow.
  it('cat equals postcat for every id and section flag', () => {
    process.env.TZ = 'UTC';
    const config = resolveSpoolConfig({ spool: corpus.spool });
    const oracles = postcatOracles(corpus.oracle);
    expect(oracles.length).toBeGreaterThan(0);
    for (const oracle of oracles) {
      const v = oracle.variant;
      const sections = { envelope: v === 'e', headers: v === 'h', body: v === 'b' };
      let stdout = '';
      let stderr = '';
      const status = runCat(config, oracle.id, sections, (t) => (stdout += t), (t) => (stderr += t));
      const result = { status, stdout, stderr };
      const label = `postq cat ${v ? '-' + v : ''} ${oracle.id}`;
      if (oracle.capped) {
        // postcat looped on this file; postq must stop, and say the file is damaged.
        expect(result.status, label).toBe(1);
        expect(result.stderr, label).toMatch(/damaged at offset \d+/);
        continue;
      }
      expect(result.stdout, label).toBe(oracle.expected);
      if (oracle.exitStatus !== 0) {
        expect(result.status, label).toBe(1);
        expect(result.stderr, label).toMatch(new RegExp(`${oracle.id}: damaged at offset \\d+`));
      }
    }
  });

  it('the built CLI prints the same for one id, and exits 1 naming the damage', () => {
    const plain = postcatOracles(corpus.oracle).find((o) => o.exitStatus === 0 && o.variant === '' && o.expected.length > 0)!;
    const ok = runCli(['cat', '--spool', corpus.spool, plain.id], env);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(plain.expected);
    const damaged = postcatOracles(corpus.oracle).find((o) => o.exitStatus === 1 && !o.capped && o.variant === '');
    if (damaged) {
      const bad = runCli(['cat', '--spool', corpus.spool, damaged.id], env);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toBe(damaged.expected);
      expect(bad.stderr).toMatch(/damaged at offset \d+, record type .*: unexpected EOF/);
    }
  });
});
