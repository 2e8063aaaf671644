/**
 * The local audit of an action fanned out from the CLI (`postq hold --host mx1 --host mx2 --yes`):
 * each target's own postq audits what it did in its own log, and this side writes one `intent`
 * line per target before anything runs there and one `done` line per target after (its exit
 * status and its result line), as the fleet console does for its actions. Ids are not known
 * here when the targets pick them with --filter or --queue; the arguments run on each target
 * say what was asked. As everywhere in postq: an unusable local log refuses the whole action before any
 * target is asked (`--no-audit` is the explicit way round, and turns off both sides).
 */
import { closeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { auditLogPath, currentUser, openAuditLog, writeAuditLine, type AuditEntry } from '../actions/audit-log.js';
import type { ActionName } from '../domain/backend.js';

export interface FanOutAudit {
  /** `argv`: the postq arguments run on that target. */
  intent(target: string, argv: readonly string[]): void;
  done(target: string, exit: number, result: string | null): void;
  close(): void;
}

/** Opens the log (throws AuditLogError when it cannot be used); writes are fsync'd as the action's are. */
export function openFanOutAudit(action: ActionName, onError: (message: string) => void, env: NodeJS.ProcessEnv = process.env): FanOutAudit {
  const fd = openAuditLog(auditLogPath(env));
  const run = randomUUID();
  const user = currentUser(env);
  const write = (entry: Omit<AuditEntry, 'time' | 'run' | 'action' | 'outcomes'>) => {
    try {
      writeAuditLine(fd, { time: new Date().toISOString(), run, action, outcomes: [], ...entry });
    } catch (error) {
      // As withAuditLog: a write that fails once targets are running is reported, not fatal.
      onError(`audit log: ${(error as Error).message}`);
    }
  };
  return {
    intent: (target, argv) => write({ phase: 'intent', user, target, argv: [...argv] }),
    done: (target, exit, result) => write({ phase: 'done', target, exit, ...(result ? { result } : {}) }),
    close: () => closeSync(fd),
  };
}
