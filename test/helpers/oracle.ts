/**
 * Reading postcat's outputs in a corpus's oracle/ directory, with their .err notes (mailq and
 * postqueue -j comparisons are in queue-compare.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { printable } from '../../src/spool/printable.js';

export interface PostcatOracle {
  id: string;
  /** '' for plain postcat, or e/h/b. */
  variant: string;
  /** postcat's stdout, sanitized the way postq sanitizes text for a terminal. */
  expected: string;
  /** Exit status postcat had (0 when no .err file). */
  exitStatus: number;
  /** The output was cut by the corpus tool (postcat looped): not comparable byte for byte. */
  capped: boolean;
}

function readMaybeGz(path: string): Buffer | null {
  if (existsSync(path)) return readFileSync(path);
  if (existsSync(path + '.gz')) return gunzipSync(readFileSync(path + '.gz'));
  return null;
}

export function postcatOracles(oracleDir: string): PostcatOracle[] {
  const dir = join(oracleDir, 'postcat');
  const ids = [...new Set(readdirSync(dir).map((f) => f.split('.')[0]!))].sort();
  const out: PostcatOracle[] = [];
  for (const id of ids) {
    for (const variant of ['', 'e', 'h', 'b']) {
      const base = join(dir, variant ? `${id}.${variant}` : id);
      const bytes = readMaybeGz(`${base}.txt`);
      if (!bytes) continue;
      const err = existsSync(`${base}.err`) ? readFileSync(`${base}.err`, 'utf8') : '';
      const status = /exit_status: (\d+)/.exec(err);
      out.push({
        id,
        variant,
        expected: printable(bytes.toString('utf8'), { keepTab: true, keepNewline: true }),
        exitStatus: status ? Number(status[1]) : 0,
        capped: err.includes('was cut'),
      });
    }
  }
  return out;
}

/**
 * Each message's body as postcat printed it, raw: from the whole output (after the headers'
 * blank line) where postcat read the file to its end, else from `postcat -b`. Not -b alone:
 * with -b postcat puts the rest of an over-long header line (L records) into the body.
 */
export function postcatBodies(oracleDir: string): Map<string, string> {
  const dir = join(oracleDir, 'postcat');
  const out = new Map<string, string>();
  for (const id of new Set(readdirSync(dir).map((f) => f.split('.')[0]!))) {
    const whole = readMaybeGz(join(dir, `${id}.txt`))?.toString('utf8') ?? '';
    const contents = /\*\*\* MESSAGE CONTENTS \S+ \*\*\*\n([\s\S]*?)\*\*\* HEADER EXTRACTED/.exec(whole)?.[1];
    const body = contents !== undefined ? contents.slice(contents.indexOf('\n\n') + 1) : readMaybeGz(join(dir, `${id}.b.txt`))?.toString('utf8');
    if (body !== undefined) out.set(id, body);
  }
  return out;
}
