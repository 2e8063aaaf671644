/**
 * The backend for spools no Postfix manages (the demo, a copy under investigation): postsuper's
 * by-id semantics (facts doc §9.2) done here with rename(2) inside the queue directory.
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
 * Safety: every move is one rename(2) on one filesystem, so a SIGKILL at any point leaves the
 * message in exactly one place. Nothing is overwritten: the target is checked first and an
 * existing file makes that id fail. (The check and the rename are two steps; only another
 * writer in this spool could slip between them, and this backend is for spools nothing else
 * writes.) Never chosen silently on a live host: the CLI needs --backend direct for it.
 *
 * Contract: run() never throws for fs errors; each id gets done / not-found / failed(why).
 */
import { chmod, lstat, mkdir, rename, unlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ActionName, ActionOutcome, ActionResult, ActionTarget, QueueBackend } from '../domain/backend.js';
import { LOG_QUEUES, type QueueName } from '../domain/queue.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { actionRule, orderOutcomes, prepareTargets } from './action-rules.js';

export interface DirectBackendOptions {
  config: SpoolConfig;
  now?: () => Date;
}

const DESTINATION: Partial<Record<ActionName, QueueName>> = { hold: 'hold', release: 'deferred', requeue: 'maildrop', deliver: 'incoming' };

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function isGone(error: unknown): boolean {
  const code = errnoOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
}

export function createDirectBackend(options: DirectBackendOptions): QueueBackend {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const abs = (queueName: string, id: string) => join(config.queueDirectory, queuePath(config, queueName, id));

  async function actOn(action: ActionName, queueName: QueueName, queueId: string): Promise<ActionOutcome> {
    const source = abs(queueName, queueId);
    const stats = await lstatOrNull(source);
    // postsuper counts only ready files: regular, owner rwx (mail_open_ok).
    if (!stats || !stats.isFile() || (stats.mode & 0o700) !== 0o700) return { queueId, status: 'not-found' };
    if (action === 'expire') {
      // An already expired file is not counted by postsuper either.
      if (stats.mode & 0o010) return { queueId, status: 'not-found' };
      await chmod(source, (stats.mode & 0o7777) | 0o010);
      return { queueId, status: 'done' };
    }
    if (action === 'deliver') {
      const t = now();
      await utimes(source, t, t);
      await chmod(source, (stats.mode & 0o7777) | 0o040);
      if (queueName === 'incoming') return { queueId, status: 'done' };
    }
    if (action === 'delete') {
      for (const log of LOG_QUEUES) {
        try {
          await unlink(abs(log, queueId));
        } catch (error) {
          if (!isGone(error)) throw error;
        }
      }
      await unlink(source);
      return { queueId, status: 'done' };
    }
    const destinationQueue = DESTINATION[action]!;
    const target = abs(destinationQueue, queueId);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    if (await lstatOrNull(target)) {
      return { queueId, status: 'failed', reason: `${queuePath(config, destinationQueue, queueId)} already exists; not overwritten` };
    }
    await rename(source, target);
    if (action === 'requeue') {
      // postsuper -r sets the time stamps to now so pickup takes it at once. The move is done:
      // a pickup that already took the file is no failure.
      const t = now();
      await utimes(target, t, t).catch((error: unknown) => {
        if (!isGone(error)) throw error;
      });
    }
    return { queueId, status: 'done' };
  }

  async function actSafely(action: ActionName, queueName: QueueName, queueId: string): Promise<ActionOutcome> {
    try {
      return await actOn(action, queueName, queueId);
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
    async run(action, targets: readonly ActionTarget[]): Promise<ActionResult> {
      const { byQueue, refused } = prepareTargets(action, targets);
      const outcomes: ActionOutcome[] = [...refused];
      const commands: string[][] = [];
      for (const [queueName, ids] of byQueue) {
        commands.push(pseudoArgv(action, queueName));
        for (const queueId of ids) outcomes.push(await actSafely(action, queueName, queueId));
      }
      return { action, outcomes: orderOutcomes(targets, outcomes), commands };
    },
  };
}
