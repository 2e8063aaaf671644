/**
 * Text that comes from the command line or a file the user points at is untrusted too: escape
 * characters in arguments are shown (`^[`) in usage errors, never sent; a theme path symlinked
 * to a secret file does not print the secret's first bytes in the error.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';
import { hostileSpool, plantSecret, type HostileSpool } from './hostile-spool.js';

let spool: HostileSpool;
beforeAll(ensureBuilt);
afterEach(() => spool?.cleanupAll());

describe('untrusted text from argv and theme files', () => {
  it('escape characters from arguments never reach stderr raw', async () => {
    spool = hostileSpool();
    for (const args of [['\x1b]0;pwned\x07'], ['list', '\x1b[2J'], ['list', '--\x1b[31mred'], ['cat', '\x1b[31mX']]) {
      // The built CLI for the first, runMain in process (postq-in-process.ts) for the others.
      const r = args.length === 1 ? runCli([...args, '--spool', spool.spool]) : await cliInProcess([...args, '--spool', spool.spool]);
      expect(r.status).toBe(2);
      expect(r.stderr).not.toContain('\x1b');
      expect(r.stderr).toContain('^[');
    }
  });

  it('a theme file symlinked to a secret does not show the secret in the error', () => {
    spool = hostileSpool();
    const secret = plantSecret(spool.outside, 'shadow', 'root:$6$SECRETHASH:19000:0:99999:7:::');
    const config = join(spool.outside, 'config');
    mkdirSync(join(config, 'postq', 'themes'), { recursive: true });
    symlinkSync(secret, join(config, 'postq', 'themes', 'evil.json'));
    const r = runCli(['--theme', 'evil', '--spool', spool.spool], { XDG_CONFIG_HOME: config });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not valid JSON');
    expect(r.stderr).not.toContain('SECRETHASH');
    expect(r.stderr).not.toContain('root:');
  });
});
