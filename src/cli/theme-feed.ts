/**
 * Live theme: the console's reload of the theme file it started with (watch/theme-watcher.ts).
 * A valid new version is applied at once; an invalid one keeps the current theme and the
 * flash line names the file and key at fault.
 */
import { basename } from 'node:path';
import { loadThemeFile } from '../config/theme-load.js';
import type { ThemeError } from '../config/theme.js';
import type { ConsoleStore } from '../store/console-state.js';
import type { ThemeSource } from '../ui/theme-context.js';
import { watchThemeFile, type ThemeWatcher, type ThemeWatchOptions } from '../watch/theme-watcher.js';

/** A theme error for the one-line flash: file name first, then key and problem (80 columns). */
function themeFlash(error: ThemeError): string {
  const detail = error.message.startsWith(`${error.file}: `) ? error.message.slice(error.file.length + 2) : error.message;
  return `theme ${basename(error.file)} not applied: ${detail}`;
}

/**
 * Live theme: watch the file the theme came from. A valid new version is applied at once; an
 * invalid one keeps the current theme and the flash line names the file and key at fault.
 * Null when there is no file on disk to watch (NO_COLOR, default/mono without a file, the
 * bundle's embedded themes).
 */
export function themeReloadFeed(store: ConsoleStore, source: ThemeSource, path: string | null, options: ThemeWatchOptions = {}): ThemeWatcher | null {
  if (!path) return null;
  return watchThemeFile(path, (p) => loadThemeFile(p), (reload) => {
    if (reload.ok) {
      source.set(reload.theme);
      store.getState().setFlash(`theme "${reload.theme.name}" reloaded from ${basename(reload.path)}`, 'ok');
    } else {
      store.getState().setFlash(themeFlash(reload.error), 'error');
    }
  }, options);
}
