/**
 * The shared corpus of real Postfix spools (../shared/corpus/NAME): copy a spool to a temp dir
 * and restore the modes and mtimes git does not keep, from spool-files.tsv. Owners are kept
 * as the current user's (tests do not need Postfix's uids).
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
export const CORPUS_ROOT = resolve(REPO_ROOT, '../shared/corpus');

/**
 * The corpus is not in this repository: it is ../shared/corpus beside the checkout (real
 * spools written by Postfix 3.7, with postqueue/mailq/postcat output as the oracle). Without
 * it the corpus tests fail with this one line, not a raw ENOENT.
 */
export function assertCorpus(root: string = CORPUS_ROOT): void {
  if (!existsSync(root)) {
    throw new Error(`the test corpus is missing: ${root} (../shared/corpus beside this checkout, as .ci/run provides it: real Postfix spools with their postqueue, mailq and postcat output)`);
  }
}

export function corpusNames(): string[] {
  assertCorpus();
  return readdirSync(CORPUS_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(CORPUS_ROOT, d.name, 'spool-files.tsv')))
    .map((d) => d.name)
    .sort();
}

export interface CorpusCopy {
  name: string;
  /** The restored spool (queue_directory). */
  spool: string;
  /** The corpus's oracle/ directory (read-only). */
  oracle: string;
  /** Parameters from MANIFEST.md's first table. */
  manifest: Map<string, string>;
  cleanup(): void;
}

function readManifest(dir: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'MANIFEST.md'), 'utf8').split('\n')) {
    const m = /^\| ([a-z_]+) \| (.*) \|$/.exec(line);
    if (m && !params.has(m[1]!)) params.set(m[1]!, m[2]!.trim());
  }
  return params;
}

/** Copy corpus NAME's spool into a fresh temp dir with its modes and mtimes restored. */
export function copyCorpusSpool(name: string): CorpusCopy {
  assertCorpus();
  const source = join(CORPUS_ROOT, name);
  const work = mkdtempSync(join(tmpdir(), `postq-corpus-${name}-`));
  const spool = join(work, 'spool');
  cpSync(join(source, 'spool'), spool, { recursive: true });
  const rows = readFileSync(join(source, 'spool-files.tsv'), 'utf8').split('\n');
  const dirs: Array<[string, number]> = [];
  for (const row of rows) {
    if (!row || row.startsWith('#')) continue;
    const [path, type, mode, , , , mtime] = row.split('\t');
    if (!path || !mode) continue;
    const abs = join(spool, path);
    if (!existsSync(abs)) continue;
    if (type === 'd') {
      dirs.push([abs, Number.parseInt(mode, 8)]);
      continue;
    }
    chmodSync(abs, Number.parseInt(mode, 8));
    if (mtime && mtime !== '-') {
      const seconds = Number(mtime);
      utimesSync(abs, seconds, seconds);
    }
  }
  // Directory modes last, deepest first, so restrictive modes do not block the file fixes.
  for (const [abs, mode] of dirs.reverse()) chmodSync(abs, mode);
  return {
    name,
    spool,
    oracle: join(source, 'oracle'),
    manifest: readManifest(source),
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}
