/**
 * A private, throw-away Postfix instance for integration tests (needs root and the Debian
 * `postfix` package; .ci/run installs it).
 *
 * Contract: createPostfixInstance() writes its own main.cf/master.cf, queue_directory (Postfix's
 * own directories, copied: postfix-queue-skeleton.ts) and data_directory under a fresh temp dir,
 * starts `postfix -c DIR start` (a quick start) and returns a handle.
 * No inet listener unless smtpdPort asks for smtpd on loopback; mail is relayed to [127.0.0.1]:PORT where nothing
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
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, mainCf, MASTER_CF, reapOrphans, writePostfixConfig } from './postfix-config.js';
import { markQuickStart, prepareQueueDirectory } from './postfix-queue-skeleton.js';
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
  /** Also run smtpd on 127.0.0.1:PORT (the only inet listener; tests speak SMTP to it). */
  smtpdPort?: number;
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
  /** `postfix start` again after a `postfix stop` (a quick start: postfix-queue-skeleton.ts). */
  start(): CommandResult;
  /** Stop the master (if running) and remove the temp dir. Idempotent. */
  stop(): void;
}

export const BASE = join(tmpdir(), 'postq-test-postfix');
const live = new Set<PostfixInstance>();
process.once('exit', () => {
  for (const instance of live) instance.stop();
});

export async function createPostfixInstance(options: PostfixInstanceOptions = {}): Promise<PostfixInstance> {
  if (process.getuid?.() !== 0) throw new Error('a private Postfix instance needs root (CI runs as root)');
  reapOrphans(BASE);
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
  writePostfixConfig(join(configDir, 'main.cf'), mainCf(root, relayPort, `${label}-${root.slice(-6)}`, options));
  const smtpd = options.smtpdPort ? `127.0.0.1:${options.smtpdPort} inet n - n - - smtpd\n` : '';
  writePostfixConfig(join(configDir, 'master.cf'), MASTER_CF + smtpd);
  prepareQueueDirectory(BASE, queueDirectory);
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: options.tz ?? 'UTC', MAIL_CONFIG: configDir, LC_ALL: 'C' };

  let stopped = false;
  const run = (command: string, args: string[], stdin?: string): CommandResult => {
    const r = spawnSync(command, args, { env, input: stdin ?? '', encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
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
    start() {
      markQuickStart(queueDirectory);
      return run('postfix', ['-c', configDir, 'start']);
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
