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
