/**
 * Test files in longest-first order, from durations measured on a quiet run (durations.json),
 * each project's files together.
 *
 * Why longest first: vitest orders by its own cache of past durations, but CI starts from a
 * clean checkout with no cache, and then orders by file size. The slowest files here (tmux
 * sessions, real Postfix instances, a lifetime that must run out) are small files, so they
 * started last and the run waited on them with idle workers. Longest first is the classic fix
 * for that tail. Files not in the table (new ones) run first in their project.
 *
 * Why each project's files together: vitest (4.1, its pool's schedule()) hands a finished
 * worker of an `isolate: false` project the next file only if the next file in its queue is
 * of the same project; otherwise it ends the worker, and the next file of that project starts
 * a fresh one, which imports React, Ink and postq again. Longest first across the projects
 * interleaved them: 166 worker processes for 196 files, their CPU 91 s of the run's 185 s.
 * Projects go longest first by their longest file (the system tests' bundle file leads).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const DURATIONS: Record<string, number> = JSON.parse(readFileSync(new URL('./durations.json', import.meta.url), 'utf8'));

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const known = (spec: TestSpecification) => DURATIONS[relative(spec.project.config.root, spec.moduleId)] ?? Infinity;
    const longest = new Map<string, number>();
    for (const spec of files) longest.set(spec.project.name, Math.max(longest.get(spec.project.name) ?? 0, known(spec)));
    const projectRank = (spec: TestSpecification) => longest.get(spec.project.name)!;
    return [...files].sort((a, b) => projectRank(b) - projectRank(a) || (a.project.name < b.project.name ? -1 : a.project.name > b.project.name ? 1 : 0) || known(b) - known(a));
  }
}
