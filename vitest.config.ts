import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup/terminal-env.ts'],
    // Integration tests start real Postfix instances and tmux sessions; they are slow, not flaky.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real Postfix instances and tmux servers are per-file; two cores, so keep it modest.
    maxWorkers: 3,
  },
});
