/**
 * `postq` with no subcommand: the console. Wiring only: terminal checks, theme, backend,
 * store, spool feed, message reader, then the screen (console-screen.ts, loaded once the feed
 * has started). startConsole() is also what `postq --demo` calls with its own spool and backend.
 *
 * Refuses to start (exit 2) when stdout or stdin is not a terminal or TERM=dumb, pointing to
 * `postq list`; a bad theme exits 2 naming the file and key. Returns 0 after `q`, 128+N after
 * a signal. A theme read from a file on disk, and the thresholds file, are reloaded live when
 * the file changes.
 */
import { hostname } from 'node:os';
import type { QueueBackend } from '../domain/backend.js';
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
import { dumpRecords } from '../spool/record-dump.js';
import { buildMessageDocument, type MessageLoader, type MessageReader, type RecordDumper } from '../ui/message-document.js';
import { createBatchGate, sliceInto, type BatchGate, type BatchGateOptions } from '../ui/batch-gate.js';
import { createUiStore } from '../ui/ui-state.js';
import { holdYoungGeneration } from './young-generation.js';
import { chooseBackend } from './choose-backend.js';
import type { ConsoleScreen } from './console-screen.js';
import { untilListed, watcherFeed, type ListingFeed, type StopFeed } from './watcher-feed.js';

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
   * Feeds the store with batches; returns a stop function, or a ListingFeed whose first
   * frame waits for its listing. `fail` ends the console with an error (e.g. the spool is
   * unreadable). Default: the spool watcher (watcher-feed.ts).
   */
  feed?: (store: ConsoleStore, config: SpoolConfig, fail: (error: Error) => void, gate: BatchGate) => StopFeed | ListingFeed;
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
  // Watcher batches wait for a pause in typing (at most 750 ms): keys stay fast in a burst;
  // the initial index's big parts are applied in slices, keys read between them.
  const gate = createBatchGate((batch) => store.getState().applySpoolBatch(batch), { prepare: sliceInto(store), ...options.gate });
  const ui = createUiStore();
  if (options.monitor) ui.setState({ overlay: 'monitor' });
  // The feed starts before the UI's modules load (console-screen.ts: Ink, React, yoga), and
  // the watcher's listing before they do: the read worker loads meanwhile, then reads while
  // the first frame is laid out. A failure before the console is up ends it as soon as it is.
  let failed: Error | null = null;
  let running: ConsoleScreen['running'] | null = null;
  const fail = (error: Error) => (running ? running.fail(error) : (failed ??= error));
  const feed = options.feed ?? ((s, c, f, g) => watcherFeed(s, c, f, g, options.warmStart ?? true));
  const fed = feed(store, config, fail, gate);
  const stop = typeof fed === 'function' ? fed : fed.stop;
  // Raw from here, through the watcher's listing and the UI's loading (Ink turns it on only as
  // it draws): keys typed while the console starts are read as keys once it is up, not cooked
  // and echoed by the tty.
  if (stdin.isTTY) stdin.setRawMode(true);
  let screen: ConsoleScreen;
  try {
    if (typeof fed !== 'function') await untilListed(fed.listed);
    const { showConsoleScreen } = await import('./console-screen.js');
    screen = await showConsoleScreen({
      app: { ui, store, theme, host: options.host ?? hostname(), spool: config.queueDirectory, loadMessage, logTrails: options.logTrails ?? createLogTrails({ configDir: config.configDir }), supports: (a) => backend.supports(a), auditOff: !!options.auditOff },
      gate,
      env,
      stdout,
      stdin,
      stderr,
      altScreen: options.altScreen ?? true,
    });
  } catch (error) {
    if (stdin.isTTY) stdin.setRawMode(false);
    await stop();
    throw error;
  }
  const { themeSource, debug } = screen;
  running = screen.running;
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
