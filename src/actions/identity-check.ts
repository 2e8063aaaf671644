/**
 * Queue ids are reused (postsuper(1) warns of it for short ids): between the frame an admin
 * saw and the key that acts, a message can leave and its id be taken by another. This
 * decorator asks, just before the inner backend runs, whether each target's id still names
 * the file that was seen (same queue, inode and arrival time), and skips those that do not.
 *
 * Contract: targets without `seen` pass unchecked; targets whose file is gone pass too (the
 * inner backend reports them not-found); changed ones come back `failed` with CHANGED_REASON
 * and never reach the inner backend. The check itself is injected (it reads the spool, which
 * src/actions does not): `current(target)` returns what the file is now, or null when gone.
 * What remains is the window between this check and the inner backend's own move; with
 * enable_long_queue_ids = yes an id is never reused, so that window cannot matter.
 */
import { CHANGED_REASON, type ActionOutcome, type ActionTarget, type QueueBackend } from '../domain/backend.js';
import { orderOutcomes } from './action-rules.js';

export type CurrentFile = (target: ActionTarget) => { inode: number; arrivalTime: number } | null;

/** Split targets into those still naming the file seen and those that changed. */
export function splitChanged(targets: readonly ActionTarget[], current: CurrentFile): { same: ActionTarget[]; changed: ActionTarget[] } {
  const same: ActionTarget[] = [];
  const changed: ActionTarget[] = [];
  for (const target of targets) {
    const seen = target.seen;
    const now = seen ? current(target) : null;
    if (seen && now && (now.inode !== seen.inode || now.arrivalTime !== seen.arrivalTime)) changed.push(target);
    else same.push(target);
  }
  return { same, changed };
}

export function withIdentityCheck(inner: QueueBackend, current: CurrentFile): QueueBackend {
  return {
    kind: inner.kind,
    disabledReason: inner.disabledReason,
    supports: (action) => inner.supports(action),
    describe: (action, targets) => inner.describe(action, targets),
    async run(action, targets, onProgress) {
      const { same, changed } = splitChanged(targets, current);
      const skipped: ActionOutcome[] = changed.map((t) => ({ queueId: t.queueId, status: 'failed', reason: CHANGED_REASON }));
      if (same.length === 0) return { action, outcomes: skipped, commands: [] };
      const result = await inner.run(action, same, onProgress);
      return { ...result, outcomes: changed.length > 0 ? orderOutcomes(targets, [...result.outcomes, ...skipped]) : result.outcomes };
    },
  };
}
