/**
 * Live reload of the console theme: ONE theme file watched (settled-file.ts: its directory, atomic
 * saves, half-written files settled), every new version loaded and validated.
 *
 * Contract: watchThemeFile() returns null when there is no file on disk to watch (the embedded
 * themes of the single-file bundle live in memory). Each add/change calls `onReload` with
 * {ok: true, theme} or {ok: false, error} (a ThemeError naming file and key); a deleted file is
 * ignored until it comes back. Never throws after start; watcher errors arrive as
 * {ok: false}. stop() closes the watcher; nothing is reported after it.
 */
import { ThemeError, type Theme } from '../config/theme.js';
import { watchSettledFile, type SettledFileOptions, type SettledFileWatcher } from './settled-file.js';

export type ThemeReload = { ok: true; path: string; theme: Theme } | { ok: false; path: string; error: ThemeError };
export type ThemeWatcher = SettledFileWatcher;
export type ThemeWatchOptions = SettledFileOptions;

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
  // Real fs on purpose (settled-file.ts checks the path): in the bundle theme-load.ts sees a
  // virtual directory that is not on disk, and there is nothing to watch.
  return watchSettledFile(path, load, (r) => onReload(r.ok ? { ok: true, path: r.path, theme: r.value } : { ok: false, path: r.path, error: asThemeError(r.path, r.error) }), options);
}
