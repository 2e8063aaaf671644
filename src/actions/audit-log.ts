/**
 * The audit trail: every action run through postq appended as JSON lines to $POSTQ_AUDIT_LOG,
 * else $XDG_STATE_HOME/postq/audit.log, else ~/.local/state/postq/audit.log. One run writes,
 * each line fsync'd before the next step: an `intent` line (time, user, backend, action, ids)
 * BEFORE anything is done, a `progress` line per chunk of results as the backend reports them,
 * and a `done` line (commands, counts, the outcomes not yet written, error). A run killed with
 * SIGKILL leaves what was asked and what was done up to the last chunk.
 *
 * Contract: postq does not act without its audit. The log is opened with O_NOFOLLOW and must be
 * a regular file owned by the running user and not group- or world-writable (root appending
 * through a symlink a user planted in $HOME under `sudo -E` is the attack); a log that cannot
 * be opened or checked makes run() refuse every target with the reason, changing nothing
 * (`--no-audit` is the explicit way round). A write that fails after the run started is
 * reported through onError and the run goes on (half a batch is worse than a missing line).
 * readAuditLog() reads the log's tail the same safe way (a symlink or FIFO is refused, not
 * followed or waited on), skips lines it cannot parse and returns [] when there is no log yet.
 */
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { ActionName, ActionOutcome, ActionResult, QueueBackend } from '../domain/backend.js';
import { readWindow } from '../watch/safe-file.js';

export interface AuditEntry {
  time: string;
  /** Ties the lines of one run together. */
  run?: string;
  phase?: 'intent' | 'progress' | 'done';
  /** The login name; with sudo, `SUDO_USER (as root)`. */
  user?: string;
  backend?: QueueBackend['kind'];
  action?: ActionName;
  commands?: string[][];
  ids?: string[];
  outcomes: ActionOutcome[];
  counts?: { done: number; notFound: number; failed: number };
  error?: string;
  /** A fanned-out CLI action (`postq hold --host ...`): the target it ran on, its command line, exit status and result line. */
  target?: string;
  argv?: string[];
  exit?: number;
  result?: string;
}

/** The audit log cannot be used: why, in words. */
export class AuditLogError extends Error {
  override readonly name = 'AuditLogError';
}

export function auditLogPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POSTQ_AUDIT_LOG) return env.POSTQ_AUDIT_LOG;
  const stateHome = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(stateHome, 'postq', 'audit.log');
}

export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
  }
  return env.SUDO_USER && env.SUDO_USER !== name ? `${env.SUDO_USER} (as ${name})` : name;
}

/**
 * Open the log for appending, or throw AuditLogError saying why it is not safe to: O_NOFOLLOW,
 * a regular file, owned by the running user, not group- or world-writable.
 */
export function openAuditLog(path: string): number {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new AuditLogError(`cannot create ${dirname(path)}: ${(error as Error).message}`);
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new AuditLogError(`${path} is a symbolic link: not written through`);
    throw new AuditLogError(`cannot open ${path}: ${(error as Error).message}`);
  }
  const stats = fstatSync(fd);
  const uid = process.geteuid?.();
  let why: string | null = null;
  if (!stats.isFile()) why = `${path} is not a regular file`;
  else if (uid !== undefined && stats.uid !== uid) why = `${path} is owned by uid ${stats.uid}, not by the user running postq (uid ${uid})`;
  else if (stats.mode & 0o022) why = `${path} is group- or world-writable (mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')})`;
  if (why) {
    closeSync(fd);
    throw new AuditLogError(why);
  }
  return fd;
}

/** Append one line and fsync it; throws on fs errors. */
export function writeAuditLine(fd: number, entry: AuditEntry): void {
  const bytes = Buffer.from(JSON.stringify(entry) + '\n');
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  fsyncSync(fd);
}

/** Append one entry to the log at `path` (opened and checked as openAuditLog does). */
export function appendAuditEntry(entry: AuditEntry, path: string = auditLogPath()): void {
  const fd = openAuditLog(path);
  try {
    writeAuditLine(fd, entry);
  } finally {
    closeSync(fd);
  }
}

