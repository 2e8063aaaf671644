/**
 * One soak: a temp spool seeded by the demo's seeder, the built CLI in a tmux pane on it
 * (read-only, with POSTQ_DEBUG_STATS on: src/cli/debug-stats.ts), and the feeder
 * (spool-feeder.ts) as a separate process at a steady event rate. Shared by `npm run soak`
 * (bench/soak.ts) and the short soak in `npm test` (test/e2e/soak.test.ts).
 *
 * What runs in the pane (`target`):
 *   console    `postq --spool SPOOL --read-only`, up once it shows `● live`
 *   stats      `postq stats --watch 1 --prometheus --output FILE --spool SPOOL`, up once it
 *              writes its first stats line (it draws nothing)
 *   pane-log   `postq -c CONF --read-only`, CONF a main.cf naming the spool and a mail log
 *              (maillog_file) that holds every message's history (mail-log-writer.ts); the
 *              first message's pane is opened (Enter) on its Log section (l), and the feeder
 *              appends each event's log lines and keeps that message in place (`pin`)
 * Nothing sleeps a fixed time: waits poll with a deadline. close() stops the feeder, kills
 * the tmux server and removes the spool.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SpoolConfig } from '../../src/config/spool-config.js';
import { createDemoSpool } from '../../src/demo/spool-skeleton.js';
import { seedQueue } from '../../src/demo/seed.js';
import { Random } from '../../src/demo/random.js';
import { listQueue } from '../../src/demo/queue-io.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { writeLogHistory } from './mail-log-writer.js';
import { REPO_ROOT } from './corpus.js';
import { CLI_PATH } from './postq-cli.js';
import { startTmux, type TmuxPane } from './tmux.js';
import { waitFor } from './wait-for.js';
import { writePostfixConfig } from './postfix-config.js';

/** One line of the console's POSTQ_DEBUG_STATS file. */
export interface DebugLine {
  t: number;
  memory: NodeJS.MemoryUsage;
  /** V8's heap spaces: MiB committed each (new_space, old_space, code_space, ...). */
  spaces: Record<string, number>;
  cpuMs: number;
  gcCpuMs: number;
  resources: Record<string, number>;
  perfEntries: number;
  entries: number;
  keys: number;
  keyFrameMs: number[];
  writes: number;
  frames: number;
  bytes: number;
  /** The console's: whether Ink's output caches are shared (src/ui/ink-output-cache.ts). */
  inkOutputCaches?: boolean;
  /** The console's: entries in Ink's bounded text-size cache, null if not bounded (src/ui/ink-text-cache.ts). */
  inkTextCache?: number | null;
}

export interface FeederStatus {
  paused: boolean;
  events: number;
  /** Hash directory cycles and damaged files completed so far. */
  cycles: { hashDir: number; damaged: number };
  counts: Record<string, number>;
}

