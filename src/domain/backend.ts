/**
 * The QueueBackend interface: how the console and `postq hold|release|...` change the queue.
 * Implementations live in src/actions (postsuper, direct, read-only); the store receives one
 * by injection. Results are per id, so the console can say "held 998 of 1,000; 2 already gone".
 */
import type { QueueName } from './queue.js';

export const ACTION_NAMES = ['hold', 'release', 'requeue', 'delete', 'expire', 'deliver'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** A message as it was seen: the id and the queue it was in when the user chose it. */
export interface ActionTarget {
  queueId: string;
  queueName: QueueName;
  /**
   * The file as it was seen (its inode and arrival time). Ids are reused: before acting, a
   * target whose file is no longer this one is skipped (identity-check.ts). Absent: unchecked.
   */
  seen?: { inode: number; arrivalTime: number };
}

/**
 * Which queues each action takes a message from (postsuper(1) by-id semantics; deliver is
 * `postqueue -i`). Nothing takes from corrupt/: postsuper never acts there. One table for
 * the backends (src/actions/action-rules.ts) and for the console, which refuses at once.
 */
export const ACTION_SOURCES: Record<ActionName, readonly QueueName[]> = {
  // -h skips maildrop (not yet sanitised by cleanup) and hold itself.
  hold: ['incoming', 'active', 'deferred'],
  // -H reads hold/ only and puts the message in deferred/ (hashed).
  release: ['hold'],
  // -r never touches maildrop; the message gets a new id when pickup re-reads it.
  requeue: ['hold', 'incoming', 'active', 'deferred'],
  // -d also searches maildrop (postsuper.c), and removes bounce/defer/trace logs first.
  delete: ['maildrop', 'incoming', 'active', 'deferred', 'hold'],
  // -e adds g+x; qmgr returns the message at its next attempt (not while on hold).
  expire: ['incoming', 'active', 'deferred', 'hold'],
  // postqueue -i asks the flush service to retry now: deferred/incoming only.
  deliver: ['deferred', 'incoming'],
};

/** Why `action` cannot take a message that is in `queueName`. */
export function ineligibleReason(action: ActionName, queueName: QueueName): string {
  if (queueName === 'corrupt') return 'in corrupt/: postsuper does not act on corrupt files; inspect and remove by hand';
  if (action === 'hold' && queueName === 'hold') return 'already on hold';
  if (action === 'release') return `not on hold (in ${queueName}/)`;
  if (queueName === 'maildrop') return 'in maildrop/, waiting for pickup: only delete can take it from there';
  return `${action} does not take messages from ${queueName}/`;
}

/** The outcome reason of a target skipped because its id now names another file. */
export const CHANGED_REASON = 'changed since you looked; not touched';

export type ActionOutcome =
  | { queueId: string; status: 'done' }
  | { queueId: string; status: 'not-found' }
  | { queueId: string; status: 'failed'; reason: string };

export interface ActionResult {
  action: ActionName;
  outcomes: ActionOutcome[];
  /** The commands that ran, as argv arrays (for the audit log and the confirmation). */
  commands: string[][];
  /**
   * What stopped (part of) the batch - not root, the tool missing, a fatal, a timeout - in
   * words to show as is; absent when every command ran to completion. Per-id outcomes still
   * say which ids were done before it stopped.
   */
  error?: string;
}

export interface QueueBackend {
  readonly kind: 'postsuper' | 'direct' | 'read-only';
  /** Why actions are refused (read-only mode), or null when they are allowed. */
  readonly disabledReason: string | null;
  supports(action: ActionName): boolean;
  /** The command line(s) that run() would execute, for the confirmation dialog. */
  describe(action: ActionName, targets: readonly ActionTarget[]): string;
  /**
   * `onProgress` hears outcomes as they come (a chunk at a time), before run() resolves: the
   * audit log writes them at once, so a killed batch leaves a record of what was done.
   */
  run(action: ActionName, targets: readonly ActionTarget[], onProgress?: (outcomes: readonly ActionOutcome[]) => void): Promise<ActionResult>;
}
