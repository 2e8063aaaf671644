/**
 * `postq` with no subcommand: the console. Wiring only: terminal checks, theme, backend,
 * store, spool feed, message reader, then renderConsole(). startConsole() is also what
 * `postq --demo` calls with its own spool and backend.
 *
 * Refuses to start (exit 2) when stdout or stdin is not a terminal or TERM=dumb, pointing to
 * `postq list`; a bad theme exits 2 naming the file and key. Returns 0 after `q`, 128+N after
 * a signal. A theme read from a file on disk, and the thresholds file, are reloaded live when
 * the file changes.
 */
import { hostname } from 'node:os';
import type { QueueBackend } from '../domain/backend.js';
import type { QueueEntry } from '../domain/entry.js';
import { QUEUE_NAMES } from '../domain/queue.js';
import { UsageError } from '../domain/errors.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { findThemeFile, loadTheme } from '../config/theme-load.js';
import { ThemeError, type Theme } from '../config/theme.js';
import { createConsoleStore } from '../store/console-store.js';
import type { HealthThresholds } from '../store/health.js';
import type { Thresholds } from '../domain/thresholds.js';
import { loadThresholds, type ThresholdSources } from '../config/thresholds.js';
import { startContentFeed, type ContentFeedOptions } from './content-feed.js';
import { readMessageContent, searchMessageFile } from '../watch/content-read.js';
import { startHealthFeed } from './health-feed.js';
import { startTrendFeed, trendStepMs } from './trend-feed.js';
import { thresholdsReloadFeed } from './thresholds-feed.js';
import { themeReloadFeed } from './theme-feed.js';
import type { ConsoleStore } from '../store/console-state.js';
import { createReadOnlyBackend } from '../actions/read-only-backend.js';
import { withIdentityCheck } from '../actions/identity-check.js';
import { currentFileIn } from '../watch/current-file.js';
import { readMessageForPane } from '../watch/read-message.js';
import { createLogTrails, type LogTrails } from '../logs/trail-service.js';
import { scanQueues } from '../watch/scan.js';
import { createSpoolWatcher } from '../watch/spool-watcher.js';
import { snapshotPath } from '../watch/index-snapshot.js';
import { POSTQ_VERSION } from './version.js';
import type { WatchMode, WatchStatus } from '../watch/watch-status.js';
import type { WatcherMode } from '../store/console-state.js';
import { dumpRecords } from '../spool/record-dump.js';
import { buildMessageDocument, type MessageLoader, type MessageReader, type RecordDumper } from '../ui/message-document.js';
import { renderConsole } from '../ui/render-console.js';
import { shareInkOutputCaches } from '../ui/ink-output-cache.js';
import { inkTextCacheSize } from '../ui/ink-text-cache.js';
import { createThemeSource } from '../ui/theme-context.js';
import { createBatchGate, sliceInto, type BatchGate, type BatchGateOptions } from '../ui/batch-gate.js';
import { createUiStore } from '../ui/ui-state.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import { holdYoungGeneration } from './young-generation.js';
import { startDebugStats } from './debug-stats.js';
import { chooseBackend } from './choose-backend.js';

export type StopFeed = () => void | Promise<void>;

