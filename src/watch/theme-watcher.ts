/**
 * Live reload of the console theme: watches ONE theme file with chokidar and hands every new
 * version, loaded and validated, to a callback. The spool uses fs.watch per directory
 * (dir-watchers.ts) because chokidar costs a watch per file there and loses `add`s in bursts;
 * a theme is a single file a human edits, where chokidar's strengths apply: editors save by
 * writing a temp file and renaming it over the original (vim, VS Code, sed -i), which replaces
 * the inode a raw fs.watch holds, and `atomic` plus `awaitWriteFinish` turn that and half-written
 * files into one settled `change`.
 *
 * Contract: watchThemeFile() returns null when there is no file on disk to watch (the embedded
 * themes of the single-file bundle live in memory). Each add/change calls `onReload` with
 * {ok: true, theme} or {ok: false, error} (a ThemeError naming file and key); a deleted file is
 * ignored until it comes back. Never throws after start; watcher errors arrive as
 * {ok: false}. stop() closes the watcher; nothing is reported after it.
 */
import { existsSync } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { ThemeError, type Theme } from '../config/theme.js';

export type ThemeReload = { ok: true; path: string; theme: Theme } | { ok: false; path: string; error: ThemeError };

export interface ThemeWatcher {
  /** Resolves when chokidar is watching (tests write only after this). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface ThemeWatchOptions {
  /** How long a file must stay unchanged before it is read (ms). */
  stabilityMs?: number;
}

function asThemeError(path: string, error: unknown): ThemeError {
  if (error instanceof ThemeError) return error;
  return new ThemeError(path, '', (error as Error)?.message ?? String(error));
}

export function watchThemeFile(
  path: string,
  load: (path: string) => Theme,
  onReload: (reload: ThemeReload) => void,
  options: ThemeWatchOptions = {},
): ThemeWatcher | null {
  // Real fs on purpose: in the bundle theme-load.ts sees a virtual directory that is not on disk.
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
    try {
      onReload({ ok: true, path, theme: load(path) });
    } catch (error) {
      onReload({ ok: false, path, error: asThemeError(path, error) });
    }
  };
  watcher.on('add', reload);
  watcher.on('change', reload);
  watcher.on('error', (error) => {
    if (!stopped) onReload({ ok: false, path, error: asThemeError(path, error) });
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
