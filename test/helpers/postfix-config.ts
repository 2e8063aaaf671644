/**
 * The configuration of a private test instance of Postfix (see postfix-instance.ts): main.cf
 * parameters, a master.cf without any inet listener, a closed loopback port for the relay,
 * and the reaper for instances a killed test run left behind. Used only by the test helpers.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface InstanceLayout {
  longQueueIds?: boolean;
  hashQueueDepth?: number;
  config?: Record<string, string>;
}

/** Services the tests need; no inet listener, nothing chrooted (the spool has no etc/ copy). */
export const MASTER_CF = `# service type private unpriv chroot wakeup maxproc command
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

/**
 * Write (or append to) a Postfix configuration file such as main.cf, dated ten seconds back.
 * Postfix will not use a main.cf modified in the last second or two, in case it is still being
 * written: every program that reads it (postfix, postconf, sendmail, postqueue, so also
 * `postq -c DIR`, which asks postconf) reads it again every 300 ms until it has cooled
 * (dict_load_file_xt in Postfix's util/dict.c): 1.2-2 s per command measured here. The file is
 * whole when this returns, so the wait would prove nothing. An edit made to see postq notice a
 * change (postconf -e in a running test) is left to date itself.
 */
export function writePostfixConfig(path: string, text: string, options: { append?: boolean } = {}): void {
  if (options.append) appendFileSync(path, text);
  else writeFileSync(path, text);
  const cooled = Date.now() / 1000 - 10;
  utimesSync(path, cooled, cooled);
}

/** A loopback port nothing listens on: bind an ephemeral one, then let it go. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stop and remove instances whose creating process is gone (a killed test run). */
export function reapOrphans(base: string): void {
  if (!existsSync(base)) return;
  for (const name of readdirSync(base)) {
    const dir = join(base, name);
    const owner = Number.parseInt(existsSync(join(dir, 'owner.pid')) ? readFileSync(join(dir, 'owner.pid'), 'utf8') : '', 10);
    if (Number.isFinite(owner) && pidAlive(owner)) continue;
    spawnSync('postfix', ['-c', join(dir, 'etc'), 'stop'], { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

export function mainCf(root: string, port: number, label: string, options: InstanceLayout): string {
  const params: Record<string, string> = {
    compatibility_level: '3.6',
    queue_directory: join(root, 'spool'),
    data_directory: join(root, 'data'),
    syslog_name: `postfix-${label}`,
    maillog_file: join(root, 'maillog'),
    maillog_file_prefixes: root,
    myhostname: 'mx.postq-test.test',
    mydomain: 'postq-test.test',
    myorigin: '$myhostname',
    mydestination: '',
    inet_interfaces: 'loopback-only',
    inet_protocols: 'ipv4',
    relayhost: `[127.0.0.1]:${port}`,
    smtp_connect_timeout: '5s',
    alias_maps: '',
    alias_database: '',
    local_recipient_maps: '',
    notify_classes: '',
    biff: 'no',
    readme_directory: 'no',
    queue_run_delay: '3600s',
    minimal_backoff_time: '3600s',
    maximal_backoff_time: '7200s',
    enable_long_queue_ids: options.longQueueIds ? 'yes' : 'no',
    hash_queue_depth: String(options.hashQueueDepth ?? 1),
    ...options.config,
  };
  return Object.entries(params).map(([k, v]) => `${k} = ${v}\n`).join('');
}
