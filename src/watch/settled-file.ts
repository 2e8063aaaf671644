/**
 * Live reload of ONE settings file a human edits (a theme, the thresholds): every settled new
 * version, loaded and validated by `load`, goes to a callback. Editors save by writing a temp
 * file and renaming it over the original (vim, VS Code, sed -i), which replaces the inode, so
 * the file's DIRECTORY is watched (one fs.watch, events filtered by name): a watch on the file
 * follows only the inode it was given. chokidar's did that itself, from the event the rename
 * caused, and that listener drops events for 5 ms after each one (a timer that a busy event
 * loop delays): a save in that window left it on the deleted inode, deaf to every later change
 * (`stats --watch` missed a thresholds file after a few quick saves at load 12; saves 8 ms
 * apart left it deaf within a few rounds here, test/watch/settled-file.test.ts). A version is read
 * once its size, mtime and inode have stayed the same for `stabilityMs` (a half-written file
 * is not read).
 *
 * Contract: watchSettledFile() returns null when there is no file on disk to watch. Each
 * settled change calls `onReload` with {ok: true, value} or {ok: false, error} (whatever `load`
 * threw, or a watcher error); a deleted file is ignored until it comes back. Never throws
 * after start. stop() closes the watcher; nothing is reported after it.
 */
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export type SettledReload<T> = { ok: true; path: string; value: T } | { ok: false; path: string; error: unknown };

export interface SettledFileWatcher {
  /** Resolves when the file is watched (tests write only after this). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface SettledFileOptions {
  /** How long a file must stay unchanged before it is read (ms). */
  stabilityMs?: number;
}

export function watchSettledFile<T>(path: string, load: (path: string) => T, onReload: (reload: SettledReload<T>) => void, options: SettledFileOptions = {}): SettledFileWatcher | null {
  if (!existsSync(path)) return null; // safe: a settings file the user names, not a spool path
  const stabilityMs = options.stabilityMs ?? 100;
  const pollMs = Math.max(10, Math.floor(stabilityMs / 4));
  const name = basename(path);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let seen: string | null = null;
  let sameSince = 0;
  const signature = (): string | null => {
    try {
      const stats = statSync(path); // safe: a settings file the user names, not a spool path
      return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    } catch {
      return null;
    }
  };
  const reload = () => {
    let value: T;
    try {
      value = load(path);
    } catch (error) {
      onReload({ ok: false, path, error });
      return;
    }
    onReload({ ok: true, path, value });
  };
  const settle = () => {
    timer = null;
    if (stopped) return;
    const now = Date.now();
    const current = signature();
    // Gone (deleted, or between an editor's unlink and create): its return is an event too.
    if (current === null) return;
    if (current !== seen) [seen, sameSince] = [current, now];
    if (now - sameSince < stabilityMs) timer = setTimeout(settle, pollMs);
    else reload();
  };
  const changed = (_event: string, file: string | null) => {
    if (stopped || (file !== null && file !== name)) return;
    // Settle again from this event on, even if a read is already waiting.
    seen = null;
    timer ??= setTimeout(settle, pollMs);
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(path), { persistent: true }, changed); // safe: the settings file's directory, not a spool path
  } catch {
    return null;
  }
  watcher.on('error', (error) => {
    if (!stopped) onReload({ ok: false, path, error });
  });
  return {
    ready: Promise.resolve(),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
