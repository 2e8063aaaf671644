import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/setup/longest-first.js';

/**
 * The in-process tests (the layers, the UI through ink-testing-library, the watcher) share
 * their workers' module graph (isolate: false): importing React, Ink and our modules again for
 * every file was most of their CPU. Measured on this 2-core machine: store, spool, domain,
 * config and logs 58 s -> 38 s of CPU; ui and watch 89 s -> 33 s, the same tests passing.
 * The files that run the built CLI, terminals or Postfix share theirs too (a fresh worker
 * process and module graph per file cost ~0.5 s of CPU each): test/cli and test/actions, 25
 * files, 87.7 -> 73.3 s of CPU (time(1) on vitest; load 15-24, both runs side by side). No
 * test there mocks, spies or changes the process for good (postq-in-process.ts restores env
 * and stdio after each command). test/remote keeps a fresh graph per file: its files hold
 * links with no-answer timers in the test's own process, and in the one whole run with them
 * shared (load 16-29) fleet-ssh's 8 MB pane timed out ("no answer for 17 s"); not seen with
 * them fresh, not shown to be the cause either.
 */
const SHARED = ['test/store/**', 'test/spool/**', 'test/domain/**', 'test/config/**', 'test/logs/**', 'test/ui/**', 'test/watch/**'].map((dir) => [`${dir}/*.test.ts`, `${dir}/*.test.tsx`]).flat();
/** These patch Ink as it loads, or need it not loaded yet (as the CLI does): a graph of their own. */
const FRESH = ['test/ui/ink-text-cache.test.ts', 'test/ui/ink-output-cache.test.ts', 'test/ui/ink-output-rows.test.ts'];
const REMOTE = ['test/remote/*.test.ts', 'test/remote/*.test.tsx'];

export default defineConfig({
  test: {
    // cpu-log.ts does nothing unless POSTQ_TEST_CPU_LOG is set (`npm run test:cpu`).
    setupFiles: ['test/setup/terminal-env.ts', 'test/setup/cpu-log.ts'],
    globalSetup: ['test/setup/postfix-skeleton.ts', 'test/setup/bundle-dir.ts'],
    // Integration tests start real Postfix instances and tmux sessions; they are slow, not flaky.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real Postfix instances, tmux servers and sshd are per file, and most files wait on them:
    // three workers on two cores took the suite from 379 s to 264 s (measured, clean clone), and
    // still left a core idle a third of the time (201 s of wall for ~270 s of CPU on a quiet
    // run). Four: a model of the run from each file's measured CPU and wall (the README's Tests
    // section) gives 195 s for three, 160-167 s for four (it gives 2 -> 3 as measured, x1.46).
    maxWorkers: 4,
    // Slowest files first, from measured durations (test/setup/longest-first.ts says why).
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      { extends: true, test: { name: 'unit', include: SHARED, exclude: FRESH, isolate: false } },
      // Not `include` at the root: a project that extends it gets the root's patterns too.
      { extends: true, test: { name: 'system', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: [...SHARED, ...REMOTE], isolate: false } },
      { extends: true, test: { name: 'remote', include: REMOTE } },
      { extends: true, test: { name: 'ink-patches', include: FRESH } },
    ],
  },
});