export interface StartConsoleOptions {
  config: SpoolConfig;
  backend: QueueBackend;
  readOnly?: boolean;
  /** --no-audit: the backend acts without the audit log; the header says `audit off`. */
  auditOff?: boolean;
  /** A theme name (or a loaded theme); null/undefined: $POSTQ_THEME, else default. */
  theme?: string | Theme | null;
  host?: string;
  altScreen?: boolean;
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  /**
   * Feeds the store with batches; returns a stop function. `fail` ends the console with an
   * error (e.g. the spool is unreadable). Default: the spool watcher.
   */
  feed?: (store: ConsoleStore, config: SpoolConfig, fail: (error: Error) => void, gate: BatchGate) => StopFeed;
  /** Record dump for damaged files; default src/spool/record-dump.ts. */
  dumpRecords?: RecordDumper;
  /** How the pane gets a message's bytes; default: from the spool on disk (read-message.ts). */
  readMessage?: MessageReader;
  /** header:/body: content of a message (a fleet reads it from the target); the local spool's by default. */
  readContent?: ContentFeedOptions['read'];
  /**
   * Leave the process running after the console closes (the fleet console goes back to its
   * overview); by default the process ends two seconds after the console, whatever is left.
   */
  keepProcess?: boolean;
  /** Called once the console is gone, with the store as it was left (`--pick` reads the marks). */
  onExit?: (store: ConsoleStore, code: number) => void;
  /**
   * Check each target against the file on screen before acting (identity-check.ts; default
   * true). The fleet console turns it off here: the file is on the target, whose postq serve
   * makes the same check there.
   */
  checkIdentity?: boolean;
  /**
   * Start from (and save) the index snapshot of this spool (index-snapshot.ts; default true).
   * The demo turns it off: its spool is new each time and removed at exit.
   */
  warmStart?: boolean;
  /** Health alert thresholds (--stuck-after); Postfix-minded defaults otherwise. */
  thresholds?: HealthThresholds;
  /** Warning and critical levels of counts and ages (--threshold, --thresholds, the default file). */
  queueThresholds?: Thresholds;
  /** Where queueThresholds came from: the file is watched and read again when it changes. */
  thresholdSources?: ThresholdSources;
  /** Start in the monitor view (--monitor): sparklines and top reasons, no list. */
  monitor?: boolean;
  /** The pane's log trails; default: this machine's log (the fleet console: the log is on the target). */
  logTrails?: LogTrails;
  /** The batch gate's options (the fleet console's burstSize); its defaults otherwise. */
  gate?: BatchGateOptions;
}

/** Why the console cannot run on this terminal, or null. */
export function terminalProblem(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream, env: NodeJS.ProcessEnv): string | null {
  if (!stdout.isTTY || !stdin.isTTY) return 'the console needs a terminal (stdin and stdout are not both a TTY)';
  if (env.TERM === 'dumb') return 'the console cannot draw on TERM=dumb';
  return null;
}

const WATCH_MODES: Record<WatchMode, WatcherMode> = { starting: 'starting', live: 'live', polling: 'polling', failed: 'error', gone: 'gone', stopped: 'error' };

/**
 * The watcher's status into the store: mode and message for the header and the flash line; a
 * view from postqueue -j (status.readOnly) turns actions off for good, with the reason.
 */
export function applyWatchStatus(store: ConsoleStore, status: WatchStatus): void {
  if (status.readOnly && store.getState().readOnlyReason === null) store.getState().setReadOnly(status.readOnly);
  store.getState().setWatcherStatus({ mode: WATCH_MODES[status.mode], message: status.message });
}

/** The spool watcher (src/watch/spool-watcher.ts) feeding the store; a start failure ends the console. */
export function watcherFeed(store: ConsoleStore, config: SpoolConfig, fail: (error: Error) => void, gate?: BatchGate, warmStart = true): StopFeed {
  const sink = gate ? (batch: SpoolBatch) => gate.push(batch) : (batch: SpoolBatch) => store.getState().applySpoolBatch(batch);
  const path = warmStart ? snapshotPath(config.queueDirectory) : null;
  const watcher = createSpoolWatcher(config, sink, {
    onStatus: (status) => applyWatchStatus(store, status),
    // Warm start: the index saved at the last exit, trusted file by file (index-snapshot.ts).
    snapshot: path ? { path, version: POSTQ_VERSION } : null,
  });
  watcher.start().catch((error: unknown) => fail(error as Error));
  return () => {
    watcher.stop();
    gate?.stop();
  };
}