export interface SoakOptions {
  messages: number;
  /** Feeder events per second. */
  rate: number;
  /** Seconds between the feeder's hash directory cycles and damaged files (default 60, 20). */
  hashDirEvery?: number;
  damageEvery?: number;
  /** The CLI to run (default dist/cli.js; e.g. a copy, so a rebuild cannot touch a long run). */
  cli?: string;
  /** Seconds between the console's stats lines. */
  statsEvery: number;
  /** Force a GC before each stats line (heapUsed = what is retained). */
  gc?: boolean;
  /** What runs in the pane (default console): see the header. */
  target?: SoakTarget;
  columns?: number;
  rows?: number;
  seed?: number;
  /** Extra environment for the console. */
  env?: Record<string, string>;
  /** Node options for the console (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  log?: (line: string) => void;
}

export type SoakTarget = 'console' | 'stats' | 'pane-log';
export const SOAK_TARGETS: readonly SoakTarget[] = ['console', 'stats', 'pane-log'];

/** Delivery attempts per message in the pane-log history: its trail is longer than the pane. */
const HISTORY_ATTEMPTS = 24;

export interface SoakSession {
  spool: string;
  /** The message open in the pane (pane-log), else null. */
  paneQueueId: string | null;
  pane: TmuxPane;
  pid: number;
  stderrFile: string;
  /** Every stats line written so far. */
  stats(): DebugLine[];
  /** Wait for a stats line written after `afterMs` (epoch ms) that satisfies `ok`. */
  nextStats(afterMs: number, ok?: (line: DebugLine) => boolean, timeoutMs?: number): Promise<DebugLine>;
  /** Send a command to the feeder (pause, resume, status, stop) and get its answer. */
  feeder(command: 'pause' | 'resume' | 'status' | 'stop'): Promise<FeederStatus>;
  close(): void;
}

function startFeeder(spool: string, rate: number, seed: number, every: [number, number], mailLog: string | null): { child: ChildProcessWithoutNullStreams; ask(command: string): Promise<FeederStatus> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/helpers/spool-feeder.ts'), spool, String(rate), String(seed), ...every.map(String), ...(mailLog ? [mailLog] : [])], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const waiting: Array<(status: FeederStatus) => void> = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line) as FeederStatus));
  const ask = (command: string) =>
    new Promise<FeederStatus>((resolve, reject) => {
      if (child.exitCode !== null) return reject(new Error(`feeder exited ${child.exitCode}: ${stderr}`));
      waiting.push(resolve);
      child.stdin.write(`${command}\n`);
    });
  return { child, ask };
}

/** The pane's argv after `node` and the CLI, and what to write first. */
function targetArgv(target: SoakTarget, dir: string, config: SpoolConfig): { args: string[]; mailLog: string | null } {
  const spool = config.queueDirectory;
  if (target === 'stats') return { args: ['stats', '--watch', '1', '--prometheus', '--output', join(dir, 'queue.prom'), '--spool', spool], mailLog: null };
  if (target === 'console') return { args: ['--spool', spool, '--read-only'], mailLog: null };
  const conf = join(dir, 'conf');
  const mailLog = join(dir, 'maillog');
  mkdirSync(conf);
  writePostfixConfig(join(conf, 'main.cf'), `queue_directory = ${spool}\nmaillog_file = ${mailLog}\ncompatibility_level = 3.6\n`);
  writePostfixConfig(join(conf, 'master.cf'), '');
  const ids = QUEUE_NAMES.flatMap((q) => listQueue(config, q).map((f) => f.id));
  writeLogHistory(mailLog, ids, HISTORY_ATTEMPTS);
  return { args: ['-c', conf, '--read-only'], mailLog };
}

/** Press `key` until the screen satisfies `ok` (a key sent the moment the console is up can be lost). */
async function pressUntil(pane: TmuxPane, key: string, ok: (screen: string) => boolean, what: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    pane.send(key);
    try {
      return await pane.waitUntil(ok, what, attempt < 5 ? 5000 : 60_000);
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

/** pane-log: open the first message's pane on its Log section; its queue id. */
async function openLogPane(pane: TmuxPane): Promise<string> {
  await pressUntil(pane, '\r', (screen) => /RECIPIENTS/.test(screen), 'the message pane');
  // Searched once the progress line is gone and the trail shows (it is longer than the pane).
  const searched = (text: string) => /log trail/.test(text) && / ago\) /.test(text) && !/searching the log/.test(text);
  const screen = await pressUntil(pane, 'l', (text) => /log trail/.test(text), 'the log trail').then(() => pane.waitUntil(searched, 'the log trail, searched', 60_000));
  const id = /^([0-9A-Za-z]{10,})\s+log trail/m.exec(screen)?.[1];
  if (!id) throw new Error(`soak: no queue id on the log pane:\n${screen}`);
  return id;
}

export async function startSoak(options: SoakOptions): Promise<SoakSession> {
  const log = options.log ?? (() => {});
  const target = options.target ?? 'console';
  const dir = mkdtempSync(join(tmpdir(), 'postq-soak-'));
  const config = createDemoSpool(dir);
  const spool = config.queueDirectory;
  log(`seeding ${options.messages} messages in ${spool} ...`);
  seedQueue(config, new Random(options.seed ?? 17), options.messages);
  const { args, mailLog } = targetArgv(target, dir, config);
  const statsFile = join(dir, 'stats.jsonl');
  const stderrFile = join(dir, 'stderr.txt');
  const env: Record<string, string> = {
    POSTQ_DEBUG_STATS: statsFile,
    POSTQ_DEBUG_STATS_EVERY: String(options.statsEvery),
    ...(options.gc ? { POSTQ_DEBUG_STATS_GC: '1' } : {}),
    ...options.env,
  };
  const argv = ['node', ...(options.nodeArgs ?? []), options.cli ?? CLI_PATH, ...args];
  const pane = startTmux({ columns: options.columns ?? 100, rows: options.rows ?? 30, argv, env, stderrFile });
  let feeder: ReturnType<typeof startFeeder> | null = null;
  const close = () => {
    feeder?.child.kill('SIGKILL');
    pane.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (target === 'stats') await waitFor(() => existsSync(statsFile), { timeoutMs: 60_000, intervalMs: 200, what: 'the first stats line of postq stats --watch' });
    else await pane.waitFor(/● live/, 60_000);
    const paneQueueId = target === 'pane-log' ? await openLogPane(pane) : null;
    const pid = pane.pid();
    log(`${target} pid ${pid} is up${paneQueueId ? ` (pane open on ${paneQueueId}'s log)` : ''}; feeder at ${options.rate} events/s`);
    feeder = startFeeder(spool, options.rate, options.seed ?? 17, [options.hashDirEvery ?? 60, options.damageEvery ?? 20], mailLog);
    const stats = () => (existsSync(statsFile) ? readFileSync(statsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as DebugLine) : []);
    await feeder.ask(paneQueueId ? `pin ${paneQueueId}` : 'status');
    return {
      spool,
      paneQueueId,
      pane,
      pid,
      stderrFile,
      stats,
      nextStats: (afterMs, ok = () => true, timeoutMs = 60_000) =>
        waitFor(() => stats().find((l) => l.t > afterMs && ok(l)), { timeoutMs, intervalMs: 200, what: 'a stats line from the console' }),
      feeder: (command) => feeder!.ask(command),
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
