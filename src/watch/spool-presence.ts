/**
 * Is the spool still there? The queue directory removed (`rm -rf`), replaced by something
 * that is not a directory, made unreadable, or emptied of all six queue directories: the
 * watcher's sweep then finds no message anywhere, which must not read as "live, zero
 * messages". One stat of the directory and six lstats, run with each reconcile.
 *
 * Nothing else would notice it promptly: a removed root sends its last events only when files
 * were in it, and a root renamed away (or replaced by another directory) keeps its watches on
 * the old inode, so events stop and the sweep comes minutes later. SpoolPresence therefore also
 * checks on a one-second timer (a stat, a readdir of some fifteen names, six lstats) and
 * compares the root's device and inode with the ones it started on: a new directory in its
 * place is watched afresh and swept.
 *
 * Contract: spoolGoneReason() returns one sentence naming the directory, or null when the
 * spool is there. SpoolPresence.check() says whether the spool went, came back or was replaced
 * (the caller sweeps then). Never throws.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { QUEUE_NAMES } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import type { WatchStatus } from './watch-status.js';

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

/** How many of the six queue directories are there (real directories, not symlinks). */
export function countQueueDirs(config: SpoolConfig): number {
  let n = 0;
  for (const q of QUEUE_NAMES) {
    try {
      if (lstatSync(join(config.queueDirectory, q)).isDirectory()) n++;
    } catch {
      // Missing or unreadable: not there.
    }
  }
  return n;
}

/**
 * Why the spool is gone, or null. `hadQueues`: some queue directory existed at start (a
 * spool that never had them, e.g. an empty copy, is not "gone" for lacking them).
 */
export function spoolGoneReason(config: SpoolConfig, hadQueues: boolean): string | null {
  const root = config.queueDirectory;
  try {
    if (!statSync(root).isDirectory()) return `the spool is gone: ${root} is no longer a directory`;
    readdirSync(root); // safe: names only, nothing opened below; readdir of a FIFO fails (ENOTDIR), never blocks
  } catch (error) {
    const why = code(error);
    if (why === 'ENOENT') return `the spool is gone: ${root} was removed while postq watched it`;
    if (why === 'ENOTDIR') return `the spool is gone: ${root} is no longer a directory`;
    if (why === 'EACCES' || why === 'EPERM') return `the spool is gone: ${root} became unreadable (permission denied)`;
    return `the spool is gone: ${root} cannot be read (${why})`;
  }
  if (hadQueues && countQueueDirs(config) === 0) return `the spool is gone: ${root} holds none of the six queue directories any more`;
  return null;
}

/** The queue directory's device and inode (it may itself be a symlink: stat follows it), or null. */
function rootIdentity(root: string): { dev: number; ino: number } | null {
  try {
    const stats = statSync(root); // safe: stat only, of the queue directory itself (which may be a symlink); nothing opened
    return { dev: stats.dev, ino: stats.ino };
  } catch {
    return null;
  }
}

export interface PresenceHooks {
  status(): WatchStatus;
  setStatus(status: WatchStatus): void;
  /** The root is back or is another directory: drop the old watches and watch from the root again. */
  rewatch(): void;
}

/** The watcher's view of whether its spool is still the one it indexed (header). */
export class SpoolPresence {
  private hadQueues = false;
  private identity: { dev: number; ino: number } | null = null;
  /** The status to go back to when a gone spool returns. */
  private beforeGone: WatchStatus | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: SpoolConfig,
    private readonly hooks: PresenceHooks,
  ) {}

  /** At start: what is there now is the spool. */
  begin(): void {
    this.hadQueues = countQueueDirs(this.config) > 0;
    this.identity = rootIdentity(this.config.queueDirectory);
  }

  /** Check every `everyMs`; `onChange` (a sweep) when the spool went, came back or was replaced. */
  watch(everyMs: number, onChange: () => void): void {
    this.stop();
    this.timer = setInterval(() => {
      if (this.check()) onChange();
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** True when the spool just went, came back or is another directory now. */
  check(): boolean {
    const gone = spoolGoneReason(this.config, this.hadQueues);
    if (gone) {
      const went = this.beforeGone === null;
      this.beforeGone ??= this.hooks.status();
      this.hooks.setStatus({ mode: 'gone', message: gone });
      return went;
    }
    const now = rootIdentity(this.config.queueDirectory);
    const replaced = now !== null && this.identity !== null && (now.dev !== this.identity.dev || now.ino !== this.identity.ino);
    if (!this.beforeGone && !replaced) return false;
    this.identity = now;
    const back = this.beforeGone;
    this.beforeGone = null;
    // Watches on a removed or replaced directory are dead: start again from the root; the sweep adds the rest.
    this.hooks.rewatch();
    if (back) this.hooks.setStatus(back);
    return true;
  }
}