/** A full scan now and every two seconds: a simple feed for tests and tools. */
export function scanFeed(store: ConsoleStore, config: SpoolConfig): StopFeed {
  const scan = () => {
    const upserts: QueueEntry[] = scanQueues(config, QUEUE_NAMES);
    store.getState().applySpoolBatch({ upserts, removals: [], full: true, firstEventAt: null });
  };
  scan();
  store.getState().setWatcherStatus({ mode: 'polling', message: 'rescanning every 2 s' });
  const timer = setInterval(scan, 2000);
  return () => clearInterval(timer);
}

/**
 * The backend the console's store gets: read-only, or the given one behind the identity check
 * (ids are reused: each target is checked against the file that was on screen before it is
 * acted on, and skipped when its id names another file now).
 */
export function consoleBackend(backend: QueueBackend, config: SpoolConfig, readOnly: boolean, checkIdentity = true): QueueBackend {
  if (readOnly) return createReadOnlyBackend();
  return checkIdentity ? withIdentityCheck(backend, currentFileIn(config)) : backend;
}

export async function startConsole(options: StartConsoleOptions): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const stderr = options.stderr ?? process.stderr;
  let theme: Theme;
  let themePath: string | null = null;
  try {
    if (typeof options.theme === 'object' && options.theme !== null) theme = options.theme;
    else {
      theme = loadTheme({ name: options.theme ?? null, env });
      themePath = findThemeFile({ name: options.theme ?? null, env });
    }
  } catch (error) {
    if (error instanceof ThemeError) {
      stderr.write(`postq: theme: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const problem = terminalProblem(stdout, stdin, env);
  if (problem) {
    stderr.write(`postq: ${problem}; use \`postq list\` (or \`postq list --json\`) instead\n`);
    return 2;
  }
  // The index promotes every entry it reads: without this the young generation grows to its
  // full 32 MB and stays there; held from 4 MB (young-generation.ts): held any smaller, keys
  // pressed during the fill waited longer. The read workers start at 4 MB semi-spaces: held at
  // 1 MB they spent several times the watcher's time collecting.
  holdYoungGeneration(4, 4);
  const config = options.config;
  const backend = consoleBackend(options.backend, config, !!options.readOnly, options.checkIdentity ?? true);
  const store = createConsoleStore({ backend, limits: config.limits, emptyAddress: config.emptyAddress, ...(options.queueThresholds ? { thresholds: options.queueThresholds } : {}) });
  const dump = options.dumpRecords ?? dumpRecords;
  const read: MessageReader = options.readMessage ?? ((entry) => readMessageForPane(config, entry));
  const loadMessage: MessageLoader = (entry, view) => buildMessageDocument(entry, () => read(entry), view, dump);
  // Half the CPU of a frame: Ink's per-frame caches kept across frames (ink-output-cache.ts).
  const inkOutputCaches = await shareInkOutputCaches();
  // Watcher batches wait for a pause in typing (at most 750 ms): keys stay fast in a burst;
  // the initial index's big parts are applied in slices, keys read between them.
  const gate = createBatchGate((batch) => store.getState().applySpoolBatch(batch), { prepare: sliceInto(store), ...options.gate });
  const themeSource = createThemeSource(theme);
  // POSTQ_DEBUG_STATS: the soak harness's view of the process (off by default).
  const debug = startDebugStats(env, stdout, () => store.getState().entries.size, { inkOutputCaches }, () => ({ inkTextCache: inkTextCacheSize() }));
  const onKey = debug ? () => (debug.noteKey(), gate.noteKey()) : gate.noteKey;
  const ui = createUiStore();
  if (options.monitor) ui.setState({ overlay: 'monitor' });
  // The feed starts before the first frame: the watcher's read worker then loads on the other
  // core while the first frame is laid out (Ink, yoga, string widths: 0.1-0.3 s at the start),
  // not after it. A failure before the console is up ends it as soon as it is.
  let failed: Error | null = null;
  let running: ReturnType<typeof renderConsole> | null = null;
  const fail = (error: Error) => (running ? running.fail(error) : (failed ??= error));
  const feed = options.feed ?? ((s, c, f, g) => watcherFeed(s, c, f, g, options.warmStart ?? true));
  const stop = feed(store, config, fail, gate);
  running = renderConsole({
    app: { ui, onKey, store, theme, themeSource, host: options.host ?? hostname(), spool: config.queueDirectory, loadMessage, logTrails: options.logTrails ?? createLogTrails({ configDir: config.configDir }), supports: (a) => backend.supports(a), auditOff: !!options.auditOff },
    stdout,
    stdin,
    stderr,
    altScreen: options.altScreen ?? true,
  });
  if (failed) running.fail(failed);
  const stopHealth = startHealthFeed(store, config, options.thresholds ? { thresholds: options.thresholds } : {});
  const stopTrends = startTrendFeed(store, trendStepMs(process.env));
  const stopContent = startContentFeed(store, options.readContent ? { read: options.readContent } : { read: (entry) => readMessageContent(config, entry), search: (entry, evaluate) => searchMessageFile(config, entry, evaluate) });
  const themeWatcher = themeReloadFeed(store, themeSource, themePath);
  const thresholdsWatcher = options.thresholdSources ? thresholdsReloadFeed(store, options.thresholdSources) : null;
  let code = 1;
  try {
    code = await running.exited;
    options.onExit?.(store, code);
    return code;
  } finally {
    debug?.stop();
    await themeWatcher?.stop();
    await thresholdsWatcher?.stop();
    stopHealth();
    stopTrends();
    stopContent();
    await stop();
    // Once the console is gone nothing may keep the process alive (a scan still in progress,
    // a stuck child): the caller gets two seconds for its own cleanup, then the process ends.
    if (!options.keepProcess) setTimeout(() => process.exit(code), 2000).unref();
  }
}

