/**
 * Global setup: a directory for this run's single-file bundle (test/helpers/bundle-build.ts
 * says why), handed to the test workers as POSTQ_TEST_BUNDLE_DIR. Nothing is built until a
 * test asks for the bundle; the directory goes at the end of the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_DIR_ENV } from '../helpers/bundle-build.js';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'postq-test-bundle-'));
  process.env[BUNDLE_DIR_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
