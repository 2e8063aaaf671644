/**
 * The repository's own promises: tests never write to the user's real audit log; a missing
 * corpus fails with one line saying where it comes from; the license package.json names has
 * its LICENSE file; packed tarballs are not committed.
 */
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditLogPath } from '../../src/actions/audit-log.js';
import { assertCorpus, REPO_ROOT } from '../helpers/corpus.js';

describe('house keeping', () => {
  it('without POSTQ_AUDIT_LOG the audit log a test (or a CLI it spawns) writes is under a temp dir, never ~/.local/state', () => {
    const env = { ...process.env };
    delete env.POSTQ_AUDIT_LOG;
    const path = auditLogPath(env);
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(path.startsWith(join(homedir(), '.local'))).toBe(false);
  });

  it('a missing corpus: one clear line naming where it comes from', () => {
    expect(() => assertCorpus('/nonexistent/shared/corpus')).toThrow(
      /^the test corpus is missing: \/nonexistent\/shared\/corpus \(\.\.\/shared\/corpus beside this checkout, as \.ci\/run provides it/,
    );
  });

  it('LICENSE holds the license package.json names; *.tgz is ignored', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('*.tgz');
  });
});
