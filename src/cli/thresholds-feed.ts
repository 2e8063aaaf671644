/**
 * Live thresholds: the thresholds file (--thresholds FILE, else the default one beside the
 * themes when it exists at start) is watched while the console or `stats --watch` runs, as a
 * theme file is (watch/settled-file.ts: an editor's atomic save is one settled change). A
 * valid new version replaces the levels at once (--threshold flags still override it); a
 * broken one keeps the levels in force and says so, naming the file and key (the console's
 * flash line; a stderr line for stats). A deleted file changes nothing until it comes back.
 *
 * Not SIGHUP: to the console a hangup means its terminal went away (it exits), so a watched
 * file is the one reload that works the same for the console and for `stats --watch`.
 */
import { basename } from 'node:path';
import type { Thresholds } from '../domain/thresholds.js';
import { loadThresholds, thresholdsErrorLine, thresholdsFile, type ThresholdSources } from '../config/thresholds.js';
import type { ConsoleStore } from '../store/console-state.js';
import { watchSettledFile, type SettledFileOptions, type SettledFileWatcher } from '../watch/settled-file.js';

export interface ThresholdsReload {
  applied(thresholds: Thresholds, file: string): void;
  /** One line: the file's name, the key and the problem, and that the previous levels stay. */
  refused(line: string): void;
}

export function watchThresholds(sources: ThresholdSources, reload: ThresholdsReload, options: SettledFileOptions = {}): SettledFileWatcher | null {
  const file = thresholdsFile(sources);
  if (!file) return null;
  return watchSettledFile(file, () => loadThresholds({ ...sources, file }), (r) => {
    if (r.ok) reload.applied(r.value, r.path);
    else reload.refused(`thresholds ${thresholdsErrorLine(r.path, r.error)}; the previous ones stay`);
  }, options);
}

/** The console's: new levels into the store (header, list, monitor recolour), a flash either way. */
export function thresholdsReloadFeed(store: ConsoleStore, sources: ThresholdSources, options: SettledFileOptions = {}): SettledFileWatcher | null {
  return watchThresholds(sources, {
    applied(thresholds, file) {
      store.getState().setThresholds(thresholds);
      store.getState().setFlash(`thresholds reloaded from ${basename(file)}`, 'ok');
    },
    refused: (line) => store.getState().setFlash(line, 'error'),
  }, options);
}
