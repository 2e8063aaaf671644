/**
 * Bulk queues for the fault tests: clone one real queue file into `count` deferred messages
 * the way Postfix names them - short id = 5 hex digits (microseconds) + the new file's inode
 * in hex - at the hashed path, with the source's owner, mode 0700 and mtime. 5,000 messages
 * through sendmail would take minutes; copies of a file the instance wrote take a second.
 * Meant for a spool whose Postfix is stopped (or that no Postfix manages).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, linkSync, mkdirSync, renameSync, statSync, utimesSync, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { queuePath, type SpoolConfig } from '../../src/config/spool-config.js';

/**
 * `copy` gives each message its own inode and an id that matches it, as Postfix would (what
 * postqueue -j and qmgr see on a real instance); `link` makes hard links (one syscall each, ids
 * not tied to the inode) for a spool only postq walks, where names are all that matter.
 */
export function cloneIntoDeferred(config: SpoolConfig, sourcePath: string, count: number, how: 'copy' | 'link' = 'copy'): string[] {
  const source = statSync(sourcePath);
  if (how === 'link') return linkIntoDeferred(config, sourcePath, count);
  const ids: string[] = [];
  const used = new Set<string>();
  const made = new Set<string>();
  for (let i = 0; i < count; i++) {
    const temp = join(config.queueDirectory, `clone.${process.pid}.${i}`);
    copyFileSync(sourcePath, temp);
    const inode = statSync(temp).ino.toString(16).toUpperCase();
    let id: string;
    do {
      id = Math.floor(Math.random() * 0x100000).toString(16).toUpperCase().padStart(5, '0') + inode;
    } while (used.has(id) || existsSync(join(config.queueDirectory, queuePath(config, 'deferred', id))));
    used.add(id);
    const target = join(config.queueDirectory, queuePath(config, 'deferred', id));
    if (!made.has(dirname(target))) {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      chownSync(dirname(target), source.uid, source.gid);
      made.add(dirname(target));
    }
    chownSync(temp, source.uid, source.gid);
    chmodSync(temp, 0o700);
    utimesSync(temp, source.atime, source.mtime);
    renameSync(temp, target);
    ids.push(id);
  }
  return ids;
}

function linkIntoDeferred(config: SpoolConfig, sourcePath: string, count: number): string[] {
  const ids: string[] = [];
  const made = new Set<string>();
  for (let i = 0; i < count; i++) {
    // Distinct made-up inode parts keep the ids unique and well-formed.
    const id = ((i * 2654435761) % 0x100000).toString(16).toUpperCase().padStart(5, '0') + (0x100000 + i).toString(16).toUpperCase();
    const target = join(config.queueDirectory, queuePath(config, 'deferred', id));
    if (!made.has(dirname(target))) {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      made.add(dirname(target));
    }
    linkSync(sourcePath, target);
    ids.push(id);
  }
  return ids;
}

export interface KilledRun {
  /** The signal the run died of (SIGKILL when the kill landed before it finished). */
  signal: NodeJS.Signals | null;
  exitCode: number | null;
  stderr: string;
  /** Process group id (= the leader's pid), to wait until every member is gone. */
  pgid: number;
}

/**
 * Run argv in its own process group; at the first file that lands in `watchDir`, SIGKILL the
 * whole group (postq and any postsuper it started). Resolves when the leader is gone.
 */
export function runAndKillAtFirstMove(argv: string[], env: NodeJS.ProcessEnv, watchDir: string): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let killed = false;
    const watcher = watch(watchDir, () => {
      if (killed) return;
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone: the run finished before the kill.
      }
    });
    child.on('error', (error) => {
      watcher.close();
      reject(error);
    });
    child.on('exit', (exitCode, signal) => {
      watcher.close();
      resolve({ signal, exitCode, stderr, pgid: child.pid! });
    });
  });
}

/** True while any process of the group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
