/**
 * A large spool for the benchmark. As root with Postfix installed: ../shared/tools/
 * make-bigspool.sh (real Postfix template files cloned under valid new ids, with a config dir
 * so `postqueue -c DIR -j` reads the same spool). Otherwise: our own generator, which copies the
 * corpus's real queue files (and defer logs) under new short ids into their hashed paths.
 * A spool of the right size from an earlier run is reused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CORPUS_ROOT } from '../test/helpers/corpus.js';
import { generateSpool } from '../test/helpers/generated-spool.js';

export interface BenchSpool {
  spool: string;
  /** A config dir for postqueue -c, when Postfix made it. */
  configDir: string | null;
  how: string;
}

const BIGSPOOL = resolve(CORPUS_ROOT, '../tools/make-bigspool.sh');

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function countFiles(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else n++;
    }
  };
  for (const q of ['incoming', 'active', 'deferred', 'hold']) if (existsSync(join(dir, q))) walk(join(dir, q));
  return n;
}

export function ensureSpool(workDir: string, messages: number, log: (s: string) => void): BenchSpool {
  // A spool made earlier (e.g. make-bigspool.sh OUT N once, reused): BENCH_SPOOL=OUT.
  const given = process.env.BENCH_SPOOL;
  if (given) {
    const configDir = existsSync(`${given}-etc`) ? `${given}-etc` : null;
    return { spool: resolve(given), configDir, how: `given (BENCH_SPOOL) ${given}` };
  }
  mkdirSync(workDir, { recursive: true });
  const postfix = process.getuid?.() === 0 && hasCommand('postfix') && existsSync(BIGSPOOL);
  const spool = join(workDir, `${postfix ? 'bigspool' : 'genspool'}-${messages}`);
  const configDir = postfix ? `${spool}-etc` : null;
  if (existsSync(spool) && countFiles(spool) === messages && (!configDir || existsSync(configDir))) {
    return { spool, configDir, how: `reused ${spool}` };
  }
  if (postfix) {
    log(`building ${messages} messages with make-bigspool.sh (real Postfix templates) ...`);
    const r = spawnSync('bash', [BIGSPOOL, spool, String(messages)], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`make-bigspool.sh failed (${r.status})`);
    return { spool, configDir, how: 'make-bigspool.sh (real Postfix templates)' };
  }
  log(`building ${messages} messages from the corpus's queue files (no root/Postfix) ...`);
  generateSpool(spool, messages);
  return { spool, configDir: null, how: 'corpus queue files cloned under new ids' };
}
