/**
 * Live reload of ONE settings file a human edits (a theme, the thresholds): chokidar watches
 * the path and hands every settled new version, loaded and validated by `load`, to a callback.
 * The spool uses fs.watch per directory (dir-watchers.ts) because chokidar costs a watch per
 * file there and loses `add`s in bursts; a settings file is where chokidar's strengths apply:
 * editors save by writing a temp file and renaming it over the original (vim, VS Code,
 * sed -i), which replaces the inode a raw fs.watch holds, and `atomic` plus `awaitWriteFinish`
 * turn that and half-written files into one settled `change`.
 *
 * Contract: watchSettledFile() returns null when there is no file on disk to watch. Each
 * add/change calls `onReload` with {ok: true, value} or {ok: false, error} (whatever `load`
 * threw, or a watcher error); a deleted file is ignored until it comes back. Never throws
 * after start. stop() closes the watcher; nothing is reported after it.
 */
import { existsSync } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';

export type SettledReload<T> = { ok: true; path: string; value: T } | { ok: false; path: string; error: unknown };

export interface SettledFileWatcher {
  /** Resolves when chokidar is watching (tests write only after this). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface SettledFileOptions {
  /** How long a file must stay unchanged before it is read (ms). */
  stabilityMs?: number;
}

export function watchSettledFile<T>(path: string, load: (path: string) => T, onReload: (reload: SettledReload<T>) => void, options: SettledFileOptions = {}): SettledFileWatcher | null {
  if (!existsSync(path)) return null;
  const stabilityThreshold = options.stabilityMs ?? 100;
  const watcher: FSWatcher = watch(path, {
    ignoreInitial: true,
    atomic: true,
    awaitWriteFinish: { stabilityThreshold, pollInterval: Math.max(10, Math.floor(stabilityThreshold / 4)) },
  });
  let stopped = false;
  const reload = () => {
    if (stopped) return;
    let value: T;
    try {
      value = load(path);
    } catch (error) {
      onReload({ ok: false, path, error });
      return;
    }
    onReload({ ok: true, path, value });
  };
  watcher.on('add', reload);
  watcher.on('change', reload);
  watcher.on('error', (error) => {
    if (!stopped) onReload({ ok: false, path, error });
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async stop() {
      stopped = true;
      // Closing on exit must not turn a clean quit into an error.
      await watcher.close().catch(() => {});
    },
  };
}
