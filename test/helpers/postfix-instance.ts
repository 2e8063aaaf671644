/**
 * A private, throw-away Postfix instance for integration tests (needs root and the Debian
 * `postfix` package; .ci/run installs it).
 *
 * Contract: createPostfixInstance() writes its own main.cf/master.cf, queue_directory and
 * data_directory under a fresh temp dir, starts `postfix -c DIR start` and returns a handle.
 * No inet listener at all (no smtpd); mail is relayed to [127.0.0.1]:PORT where nothing
 * listens, so every message defers with "Connection refused" and then sits in deferred/
 * (queue_run_delay and backoffs are an hour, so nothing moves during a test). Instances are
 * independent: several can run at once (one per test file, vitest runs files in parallel).
 * stop() stops the master and removes everything; instances a crashed worker left behind
 * are reaped by the next createPostfixInstance().
 *
 * Every command goes through `-c DIR` (or MAIL_CONFIG=DIR for sendmail) and TZ (default UTC)
 * so Postfix's showq and postq format times alike. Failures throw with the command's stderr
 * and the tail of the instance's own mail log.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor, type WaitOptions } from './wait-for.js';

export { waitFor, type WaitOptions } from './wait-for.js';

export interface PostfixInstanceOptions {
  /** enable_long_queue_ids (default false). */
  longQueueIds?: boolean;
  /** hash_queue_depth (default 1). */
  hashQueueDepth?: number;
  /** Extra main.cf parameters, applied last. */
  config?: Record<string, string>;
  /** TZ for Postfix and for run(); default 'UTC'. */
  tz?: string;
  /** Label in the temp dir name and syslog_name. */
  label?: string;
}

/** One `postqueue -j` line (Postfix 3.7 members). */
export interface PostqueueEntry {
  queue_name: string;
  queue_id: string;
  arrival_time: number;
  message_size: number;
  forced_expire: boolean;
  sender: string;
  recipients: Array<{ address: string; delay_reason?: string }>;
}

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface PostfixInstance {
  /** The temp dir holding everything below. */
  root: string;
  /** config_directory: pass as `-c` to postfix tools and to postq. */
  configDir: string;
  /** queue_directory: pass as `--spool` to postq. */
  queueDirectory: string;
  /** The closed loopback port mail is relayed to. */
  relayPort: number;
  /** Environment used for every command (TZ pinned). */
  env: NodeJS.ProcessEnv;
  /** `sendmail -i -f FROM -- TO...` with BODY (headers + blank line + text) on stdin. '' = null sender. */
  sendmail(from: string, to: string[], body: string, extraArgs?: string[]): void;
  /** `postqueue -c DIR -j`, parsed. */
  postqueueJson(): PostqueueEntry[];
  /** `postqueue -c DIR -p` stdout. */
  postqueueText(): string;
  /** `postsuper -c DIR ...args` (stdin optional, for `-`); throws on a non-zero exit. */
  postsuper(args: string[], stdin?: string): CommandResult;
  /** Run any command with this instance's env; never throws on exit status. */
  run(command: string, args: string[], stdin?: string): CommandResult;
  /** Poll postqueue -j until pred holds (default deadline 90 s); resolves with the listing. */
  waitForQueue(pred: (entries: PostqueueEntry[]) => boolean, options?: WaitOptions): Promise<PostqueueEntry[]>;
  /** Poll until COUNT messages are listed, all deferred (or hold) with a delay reason for every recipient. */
  waitForDeferred(count: number, options?: WaitOptions): Promise<PostqueueEntry[]>;
  /** The instance's mail log (maillog_file). */
  maillog(): string;
  /** Stop the master (if running) and remove the temp dir. Idempotent. */
  stop(): void;
}

const BASE = join(tmpdir(), 'postq-test-postfix');
const live = new Set<PostfixInstance>();
process.once('exit', () => {
  for (const instance of live) instance.stop();
});

