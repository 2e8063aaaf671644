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
