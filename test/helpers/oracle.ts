/**
 * Reading Postfix's own outputs in a corpus's oracle/ directory: mailq blocks, postqueue -j
 * lines, postcat outputs and their .err notes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { printable } from '../../src/spool/printable.js';

export interface MailqText {
  header: string;
  footer: string;
  blocks: string[];
}

/** Split mailq output into header line, message blocks (sorted: directory order may differ) and footer. */
export function splitMailq(text: string): MailqText {
  if (!text.includes('\n\n')) return { header: '', footer: text, blocks: [] };
  const parts = text.split('\n\n');
  const first = parts[0]!;
  const newline = first.indexOf('\n');
  const footer = parts[parts.length - 1]!;
  const blocks = [first.slice(newline + 1), ...parts.slice(1, -1)];
  return { header: first.slice(0, newline), footer, blocks: blocks.sort() };
}

export function readJsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

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
