/**
 * A Node older than 20.19 gets one clear line and exit 5 before anything that needs Node 20
 * loads (Ink's string-width uses the RegExp v flag): the built bin and the single-file bundle.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNodeTooOld } from '../../src/node-check.js';
import { REPO_ROOT } from '../helpers/corpus.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const OLD = join(REPO_ROOT, 'test/helpers/old-node.mjs');
beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
});

describe('Node older than 20.19', () => {
  it('the version rule', () => {
    expect(isNodeTooOld('18.19.0')).toBe(true);
    expect(isNodeTooOld('20.18.3')).toBe(true);
    expect(isNodeTooOld('v20.19.0')).toBe(false);
    expect(isNodeTooOld('22.1.0')).toBe(false);
  });

  it('the bin says what is needed and exits 5, whatever the command', () => {
    for (const args of [['list'], [], ['--demo']]) {
      const r = spawnSync('node', ['--import', OLD, CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(5);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('postq: needs Node 20.19 or newer; this is Node 18.19.0. On Debian 12 (apt has Node 18) install Node 20 from NodeSource (deb.nodesource.com, node_20.x) or nodejs.org; see the README.\n');
    }
  });
});
