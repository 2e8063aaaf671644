/**
 * Shape a copy of a corpus spool the way a hostile local user or a broken disk would: symlinks
 * at any level, FIFOs, sockets and device nodes named like queue ids, files outside the spool
 * that must never be read, moved or deleted. Tests run as root (as postq does on a server).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';

export interface HostileSpool extends CorpusCopy {
  /** A directory outside the spool holding what must never leak or be touched. */
  outside: string;
  cleanupAll(): void;
}

export function hostileSpool(): HostileSpool {
  const corpus = copyCorpusSpool('basic');
  const outside = mkdtempSync(join(tmpdir(), 'postq-outside-'));
  return {
    ...corpus,
    outside,
    cleanupAll() {
      corpus.cleanup();
      rmSync(outside, { recursive: true, force: true });
    },
  };
}

/** A secret file outside the spool; its text must never appear in postq's output. */
export function plantSecret(dir: string, name: string, text = 'TOP-SECRET-KEY-MATERIAL'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `${text}\n`);
  return path;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

export function makeFifo(path: string): void {
  run('mkfifo', [path]);
}

/**
 * A UNIX socket left bound at `path`: the file stays when the process exits without closing it
 * (Node unlinks it only on close). Node, not python3: .ci/run's slim machine has no python3.
 */
export function makeSocket(path: string): void {
  run(process.execPath, ['-e', 'require("node:net").createServer().listen(process.argv[1], () => process.exit(0))', path]);
}

/** A character device node (1,5 is /dev/zero's). */
export function makeCharDevice(path: string, major = 1, minor = 5): void {
  run('mknod', [path, 'c', String(major), String(minor)]);
}
