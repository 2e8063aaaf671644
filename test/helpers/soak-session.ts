/**
 * One soak: a temp spool seeded by the demo's seeder, the built CLI in a tmux pane on it
 * (read-only, with POSTQ_DEBUG_STATS on: src/cli/debug-stats.ts), and the feeder
 * (spool-feeder.ts) as a separate process at a steady event rate. Shared by `npm run soak`
 * (bench/soak.ts) and the short soak in `npm test` (test/e2e/soak.test.ts).
 *
 * The pane's command is `postq --spool SPOOL --read-only` plus `args` (e.g. ['stats',
 * '--watch'] put first makes it a subcommand). Nothing sleeps a fixed time: waits poll with a
 * deadline. close() stops the feeder, kills the tmux server and removes the spool.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createDemoSpool } from '../../src/demo/spool-skeleton.js';
import { seedQueue } from '../../src/demo/seed.js';
import { Random } from '../../src/demo/random.js';
import { REPO_ROOT } from './corpus.js';
import { CLI_PATH } from './postq-cli.js';
import { startTmux, type TmuxPane } from './tmux.js';
import { waitFor } from './wait-for.js';

/** One line of the console's POSTQ_DEBUG_STATS file. */
export interface DebugLine {
  t: number;
  memory: NodeJS.MemoryUsage;
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
}

export interface FeederStatus {
  paused: boolean;
  events: number;
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
  /** Argument words before `--spool` (a subcommand such as ['stats', '--watch']). */
  command?: string[];
  /** What the screen shows once the command is up (default: the console's `● live`). */
  ready?: RegExp;
  columns?: number;
  rows?: number;
  seed?: number;
  /** Extra environment for the console. */
  env?: Record<string, string>;
  /** Node options for the console (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  log?: (line: string) => void;
}

export interface SoakSession {
  spool: string;
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

function startFeeder(spool: string, rate: number, seed: number, every: [number, number]): { child: ChildProcessWithoutNullStreams; ask(command: string): Promise<FeederStatus> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/helpers/spool-feeder.ts'), spool, String(rate), String(seed), ...every.map(String)], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
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

export async function startSoak(options: SoakOptions): Promise<SoakSession> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'postq-soak-'));
  const config = createDemoSpool(dir);
  const spool = config.queueDirectory;
  log(`seeding ${options.messages} messages in ${spool} ...`);
  seedQueue(config, new Random(options.seed ?? 17), options.messages);
  const statsFile = join(dir, 'stats.jsonl');
  const stderrFile = join(dir, 'stderr.txt');
  const env: Record<string, string> = {
    POSTQ_DEBUG_STATS: statsFile,
    POSTQ_DEBUG_STATS_EVERY: String(options.statsEvery),
    ...(options.gc ? { POSTQ_DEBUG_STATS_GC: '1' } : {}),
    ...options.env,
  };
  const argv = ['node', ...(options.nodeArgs ?? []), options.cli ?? CLI_PATH, ...(options.command ?? []), '--spool', spool, '--read-only'];
  const pane = startTmux({ columns: options.columns ?? 100, rows: options.rows ?? 30, argv, env, stderrFile });
  let feeder: ReturnType<typeof startFeeder> | null = null;
  const close = () => {
    feeder?.child.kill('SIGKILL');
    pane.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pane.waitFor(options.ready ?? /● live/, 60_000);
    const pid = pane.pid();
    log(`console pid ${pid} is up; feeder at ${options.rate} events/s`);
    feeder = startFeeder(spool, options.rate, options.seed ?? 17, [options.hashDirEvery ?? 60, options.damageEvery ?? 20]);
    const stats = () => (existsSync(statsFile) ? readFileSync(statsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as DebugLine) : []);
    await feeder.ask('status');
    return {
      spool,
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
