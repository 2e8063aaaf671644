/**
 * `postq stats [--json|--prometheus] [--watch N] [--output FILE]`: per-queue figures, the
 * active limit and whether Postfix runs.
 *
 * Once: one scan of the spool. With --watch N: the spool watcher feeds a console store (the
 * same live store the console uses; no rescans beyond the watcher's own reconcile) and every
 * N seconds the figures are formatted from it and FILE is replaced atomically (a temp file in
 * the same directory, then rename), so node_exporter's textfile collector never reads half a
 * file. The figures are memoised on the store's entries: between changes a tick costs one
 * small format and one write. With --json the file also holds the trends (stats-trends.ts),
 * sampled from the same store. The thresholds file is watched (thresholds-feed.ts): a new
 * version applies at once, a broken one is a stderr line. Runs until SIGINT/SIGTERM (exit 0).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { QUEUE_NAMES } from '../domain/queue.js';
import { UsageError } from '../domain/errors.js';
import type { Thresholds } from '../domain/thresholds.js';
import type { ThresholdSources } from '../config/thresholds.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { createReadOnlyBackend } from '../actions/read-only-backend.js';
import { createConsoleStore } from '../store/console-store.js';
import { selectQueueFigures, summarizeQueues, type SpoolFigures } from '../store/queue-figures.js';
import { readPostfixStatus } from '../watch/postfix-status.js';
import { scanQueues } from '../watch/scan.js';
import { createSpoolWatcher } from '../watch/spool-watcher.js';
import { startDebugStats } from './debug-stats.js';
import { formatPrometheus, formatStatsJson, formatStatsText, type StatsInput } from './stats-format.js';
import { startTrendFeed, trendStepMs } from './trend-feed.js';
import { watchThresholds } from './thresholds-feed.js';

export interface StatsOptions {
  format: 'text' | 'json' | 'prometheus';
  /** Warning and critical levels (--thresholds FILE, --threshold, the default file). */
  thresholds?: Thresholds;
  /** Where the thresholds came from: with --watch the file is read again when it changes. */
  thresholdSources?: ThresholdSources;
  /** Seconds between rewrites; null = once. */
  watch: number | null;
  output: string | null;
}

export function parseStatsOptions(values: { json?: boolean; prometheus?: boolean; watch?: string; output?: string }): StatsOptions {
  if (values.json && values.prometheus) throw new UsageError('give --json or --prometheus, not both');
  let watch: number | null = null;
  if (values.watch !== undefined) {
    watch = Number(values.watch);
    if (!Number.isFinite(watch) || watch < 0.1) throw new UsageError(`--watch takes seconds (0.1 or more), not "${values.watch}"`);
    if (!values.output) throw new UsageError('--watch needs --output FILE (the file it rewrites)');
  }
  return { format: values.prometheus ? 'prometheus' : values.json ? 'json' : 'text', watch, output: values.output ?? null };
}

function render(config: SpoolConfig, figures: SpoolFigures, options: StatsOptions, nowMs: number, trends?: StatsInput['trends']): string {
  const format = options.format;
  const input: StatsInput = { spool: config.queueDirectory, figures, limits: config.limits, postfix: readPostfixStatus(config.queueDirectory), now: nowMs / 1000, ...(options.thresholds ? { thresholds: options.thresholds } : {}), ...(trends ? { trends } : {}) };
  return format === 'prometheus' ? formatPrometheus(input) : format === 'json' ? formatStatsJson(input) : formatStatsText(input);
}

/** Replace FILE with TEXT atomically: a temp file beside it, then rename over it. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, { mode: 0o644 });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export async function runStats(config: SpoolConfig, options: StatsOptions, write: (text: string) => void, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<number> {
  if (options.watch === null) {
    const text = render(config, summarizeQueues(scanQueues(config, QUEUE_NAMES)), options, Date.now());
    if (options.output) writeFileAtomic(options.output, text);
    else write(text);
    return 0;
  }
  const output = options.output!;
  const store = createConsoleStore({ backend: createReadOnlyBackend('postq stats changes nothing') });
  const watcher = createSpoolWatcher(config, (batch) => store.getState().applySpoolBatch(batch));
  await watcher.start();
  // The trends (for --json) sample the store as the console's do: every 10 s, 60 + 60 samples.
  const stepMs = trendStepMs(process.env);
  const stopTrends = startTrendFeed(store, stepMs);
  const trends = { history: store.getState().trends, stepSeconds: stepMs / 1000 };
  let current = options;
  const tick = () => writeFileAtomic(output, render(config, selectQueueFigures(store.getState()), current, Date.now(), trends));
  tick();
  // A changed thresholds file applies at once (the file is rewritten); a broken one is logged and the old levels stay.
  const thresholdsWatcher = options.thresholdSources
    ? watchThresholds(options.thresholdSources, {
      applied(thresholds, file) {
        current = { ...current, thresholds };
        warn(`postq stats: thresholds reloaded from ${basename(file)}`);
        tick();
      },
      refused: (line) => warn(`postq stats: ${line}`),
    })
    : null;
  const timer = setInterval(tick, options.watch * 1000);
  // POSTQ_DEBUG_STATS: the soak harness's view of the process (bench/soak.ts --target stats).
  const debug = startDebugStats(process.env, process.stdout, () => store.getState().entries.size);
  return new Promise<number>((resolve) => {
    const stop = () => {
      debug?.stop();
      stopTrends();
      void thresholdsWatcher?.stop();
      clearInterval(timer);
      watcher.stop();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
