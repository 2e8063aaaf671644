/**
 * The audit trail: every action run through postq appended as one JSON line to
 * $POSTQ_AUDIT_LOG, else $XDG_STATE_HOME/postq/audit.log, else ~/.local/state/postq/audit.log
 * (time, user, backend, commands, targets, per-id outcomes). withAuditLog() wraps a backend so
 * nothing can run unlogged; readAuditLog() gives the console the most recent entries.
 *
 * Contract: appending is best effort - the queue has already changed, so a log that cannot be
 * written is reported through onError (a warning) and never undoes or hides the result.
 * readAuditLog() skips lines it cannot parse and returns [] when there is no log yet.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { ActionName, ActionOutcome, ActionResult, QueueBackend } from '../domain/backend.js';

export interface AuditEntry {
  time: string;
  /** The login name; with sudo, `SUDO_USER (as root)`. */
  user: string;
  backend: QueueBackend['kind'];
  action: ActionName;
  commands: string[][];
  ids: string[];
  outcomes: ActionOutcome[];
  error?: string;
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

/** Append one entry; throws on fs errors (withAuditLog turns them into warnings). */
export function appendAuditEntry(entry: AuditEntry, path: string = auditLogPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  appendFileSync(path, JSON.stringify(entry) + '\n', { mode: 0o600 });
}

/** The last `limit` entries, oldest first. */
export function readAuditLog(limit = 100, path: string = auditLogPath()): AuditEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
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

export function auditEntryFor(backend: QueueBackend, ids: string[], result: ActionResult, options: AuditOptions = {}): AuditEntry {
  const entry: AuditEntry = {
    time: (options.now?.() ?? new Date()).toISOString(),
    user: options.user ?? currentUser(),
    backend: backend.kind,
    action: result.action,
    commands: result.commands,
    ids,
    outcomes: result.outcomes,
  };
  if (result.error) entry.error = result.error;
  return entry;
}

/** The same backend, with every run() appended to the audit log. */
export function withAuditLog(backend: QueueBackend, options: AuditOptions = {}): QueueBackend {
  return {
    kind: backend.kind,
    disabledReason: backend.disabledReason,
    supports: (action) => backend.supports(action),
    describe: (action, targets) => backend.describe(action, targets),
    async run(action, targets) {
      const result = await backend.run(action, targets);
      const entry = auditEntryFor(backend, targets.map((t) => t.queueId), result, options);
      try {
        appendAuditEntry(entry, options.path ?? auditLogPath());
      } catch (error) {
        options.onError?.(`audit log not written (${options.path ?? auditLogPath()}): ${(error as Error).message}`);
      }
      return result;
    },
  };
}
