/**
 * A real OpenSSH server for fleet tests: its own host key, an authorized client key, on a
 * free loopback port, logging to a file; plus an ssh_config with one Host alias per target
 * (each alias may set environment variables the server accepts, which is how two aliases
 * reach two Postfix instances: MAIL_CONFIG, as postconf and postsuper read it). An alias may
 * also give the remote session its own HOME and PATH (a host with or without node, a home to
 * install into): sshd resets HOME from the password file, so then a ForceCommand wrapper sets
 * them from POSTQ_TEST_HOME / POSTQ_TEST_PATH before running the requested command with sh.
 * Sessions skip the login shell's ~/.bashrc (SHLVL=1). Started once per test file; stop()
 * kills it and removes the directory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

export interface SshAlias {
  name: string;
  /** Environment for the remote command (sent with SetEnv, accepted by the server). */
  env?: Record<string, string>;
  /** Use a key the server does not know (for the refused-key test). */
  unknownKey?: boolean;
  /** HOME for the remote session (else root's). */
  home?: string;
  /** PATH for the remote session (else the login's). */
  path?: string;
}

export interface TestSshd {
  port: number;
  dir: string;
  /** An ssh_config file with the aliases; use as POSTQ_SSH="ssh -F <configFile>". */
  configFile: string;
  log(): string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startSshd(aliases: SshAlias[]): Promise<TestSshd> {
  if (process.getuid?.() !== 0) throw new Error('the test sshd runs as root (CI does)');
  const dir = mkdtempSync(join(tmpdir(), 'postq-sshd-'));
  chmodSync(dir, 0o755);
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'stranger_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const wrap = aliases.some((a) => a.home !== undefined || a.path !== undefined);
  const wrapper = join(dir, 'session.sh');
  writeFileSync(wrapper, '#!/bin/sh\n[ -n "$POSTQ_TEST_HOME" ] && export HOME="$POSTQ_TEST_HOME"\n[ -n "$POSTQ_TEST_PATH" ] && export PATH="$POSTQ_TEST_PATH"\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n');
  chmodSync(wrapper, 0o755);
  const port = await freePort();
  const sshdConfig = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'AcceptEnv MAIL_CONFIG POSTQ_AUDIT_LOG POSTQ_TEST_HOME POSTQ_TEST_PATH SHLVL',
    'LogLevel VERBOSE',
    // The fleet bench opens ten sessions at once: past MaxStartups' default 10:30:100,
    // sshd drops some unauthenticated connections at random.
    'MaxStartups 100',
    ...(wrap ? [`ForceCommand ${wrapper}`] : []),
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), `${sshdConfig}\n`);
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  const clientConfig = aliases
    .map((a) =>
      [
        `Host ${a.name}`,
        '  HostName 127.0.0.1',
        `  Port ${port}`,
        '  User root',
        `  IdentityFile ${join(dir, a.unknownKey ? 'stranger_key' : 'client_key')}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
        '  StrictHostKeyChecking yes',
        '  LogLevel ERROR',
        ...(() => {
          // SHLVL=1: bash (root's login shell) then skips ~/.bashrc, which it would otherwise
          // source for every ssh command: the test host's own start-up files (4 s of pyenv on
          // a dev box) are not what these tests are about.
          const env = { SHLVL: '1', ...a.env, ...(a.home !== undefined ? { POSTQ_TEST_HOME: a.home } : {}), ...(a.path !== undefined ? { POSTQ_TEST_PATH: a.path } : {}) };
          return Object.keys(env).length > 0 ? [`  SetEnv ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`] : [];
        })(),
      ].join('\n'),
    )
    .join('\n');
  const configFile = join(dir, 'ssh_config');
  writeFileSync(configFile, `${clientConfig}\n`);
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => {
    log = (log + c.toString('utf8')).slice(-64 * 1024);
  });
  await waitFor(() => /Server listening/.test(log) || child.exitCode !== null, { what: 'sshd listening', timeoutMs: 30_000, describe: () => log });
  if (child.exitCode !== null) throw new Error(`sshd exited: ${log}`);
  return {
    port,
    dir,
    configFile,
    log: () => log,
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