export interface ConsoleFlags {
  backend?: string | undefined;
  'no-audit'?: boolean | undefined;
  'read-only'?: boolean | undefined;
  theme?: string | undefined;
  'no-alt-screen'?: boolean | undefined;
  pick?: boolean | undefined;
  'stuck-after'?: string | undefined;
  threshold?: string[] | undefined;
  thresholds?: string | undefined;
  monitor?: boolean | undefined;
}

/** --stuck-after SECONDS: when an incoming 0600 file or a maildrop message counts as stuck. */
export function parseThresholds(flags: ConsoleFlags): HealthThresholds | undefined {
  const raw = flags['stuck-after'];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--stuck-after takes seconds, not "${raw}"`);
  return { stuckSeconds: seconds };
}

/** Why a spool no Postfix configuration describes is shown read-only (the header's [RO]). */
export async function runConsoleCommand(config: SpoolConfig, flags: ConsoleFlags): Promise<number> {
  const audit = !flags['no-audit'];
  const backend = chooseBackend(flags.backend, config, { audit });
  const thresholds = parseThresholds(flags);
  const thresholdSources: ThresholdSources = { file: flags.thresholds, flags: flags.threshold };
  const queueThresholds = loadThresholds(thresholdSources);
  const options: StartConsoleOptions = { config, backend, readOnly: !!flags['read-only'], auditOff: !audit, theme: flags.theme ?? null, altScreen: !flags['no-alt-screen'], queueThresholds, thresholdSources, monitor: !!flags.monitor, ...(thresholds ? { thresholds } : {}) };
  if (!flags.pick) return startConsole(options);
  // --pick: the marked ids go to stdout on `q`; the console draws on the terminal instead.
  const { drawingTerminal, formatPicked } = await import('./pick.js');
  if (!process.stdout.isTTY) options.stdout = drawingTerminal() ?? process.stdout;
  let picked = '';
  options.onExit = (store, code) => {
    if (code === 0) picked = formatPicked([...store.getState().marks].sort());
  };
  const code = await startConsole(options);
  if (picked) process.stdout.write(picked);
  return code;
}
