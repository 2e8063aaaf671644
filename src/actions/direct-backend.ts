/**
 * The backend for spools no Postfix manages (the demo, a copy under investigation): postsuper's
 * by-id semantics (facts doc §9.2) done here with link(2) + unlink(2) inside the queue directory.
 *   hold    incoming|active|deferred -> hold/ID            (mode, mtime, logs untouched)
 *   release hold -> deferred/H/ID (hashed per config)       (mode bits kept, e.g. g+x)
 *   requeue hold|incoming|active|deferred -> maildrop/ID, then mtime = now
 *   delete  bounce/ID, defer/ID, trace/ID removed first, then the message file
 *   expire  chmod g+x on the file where it is
 *   deliver what the flush service does for `postqueue -i`: mtime = now, g+r ("unthrottle"),
 *           deferred -> incoming/ID (a file already in incoming/ stays there)
 * A message is found only at the path Postfix computes for it in the queue it was seen in, and
 * only when ready (regular file, owner rwx), as postsuper's mail_open_ok() does.
 *
 * Safety: every change goes through src/watch/safe-move.ts: directories proven real (no
 * symlink below the queue directory is ever followed), only regular files touched (FIFOs,
 * sockets, devices, symlinks are refused with their type), and a move is link(2) then unlink(2),
 * which fails on an existing target: two concurrent movers never overwrite a file, and an id in
 * two queues fails instead of replacing the other copy. A SIGKILL between link and unlink leaves
 * one inode under two names; the next run on that id settles it (safe-move.ts settleHalfMove).
 * Never chosen silently on a live host: the CLI needs --backend direct for it.
 *
 * Contract: run() never throws for fs errors; each id gets done / not-found / failed(why).
 */
import type { ActionName, ActionOutcome, ActionResult, ActionTarget, QueueBackend } from '../domain/backend.js';
import { LOG_QUEUES, QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { changeRegular, moveNoReplace, regularFileAt, settleHalfMove, unlinkRegular, type ChangeOutcome } from '../watch/safe-move.js';
import { actionRule, orderOutcomes, prepareTargets } from './action-rules.js';

export interface DirectBackendOptions {
  config: SpoolConfig;
  now?: () => Date;
}

const DESTINATION: Partial<Record<ActionName, QueueName>> = { hold: 'hold', release: 'deferred', requeue: 'maildrop', deliver: 'incoming' };
/** Ids handled between two yields to the event loop (the console keeps drawing during a batch). */
const YIELD_EVERY = 256;

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function createDirectBackend(options: DirectBackendOptions): QueueBackend {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const root = config.queueDirectory;
  const rel = (queueName: string, id: string) => queuePath(config, queueName, id);
  const outcomeOf = (queueId: string, change: ChangeOutcome): ActionOutcome =>
    change.status === 'done' ? { queueId, status: 'done' } : change.status === 'gone' ? { queueId, status: 'not-found' } : { queueId, status: 'failed', reason: change.reason };

  function actOn(action: ActionName, queueName: QueueName, queueId: string): ActionOutcome {
    const source = rel(queueName, queueId);
    let stats = regularFileAt(root, source);
    if (stats && typeof stats !== 'string' && stats.nlink > 1) {
      // A move killed between its link and its unlink left two names: keep one before acting.
      // Settled toward another queue, the source is gone: not-found, as when another mover got
      // there first (this run did not move it; counting it done would count one move twice).
      if (settleHalfMove(root, QUEUE_NAMES.map((q) => rel(q, queueId))) > 0) stats = regularFileAt(root, source);
    }
    if (typeof stats === 'string') return { queueId, status: 'failed', reason: stats };
    // postsuper counts only ready files: regular, owner rwx (mail_open_ok).
    if (!stats || (stats.mode & 0o700) !== 0o700) return { queueId, status: 'not-found' };
    const expect = { dev: stats.dev, ino: stats.ino };
    if (action === 'expire') {
      // An already expired file is not counted by postsuper either.
      if (stats.mode & 0o010) return { queueId, status: 'not-found' };
      return outcomeOf(queueId, changeRegular(root, source, expect, { mode: (stats.mode & 0o7777) | 0o010 }));
    }
    if (action === 'deliver') {
      const changed = changeRegular(root, source, expect, { time: now(), mode: (stats.mode & 0o7777) | 0o040 });
      if (changed.status !== 'done' || queueName === 'incoming') return outcomeOf(queueId, changed);
    }
    if (action === 'delete') {
      for (const log of LOG_QUEUES) {
        const removed = unlinkRegular(root, rel(log, queueId));
        if (removed.status === 'refused') return outcomeOf(queueId, removed);
      }
      return outcomeOf(queueId, unlinkRegular(root, source, expect));
    }
    const target = rel(DESTINATION[action]!, queueId);
    const moved = moveNoReplace(root, source, target, expect);
    if (moved.status === 'done' && action === 'requeue') {
      // postsuper -r sets the time stamps to now so pickup takes it at once. The move is done:
      // a pickup that already took the file is no failure.
      changeRegular(root, target, expect, { time: now() });
    }
    return outcomeOf(queueId, moved);
  }

  function actSafely(action: ActionName, queueName: QueueName, queueId: string): ActionOutcome {
    try {
      return actOn(action, queueName, queueId);
    } catch (error) {
      // Vanished between the check and the move: someone else got there first.
      if (isGone(error)) return { queueId, status: 'not-found' };
      return { queueId, status: 'failed', reason: (error as Error).message };
    }
  }

  const pseudoArgv = (action: ActionName, queueName: string) => [
    'postq-direct',
    '--spool',
    config.queueDirectory,
    actionRule(action)!.flag,
    '-',
    queueName,
  ];

  return {
    kind: 'direct',
    disabledReason: null,
    supports: (action) => actionRule(action) !== undefined,
    describe(action, targets) {
      const { byQueue } = prepareTargets(action, targets);
      return [...byQueue]
        .map(([queueName, ids]) => `${pseudoArgv(action, queueName).join(' ')}  (${ids.length} id${ids.length === 1 ? '' : 's'}, renames in the spool)`)
        .join('\n');
    },
    async run(action, targets: readonly ActionTarget[], onProgress): Promise<ActionResult> {
      const { byQueue, refused } = prepareTargets(action, targets);
      const outcomes: ActionOutcome[] = [...refused];
      const commands: string[][] = [];
      let sinceYield = 0;
      for (const [queueName, ids] of byQueue) {
        commands.push(pseudoArgv(action, queueName));
        for (const queueId of ids) {
          outcomes.push(actSafely(action, queueName, queueId));
          if (++sinceYield === YIELD_EVERY) {
            sinceYield = 0;
            onProgress?.(outcomes.slice(-YIELD_EVERY));
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      }
      return { action, outcomes: orderOutcomes(targets, outcomes), commands };
    },
  };
}
