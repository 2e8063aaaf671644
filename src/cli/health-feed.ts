/**
 * The console's health timer: every couple of seconds it checks whether master runs (a spool
 * a Postfix configuration manages only), re-reads the limits when main.cf changed (one stat;
 * postconf only after a change), and works out the clock-dependent alerts (stuck incoming
 * files, an undrained maildrop) once the initial index is read. The store hears only what
 * changed, so an idle console draws no frame for it. Returns a stop function.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { limitsFromPostconf } from '../config/postfix-limits.js';
import { readPostconf, type SpoolConfig } from '../config/spool-config.js';
import type { ConsoleStore } from '../store/console-state.js';
import { computeTimedAlerts, DEFAULT_HEALTH_THRESHOLDS, sameAlerts, type HealthThresholds } from '../store/health.js';
import { selectQueueFigures } from '../store/queue-figures.js';
import { readPostfixStatus } from '../watch/postfix-status.js';

export interface HealthFeedOptions {
  thresholds?: HealthThresholds;
  intervalMs?: number;
  now?: () => number;
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

export function startHealthFeed(store: ConsoleStore, config: SpoolConfig, options: HealthFeedOptions = {}): () => void {
  const thresholds = options.thresholds ?? DEFAULT_HEALTH_THRESHOLDS;
  const now = options.now ?? Date.now;
  const mainCf = join(config.configDir ?? process.env.MAIL_CONFIG ?? '/etc/postfix', 'main.cf');
  let mainCfMtime = config.fromPostconf ? mtimeOf(mainCf) : -1;

  const check = () => {
    const state = store.getState();
    if (state.watcher.mode === 'starting') return;
    const patch: Parameters<typeof state.updateHealth>[0] = {};
    if (config.fromPostconf) {
      const status = readPostfixStatus(config.queueDirectory);
      if (state.postfix?.running !== status.running || state.postfix.detail !== status.detail) {
        patch.postfix = { running: status.running, detail: status.detail };
      }
      const mtime = mtimeOf(mainCf);
      if (mtime !== mainCfMtime) {
        mainCfMtime = mtime;
        const values = readPostconf(config.configDir);
        if (values) patch.limits = limitsFromPostconf(values);
      }
    }
    // While the initial index reads (the listings' counts in the header), the clock's alerts
    // wait for it: their figures are a pass over every entry, and each part of the index is
    // a new entry map, so at 100k each check during the fill scanned the entries (10-20 ms of
    // the main thread) for an answer about a spool half read.
    if (state.listedCounts === null) {
      const running = patch.postfix?.running ?? state.postfix?.running ?? null;
      const timed = computeTimedAlerts(selectQueueFigures(state), state.queueStats, now() / 1000, thresholds, running);
      if (!sameAlerts(timed, state.timedAlerts)) patch.timedAlerts = timed;
    }
    if (Object.keys(patch).length > 0) state.updateHealth(patch);
  };
  const timer = setInterval(check, options.intervalMs ?? Math.min(2000, Math.max(250, thresholds.stuckSeconds * 250)));
  timer.unref?.();
  return () => clearInterval(timer);
}
