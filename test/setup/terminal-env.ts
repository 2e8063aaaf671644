/**
 * Vitest setup, run in each worker before a test file is imported. CI runs with CI=true, and
 * Ink (through is-in-ci, read once when ink is first imported) then writes no frame but the
 * last, so every in-process terminal test would see a blank screen. The app under test is a
 * terminal program, not a CI job: drop the CI markers here, as the tmux tests do with
 * `env -u CI` for the built CLI. Child processes spawned by tests inherit this, on purpose.
 */
for (const key of Object.keys(process.env)) {
  if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key === 'BUILD_NUMBER' || key === 'RUN_ID' || key.startsWith('CI_')) {
    delete process.env[key];
  }
}

/*
 * The audit log: actions run by tests (and the built CLI they spawn, which inherits this env)
 * must never append to the user's real log (~/.local/state/postq/audit.log). Tests that want
 * a log of their own set POSTQ_AUDIT_LOG; without one, the default path lands under this
 * worker's own temp state directory.
 */
{
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const state = mkdtempSync(join(tmpdir(), 'postq-test-state-'));
  process.env['XDG_STATE_HOME'] = state;
  // Removed after the file's tests (vitest ends its workers without an exit event, so an exit
  // listener alone left one directory per test file in /tmp), and at exit should that not come.
  (await import('vitest')).afterAll(() => rmSync(state, { recursive: true, force: true }));
  (await import('../helpers/remove-on-exit.js')).removeOnExit(state);
}