/** Services the tests need; no inet listener, nothing chrooted (the spool has no etc/ copy). */
const MASTER_CF = `# service type private unpriv chroot wakeup maxproc command
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

/** A loopback port nothing listens on: bind an ephemeral one, then let it go. */
async function closedPort(): Promise<number> {
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
function reapOrphans(): void {
  if (!existsSync(BASE)) return;
  for (const name of readdirSync(BASE)) {
    const dir = join(BASE, name);
    const owner = Number.parseInt(existsSync(join(dir, 'owner.pid')) ? readFileSync(join(dir, 'owner.pid'), 'utf8') : '', 10);
    if (Number.isFinite(owner) && pidAlive(owner)) continue;
    spawnSync('postfix', ['-c', join(dir, 'etc'), 'stop'], { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

function mainCf(root: string, port: number, label: string, options: PostfixInstanceOptions): string {
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

export async function createPostfixInstance(options: PostfixInstanceOptions = {}): Promise<PostfixInstance> {
  if (process.getuid?.() !== 0) throw new Error('a private Postfix instance needs root (CI runs as root)');
  reapOrphans();
  mkdirSync(BASE, { recursive: true, mode: 0o755 });
  chmodSync(BASE, 0o755);
  const label = (options.label ?? 'postq').replace(/[^a-z0-9-]/gi, '');
  const root = mkdtempSync(join(BASE, `${label}-`));
  // Postfix daemons (user postfix) must be able to reach the spool and the log below root.
  chmodSync(root, 0o755);
  writeFileSync(join(root, 'owner.pid'), String(process.pid));
  const configDir = join(root, 'etc');
  const queueDirectory = join(root, 'spool');
  mkdirSync(configDir);
  mkdirSync(queueDirectory, { mode: 0o755 });
  mkdirSync(join(root, 'data'));
  const postfixUid = Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim());
  chownSync(join(root, 'data'), postfixUid, 0);
  const relayPort = await closedPort();
  writeFileSync(join(configDir, 'main.cf'), mainCf(root, relayPort, `${label}-${root.slice(-6)}`, options));
  writeFileSync(join(configDir, 'master.cf'), MASTER_CF);
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: options.tz ?? 'UTC', MAIL_CONFIG: configDir, LC_ALL: 'C' };

  let stopped = false;
  const run = (command: string, args: string[], stdin?: string): CommandResult => {
    const r = spawnSync(command, args, { env, input: stdin ?? '', encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const maillog = () => (existsSync(join(root, 'maillog')) ? readFileSync(join(root, 'maillog'), 'utf8') : '');
  const check = (what: string, r: CommandResult): CommandResult => {
    if (r.status === 0) return r;
    const log = maillog().split('\n').slice(-15).join('\n');
    throw new Error(`${what} exited ${r.status}\n${r.stderr}\n--- maillog tail ---\n${log}`);
  };

  const instance: PostfixInstance = {
    root,
    configDir,
    queueDirectory,
    relayPort,
    env,
    run,
    maillog,
    sendmail(from, to, body, extraArgs = []) {
      check('sendmail', run('sendmail', ['-C', configDir, '-i', '-f', from, ...extraArgs, '--', ...to], body));
    },
    postqueueJson() {
      const r = check('postqueue -j', run('postqueue', ['-c', configDir, '-j']));
      return r.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PostqueueEntry);
    },
    postqueueText() {
      return check('postqueue -p', run('postqueue', ['-c', configDir, '-p'])).stdout;
    },
    postsuper(args, stdin) {
      return check(`postsuper ${args.join(' ')}`, run('postsuper', ['-c', configDir, ...args], stdin));
    },
    waitForQueue(pred, waitOptions) {
      let last: PostqueueEntry[] = [];
      return waitFor(() => {
        last = instance.postqueueJson();
        return pred(last) ? last : undefined;
      }, { what: 'queue condition', timeoutMs: 90_000, ...waitOptions, describe: () => JSON.stringify(last, null, 1) });
    },
    waitForDeferred(count, waitOptions) {
      return instance.waitForQueue(
        (entries) =>
          entries.length === count &&
          entries.every(
            (e) => (e.queue_name === 'deferred' || e.queue_name === 'hold') && e.recipients.every((r) => !!r.delay_reason),
          ),
        { what: `${count} deferred messages`, ...waitOptions },
      );
    },
    stop() {
      if (stopped) return;
      stopped = true;
      live.delete(instance);
      spawnSync('postfix', ['-c', configDir, 'stop'], { env, stdio: 'ignore', timeout: 30_000 });
      rmSync(root, { recursive: true, force: true });
    },
  };
  live.add(instance);
  try {
    check('postfix start', run('postfix', ['-c', configDir, 'start']));
  } catch (error) {
    instance.stop();
    throw error;
  }
  return instance;
}