/** How much of the log's end readAuditLog reads: the last entries, never the whole history. */
const READ_TAIL_BYTES = 4 * 1024 * 1024;

/**
 * The log's last READ_TAIL_BYTES as text, from its first whole line: opened as the writer opens
 * it (O_NOFOLLOW, non-blocking) and read only if fstat says it is a regular file, so a planted
 * symlink or FIFO is refused with AuditLogError instead of followed or waited on.
 */
function readLogTail(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new AuditLogError(`${path} is a symbolic link: not read through`);
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new AuditLogError(`${path} is not a regular file`);
    const start = Math.max(0, stats.size - READ_TAIL_BYTES);
    const buf = Buffer.alloc(stats.size - start);
    const text = buf.subarray(0, readWindow(fd, buf, start, buf.length)).toString('utf8');
    // Started mid-file: the first line is a piece of one.
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
}

/** The last `limit` entries, oldest first. */
export function readAuditLog(limit = 100, path: string = auditLogPath()): AuditEntry[] {
  const text = readLogTail(path);
  if (text === null) return [];
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as AuditEntry;
      if (value && typeof value.time === 'string' && Array.isArray(value.outcomes)) entries.push(value);
    } catch {
      // A torn or hand-edited line: skip it, keep the rest.
    }
  }
  return entries.slice(-limit);
}

export interface AuditOptions {
  path?: string;
  user?: string;
  now?: () => Date;
  onError?: (message: string) => void;
}

function countsOf(outcomes: readonly ActionOutcome[]): NonNullable<AuditEntry['counts']> {
  const counts = { done: 0, notFound: 0, failed: 0 };
  for (const o of outcomes) {
    if (o.status === 'done') counts.done++;
    else if (o.status === 'not-found') counts.notFound++;
    else counts.failed++;
  }
  return counts;
}

/** The same backend, audited (header): intent first, results as they come, refused without a log. */
export function withAuditLog(backend: QueueBackend, options: AuditOptions = {}): QueueBackend {
  return {
    kind: backend.kind,
    disabledReason: backend.disabledReason,
    supports: (action) => backend.supports(action),
    describe: (action, targets) => backend.describe(action, targets),
    async run(action, targets, onProgress) {
      const path = options.path ?? auditLogPath();
      const time = () => (options.now?.() ?? new Date()).toISOString();
      const run = `${Date.now().toString(36)}.${process.pid}`;
      const ids = targets.map((t) => t.queueId);
      let fd: number | null = null;
      try {
        fd = openAuditLog(path);
        writeAuditLine(fd, { time: time(), run, phase: 'intent', user: options.user ?? currentUser(), backend: backend.kind, action, ids, outcomes: [] });
      } catch (error) {
        if (fd !== null) closeSync(fd);
        const why = `audit log ${path}: ${(error as Error).message}; nothing done (--no-audit acts without an audit log)`;
        return { action, outcomes: targets.map((t) => ({ queueId: t.queueId, status: 'failed', reason: why })), commands: [], error: why };
      }
      const log = fd;
      const written = new Set<string>();
      let failedWrite = false;
      const write = (entry: AuditEntry) => {
        try {
          writeAuditLine(log, entry);
        } catch (error) {
          if (!failedWrite) options.onError?.(`audit log not written (${path}): ${(error as Error).message}`);
          failedWrite = true;
        }
      };
      const progress = (outcomes: readonly ActionOutcome[]) => {
        for (const o of outcomes) written.add(o.queueId);
        write({ time: time(), run, phase: 'progress', outcomes: [...outcomes] });
        onProgress?.(outcomes);
      };
      try {
        const result = await backend.run(action, targets, progress);
        const rest = written.size === 0 ? result.outcomes : result.outcomes.filter((o) => !written.has(o.queueId));
        const done: AuditEntry = { time: time(), run, phase: 'done', backend: backend.kind, action, commands: result.commands, counts: countsOf(result.outcomes), outcomes: rest };
        if (result.error) done.error = result.error;
        write(done);
        return result;
      } catch (error) {
        write({ time: time(), run, phase: 'done', action, outcomes: [], error: `postq failed: ${(error as Error).message}` });
        throw error;
      } finally {
        closeSync(log);
      }
    },
  };
}
