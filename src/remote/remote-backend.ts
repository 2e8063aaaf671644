/**
 * A QueueBackend that runs actions on a fleet target: the request crosses the link, the
 * target's postq runs it with its own backend (postsuper for that instance) and writes its
 * own audit log, and the result comes back per id. Wrapped in withAuditLog by the caller, the
 * local audit log gets one line per host too; each command the remote ran is recorded with
 * the target's label in front (`on:mx1 postsuper -h - deferred`), so the two logs join up.
 *
 * Contract: never throws; a lost link fails every id with the reason, as a backend that could
 * not run does.
 */
import type { ActionName, ActionResult, ActionTarget, QueueBackend } from '../domain/backend.js';
import type { Connection } from './connection.js';
import { printable } from '../spool/printable.js';

export function createRemoteBackend(connection: Connection): QueueBackend {
  const label = connection.target.label;
  // The remote's words: shown on this terminal, so sanitized as mail text is.
  const disabledReason = () => {
    const reason = connection.hello?.disabledReason ?? null;
    return reason === null ? null : printable(reason);
  };
  return {
    get kind() {
      return disabledReason() ? ('read-only' as const) : ('postsuper' as const);
    },
    get disabledReason() {
      return disabledReason();
    },
    supports: (action) => (connection.hello?.supports ?? []).includes(action),
    describe: (action, targets) => `on ${label}: postq ${action} of ${targets.length} message${targets.length === 1 ? '' : 's'} (postsuper there, audited on both hosts)`,
    async run(action: ActionName, targets: readonly ActionTarget[]): Promise<ActionResult> {
      try {
        const result = await connection.action(action, targets);
        return { ...result, commands: result.commands.map((c) => [`on:${label}`, ...c]) };
      } catch (error) {
        const reason = (error as Error).message;
        return { action, outcomes: targets.map((t) => ({ queueId: t.queueId, status: 'failed', reason })), commands: [], error: reason };
      }
    },
  };
}
