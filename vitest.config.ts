import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/setup/longest-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup/terminal-env.ts'],
    // Integration tests start real Postfix instances and tmux sessions; they are slow, not flaky.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real Postfix instances, tmux servers and sshd are per file, and most files wait on them:
    // three workers on two cores took the suite from 379 s to 264 s (measured, clean clone).
    maxWorkers: 3,
    // Slowest files first, from measured durations (test/setup/longest-first.ts says why).
    sequence: { sequencer: LongestFirstSequencer },
  },
});
