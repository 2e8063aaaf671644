/**
 * src/demo is a program beside the console, not part of it: it uses Node built-ins and the
 * project's own modules only (no npm package, so the single-file bundle and `npm start` carry
 * nothing extra), and never the UI, the store or the console's backends.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';

const DIR = join(REPO_ROOT, 'src', 'demo');

describe('src/demo imports', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it('has modules to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  for (const file of files) {
    it(`${file}: node: built-ins and project modules outside ui/, store/ and actions/ only`, () => {
      const source = readFileSync(join(DIR, file), 'utf8');
      const specs = [...source.matchAll(/\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
      for (const spec of specs) {
        expect(spec.startsWith('node:') || spec.startsWith('./') || spec.startsWith('../'), `${file}: ${spec}`).toBe(true);
        expect(/^\.\.\/(ui|store|actions|cli)\//.test(spec), `${file}: ${spec}`).toBe(false);
      }
    });
  }
});
