/**
 * Test files in longest-first order, from durations measured on a quiet run (durations.json).
 *
 * Why: vitest orders by its own cache of past durations, but CI starts from a clean checkout
 * with no cache, and then orders by file size. The slowest files here (tmux sessions, real
 * Postfix instances, a lifetime that must run out) are small files, so they started last and
 * the run waited on them with idle workers. Longest first is the classic fix for that tail.
 * Files not in the table (new ones) run first, as vitest runs unknown files first.
 * Regenerate the table with `npm run test:durations` after a quiet `npm test`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const DURATIONS: Record<string, number> = JSON.parse(readFileSync(new URL('./durations.json', import.meta.url), 'utf8'));

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const known = (spec: TestSpecification) => DURATIONS[relative(spec.project.config.root, spec.moduleId)];
    return [...files].sort((a, b) => (known(b) ?? Infinity) - (known(a) ?? Infinity));
  }
}
