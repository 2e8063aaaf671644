/**
 * A backend that refuses everything (read-only mode, or a spool postq cannot change): the
 * console greys the action keys out and shows `disabledReason`.
 *
 * Contract: run() changes nothing; every valid target comes back failed with the reason.
 */
import type { QueueBackend } from '../domain/backend.js';

export const DEFAULT_READ_ONLY_REASON = 'read-only mode (started with --read-only): the queue cannot be changed from here';

export function createReadOnlyBackend(reason: string = DEFAULT_READ_ONLY_REASON): QueueBackend {
  return {
    kind: 'read-only',
    disabledReason: reason,
    supports: () => false,
    describe: () => `nothing: ${reason}`,
    async run(action, targets) {
      return {
        action,
        outcomes: targets.map((t) => ({ queueId: t.queueId, status: 'failed' as const, reason })),
        commands: [],
        error: reason,
      };
    },
  };
}
