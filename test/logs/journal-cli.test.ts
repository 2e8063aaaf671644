/**
 * `postq log --log journal` through a stand-in `journalctl` on PATH that records its argv and
 * prints a recorded `journalctl -o json` fixture (fixtures/journal-postfix.jsonl: a real
 * Postfix 3.7 run, SMTP session, requeue, expire and bounces, in journald's record form,
 * plus a dovecot record naming an id and one hostile record whose MESSAGE is bytes with
 * escapes and a bidi override). The code path is the one used with a real journal.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runPostq } from '../helpers/postq-cli.js';
import { writePostfixConfig } from '../helpers/postfix-config.js';

const FIXTURE = resolve(__dirname, 'fixtures/journal-postfix.jsonl');
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'postq-journal-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'etc'));
  writePostfixConfig(join(dir, 'etc', 'main.cf'), 'syslog_name = postfix\nmaillog_file =\n');
  const stub = join(dir, 'bin', 'journalctl');
  writeFileSync(stub, `#!/bin/sh\nprintf '%s\\n' "$@" > '${join(dir, 'argv')}'\nexec cat '${FIXTURE}'\n`);
  chmodSync(stub, 0o755);
  env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, TZ: 'UTC' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('postq log --log journal', () => {
  it("shows the first message's session, deferral, requeue and bounce hops, each linked id's trail", () => {
    const r = runPostq(['log', '-c', join(dir, 'etc'), '--log', 'journal', '3125320CBF8'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'argv'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['-o', 'json', 'SYSLOG_FACILITY=2']));
    const out = r.stdout;
    expect(out.split('\n')[0]).toMatch(/^log: journal \(\d+ records\) \[given with --log\]$/);
    const block = (id: string) => out.slice(out.indexOf(`\n${id}:`), out.indexOf('\n\n', out.indexOf(`\n${id}:`) + 1));
    expect(block('3125320CBF8')).toMatch(/session +\S+ mx postfix\/smtpd\[9386\]: connect from localhost\[127\.0\.0\.1\]\n +session .*3125320CBF8: client=localhost/);
    expect(block('3125320CBF8')).toMatch(/delivery .*status=deferred \(connect to 127\.0\.0\.1/);
    expect(block('3125320CBF8')).toMatch(/postsuper .*3125320CBF8: requeued/);
    expect(block('0B91920C152')).toMatch(/pickup .*orig_id=3125320CBF8/);
    expect(block('0B91920C152')).toMatch(/qmgr .*status=force-expired, returned to sender/);
    expect(block('8453620C1A2')).toMatch(/cleanup .*8453620C1A2: message-id=/);
    expect(out).toContain('links:\n  3125320CBF8 requeued (postsuper -r); picked up again as 0B91920C152\n  0B91920C152 notification (bounce, delay or success notice) sent as 8453620C1A2\n');
    expect(out).not.toContain('dovecot');
  });

  it('sanitizes hostile lines: no escape, BEL or bidi control reaches the terminal, in text or JSON', () => {
    for (const args of [[], ['--json']]) {
      const r = runPostq(['log', '-c', join(dir, 'etc'), '--log', 'journal', ...args, '7CFBB20CBFF'], env);
      expect(r.status).toBe(0);
      const bytes = r.stdoutBytes;
      expect(bytes.includes(0x1b)).toBe(false);
      expect(bytes.includes(0x07)).toBe(false);
      expect(r.stdout).not.toMatch(/[\u202e\u0080-\u009f]/);
      expect(r.stdout).toContain(args.length === 0 ? '^[]0;pwned^G@evil<U+202E>.example' : '\\u001b]0;pwned\\u0007@evil\\u202e.example');
    }
  });

  it('says plainly when journalctl fails, and exits 4 rather than print an empty trail', () => {
    const bad = join(dir, 'badbin');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'journalctl'), "#!/bin/sh\necho 'No journal files were found.' >&2\nexit 1\n");
    chmodSync(join(bad, 'journalctl'), 0o755);
    const r = runPostq(['log', '-c', join(dir, 'etc'), '--log', 'journal', '3125320CBF8'], { ...env, PATH: `${bad}:${process.env.PATH}` });
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('log: cannot read journal: journalctl exited 1: No journal files were found.');
  });
});
