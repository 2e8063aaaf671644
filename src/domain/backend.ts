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
  run(action: ActionName, targets: readonly ActionTarget[]): Promise<ActionResult>;
}
