/**
 * The fleet at scale (from bench/run.ts, or `node --import tsx bench/fleet-bench.ts`), the
 * issue's row by default: BENCH_FLEET_TARGETS spools (default 10) of BENCH_FLEET_MESSAGES
 * messages each (default 10,000), each served by its own `postq serve --stdio` (the built
 * dist/cli.js) over a real OpenSSH server on loopback (bench/fleet-targets.ts;
 * BENCH_FLEET_VIA=local: `local:` targets instead), linked as the fleet console links them,
 * their batches merged into one console store through the console's own merged feed and
 * batch gate (with its sliced apply of the index). On one 2-core machine ten serves share
 * the cores with the console: the fill is also set against the CPU all of them used.
 *
 *   local CPU per message: every target's serve output recorded once, then replayed at once
 *     through the same links, feed, gate and store with no serve running
 *     (bench/fleet-replay.ts): the console's own cost; and the fill a fleet of hosts with
 *     their own cores would see, max(slowest target alone, the replay's CPU time: the
 *     console's share of a core when the machine is loaded is not the console's cost),
 *     against the slowest target alone;
 *   all rows: from starting every link to the first frame written (the console's App on the
 *     merged store, 80x24, mounted through the fill as the fleet console is) with every
 *     target's rows in the store, and to the store alone; against the slowest target alone
 *     (each target's link measured alone after, same run), and
 *     against the CPU the serves, ssh/sshd and the console used over the cores; the serves'
 *     CPU all at once against their CPU alone (is the work linear in the targets?);
 *   local RSS: this process's peak (links, mirrors and the merged store);
 *   burst: 5,000 deferred -> hold renames on one target (bench/mover.ts, spread over 1 s),
 *     each rename to the moment its row shows hold in the merged store; p50/p99; and the
 *     share of this side, from the row's arrival on its link to the store (the gate, with
 *     the fleet's FLEET_GATE, and the store's apply), apart from the serve's under load.
 *   key -> frame: the console's App on TARGETS x MESSAGES entries merged as the fleet console
 *     keys them (HOST column), against one spool of the same size (bench/merged-keys.ts).
 *
 * Run alone (`node --import tsx bench/fleet-bench.ts`): the fleet table only, with the
 * machine lines, in BENCH_DIR (default $TMPDIR/postq-bench, spools reused from earlier runs).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createConnection, type Connection } from '../src/remote/connection.js';
import { mergedId } from '../src/remote/merged.js';
import { PROTOCOL_VERSION } from '../src/remote/protocol.js';
import { FLEET_GATE, startMergedFeed } from '../src/remote/merged-feed.js';
import { createBatchGate, sliceInto } from '../src/ui/batch-gate.js';
import { selectCounts, selectWindow } from '../src/store/selectors.js';
import { recordServe, replayMerged } from './fleet-replay.js';
import { createConsoleStore } from '../src/store/console-store.js';
import { createReadOnlyBackend } from '../src/actions/read-only-backend.js';
import { CLI, openFleet, remoteCpuMs, type BenchFleet, type FleetTarget } from './fleet-targets.js';
import { runMergedKeyBench } from './merged-keys.js';
import { isFrame, renderOn } from './console-harness.js';
import { shareInkOutputCaches } from '../src/ui/ink-output-cache.js';
import { machineLines, mb, ms, percentile, printTable, ratioOf, type Row } from './report.js';

// BENCH_FLEET_WINDOW: the links' credit window in bytes (protocol 2; `max`: none in effect,
// every line sent at once as protocol 1 did), to compare in one run.
const windowEnv = process.env.BENCH_FLEET_WINDOW;
const windowBytes = windowEnv === 'max' ? 2 ** 40 : windowEnv ? Number(windowEnv) : undefined;

function link(fleet: BenchFleet, f: FleetTarget): Connection {
  const c = createConnection({ target: f.target, context: fleet.context, serveArgs: f.serveArgs, version: '0.1.0', ...(windowBytes ? { windowBytes } : {}) });
  c.start();
  return c;
}

async function until(ok: () => boolean, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('fleet bench: timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Deferred files of a spool as "from<TAB>to" rename lines to hold/, at most n. */
function deferredMoves(spool: string, n: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (rel: string) => {
    for (const d of readdirSync(join(spool, rel), { withFileTypes: true })) {
      if (out.length >= n) return;
      if (d.isDirectory()) walk(`${rel}/${d.name}`);
      else if (d.isFile()) out.push([`${rel}/${d.name}`, `hold/${d.name}`]);
    }
  };
  walk('deferred');
  return out;
}

/**
 * 5,000 deferred -> hold renames on one spool (bench/mover.ts, over 1 s), each rename to the
 * moment `seen` (filled by the caller's listener, under `key(id)`) has it; put back after.
 */
async function burst(spool: string, workDir: string, mover: string, seen: Map<string, bigint>, key: (id: string) => string): Promise<number[]> {
  const moves = deferredMoves(spool, 5000);
  const list = join(workDir, 'fleet-moves.tsv');
  writeFileSync(list, moves.map(([a, b]) => `${a}\t${b}`).join('\n'));
  seen.clear();
  // Not spawnSync: this process must keep reading its links while the mover runs (a blocked
  // event loop during the mover's second was in every latency of the first version).
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [mover, list, spool, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
    child.on('error', reject).on('close', () => resolve(text));
  });
  const movedAt = stdout.trim().split('\n').map((l) => BigInt(l.split(' ')[1]!));
  const idOf = (to: string) => key(to.split('/').pop()!);
  await until(() => moves.every(([, to]) => seen.has(idOf(to))), 60_000).catch(() => undefined);
  const latencies = moves.map(([, to], i) => {
    const at = seen.get(idOf(to));
    return at === undefined ? Infinity : Number(at - movedAt[i]!) / 1e6;
  });
  // Put the burst back so the spools can be reused.
  writeFileSync(list, moves.map(([a, b]) => `${b}\t${a}`).join('\n'));
  spawnSync(process.execPath, [mover, list, spool, '200']);
  return latencies;
}

const p50p99 = (l: number[]) => `${ms(percentile(l, 50))} / ${ms(percentile(l, 99))}`;

export async function runFleetBench(workDir: string, mover: string, log: (s: string) => void): Promise<Row[]> {
  // The row: 10 targets x 10,000 messages, over a real sshd (bench/fleet-targets.ts).
  const targets = Number(process.env.BENCH_FLEET_TARGETS ?? 10);
  const per = Number(process.env.BENCH_FLEET_MESSAGES ?? 10_000);
  const fleet = await openFleet(workDir, targets, per, log);
  try {
    return await measure(fleet, per, workDir, mover, log);
  } finally {
    fleet.close();
  }
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

async function measure(fleet: BenchFleet, per: number, workDir: string, mover: string, log: (s: string) => void): Promise<Row[]> {
  const targets = fleet.targets.length;
  const loadBefore = load();
  // BENCH_FLEET_GATE=default: the single console's gate (no burstSize), to compare.
  const gateOptions = process.env.BENCH_FLEET_GATE === 'default' ? {} : FLEET_GATE;
  log(`fleet: ${targets} targets x ${per} messages via ${fleet.via}, merged (gate ${JSON.stringify(gateOptions)}), load ${loadBefore} ...`);
  const store = createConsoleStore({ backend: createReadOnlyBackend() });
  const seenHold = new Map<string, bigint>();
  // The console's path (console-command.ts): one gate for every target, the index's parts
  // applied in slices (prepare); a row counts as seen when the gate applies it.
  const gate = createBatchGate((batch) => {
    store.getState().applySpoolBatch(batch);
    selectWindow(store.getState(), 20);
    selectCounts(store.getState());
    const now = process.hrtime.bigint();
    for (const e of batch.upserts) if (e.queueName === 'hold' && !seenHold.has(e.queueId)) seenHold.set(e.queueId, now);
  }, { prepare: sliceInto(store), ...gateOptions });
  // The App on the merged store, as the fleet console draws it (80x24): the fill ends when a
  // frame is written with every row in the store (Ink writes nothing for a frame that did not change).
  if (!(await shareInkOutputCaches())) throw new Error('fleet bench: Ink output caches not shared');
  const screen = renderOn(store, gate.noteKey);
  let onScreenAt: number | null = null;
  const write = screen.term.stdout.write.bind(screen.term.stdout);
  screen.term.stdout.write = ((chunk: string, ...rest: unknown[]) => {
    if (onScreenAt === null && isFrame(String(chunk)) && store.getState().entries.size >= targets * per) onScreenAt = performance.now();
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof screen.term.stdout.write;
  // The moment the store holds every row (a subscription, not the 5 ms poll below).
  let fullAt: number | null = null;
  const unsubscribe = store.subscribe((st) => {
    if (fullAt === null && st.entries.size >= targets * per) fullAt = performance.now();
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const links = fleet.targets.map((f) => link(fleet, f));
  // When each hold row reached this side (its link), before the gate: the local share of a latency.
  const arrivedHold = new Map<string, bigint>();
  const stopFeed = startMergedFeed(links, (batch) => {
    const now = process.hrtime.bigint();
    for (const e of batch.upserts) if (e.queueName === 'hold' && !arrivedHold.has(e.queueId)) arrivedHold.set(e.queueId, now);
    gate.push(batch);
  });
  await until(() => links.every((c) => c.status.ready) && store.getState().entries.size >= targets * per);
  await until(() => onScreenAt !== null);
  unsubscribe();
  const allRowsMs = fullAt! - t0;
  const onScreenMs = onScreenAt! - t0;
  const cpu = process.cpuUsage(cpu0);
  const localCpuMs = (cpu.user + cpu.system) / 1000;
  const remote = remoteCpuMs(fleet);
  const loadFill = load();

  log('fleet: a 5,000-move burst on one target, merged ...');
  const label = links[0]!.target.label;
  const burstCpu0 = process.cpuUsage();
  arrivedHold.clear();
  const latencies = await burst(fleet.targets[0]!.spool.spool, workDir, mover, seenHold, (id) => mergedId(id, label));
  const seenCount = latencies.filter(Number.isFinite).length;
  const local = [...seenHold].map(([id, at]) => Number(at - (arrivedHold.get(id) ?? at)) / 1e6);
  const burstCpu = process.cpuUsage(burstCpu0);
  const burstCpuMs = (burstCpu.user + burstCpu.system) / 1000;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  stopFeed();
  gate.stop();
  screen.unmount();
  for (const c of links) c.stop();
  await new Promise((r) => setTimeout(r, 1000)); // the serves end before each is measured alone

  log('fleet: each target alone (and the burst on the first, alone) ...');
  const alone: number[] = [];
  let aloneServeCpu = 0;
  let aloneSshCpu = 0;
  let slowestServeCpu = 0;
  let aloneBurst: number[] = [];
  for (const [i, f] of fleet.targets.entries()) {
    const t = performance.now();
    const c = link(fleet, f);
    const seen = new Map<string, bigint>();
    c.listen((batch) => {
      const now = process.hrtime.bigint();
      for (const e of batch.upserts) if (e.queueName === 'hold' && !seen.has(e.queueId)) seen.set(e.queueId, now);
    });
    await until(() => c.status.ready && c.mirror.entries.size >= per);
    alone.push(performance.now() - t);
    const serveCpu = remoteCpuMs({ ...fleet, targets: [f] }).serves;
    aloneServeCpu += serveCpu;
    aloneSshCpu += remoteCpuMs({ ...fleet, targets: [f] }).sshClients;
    slowestServeCpu = Math.max(slowestServeCpu, serveCpu);
    if (i === 0) aloneBurst = await burst(f.spool.spool, workDir, mover, seen, (id) => id);
    c.stop();
    await new Promise((r) => setTimeout(r, 300));
  }
  const slowest = Math.max(...alone);
  const all = ratioOf(onScreenMs, slowest);
  // On one machine the serves, ssh and the console share its cores: the least wall time is
  // the CPU all of them used, over the cores. Hosts of their own would each bring theirs.
  const cores = availableParallelism();
  const floor = (remote.serves + remote.transport + localCpuMs) / cores;
  const p99 = percentile(latencies, 99);
  const aloneP99 = percentile(aloneBurst, 99);
  log('fleet: recording each target\'s serve output, then replaying them all at once (local cost) ...');
  const files = fleet.targets.map((_, i) => join(workDir, 'fleet-rec', `t${i}-${per}-p${PROTOCOL_VERSION}.ndjson`));
  for (const [i, f] of fleet.targets.entries()) await recordServe(CLI, f.target.kind === 'local' ? ['-c', f.target.address, ...f.serveArgs] : f.serveArgs, files[i]!);
  const replays = [];
  for (let round = 0; round < 3; round++) replays.push(await replayMerged(files, targets * per));
  const replay = replays.sort((a, b) => a.cpuMs - b.cpuMs)[1]!; // the median of three
  const usPerMessage = (replay.cpuMs * 1000) / replay.messages;
  const ownHosts = Math.max(slowest, replay.cpuMs);
  // The same from CPU alone, less bent by the load: a serve alone takes at most its CPU time
  // in wall time (its read worker may overlap), the console's merge runs on one thread.
  const ownHostsCpu = ratioOf(Math.max(slowestServeCpu, replay.cpuMs), slowestServeCpu);
  log('fleet: key -> frame with every target merged ...');
  const keys = await runMergedKeyBench(targets, per);
  const via = fleet.via === 'ssh' ? 'over the bench sshd' : 'local serves';
  return [
    { metric: `load average (1, 5, 15 min): before; after the fill; at the end`, value: loadBefore, baseline: `${loadFill}; ${load()}`, goal: '' },
    { metric: `all ${targets * per} rows merged on screen (${targets} targets, ${via}; the App, 80x24)`, value: ms(onScreenMs), baseline: `${ms(slowest)} (slowest alone)`, ratio: all, goal: '<= 1.5', ok: all !== null && all <= 1.5 },
    { metric: '  of which until the merged store held them all', value: ms(allRowsMs), baseline: `its frame written ${ms(onScreenMs - allRowsMs)} after` },
    { metric: `  the same, against the CPU it took (serves + ssh/sshd + console) over ${cores} cores`, value: ms(onScreenMs), baseline: `${ms(floor)} (${ms(remote.serves)} + ${ms(remote.transport)} + ${ms(localCpuMs)})`, ratio: ratioOf(onScreenMs, floor), goal: '(one machine)' },
    { metric: `  the floor on one machine: that CPU over ${cores} cores; the serves' alone (summed) over them`, value: `${ms(floor)}; ${ms(aloneServeCpu / cores)}`, baseline: `${ms(slowest)} (slowest alone)`, ratio: ratioOf(floor, slowest), goal: '(<= 1.5 only if this is)' },
    { metric: '  of which the ssh clients (this side of the transport), and each target alone (summed)', value: ms(remote.sshClients), baseline: `${ms(aloneSshCpu)} (alone, summed; window ${windowEnv ?? 'default'})`, ratio: ratioOf(remote.sshClients, aloneSshCpu), goal: '' },
    { metric: '  serves\' CPU all at once, against each alone (summed)', value: ms(remote.serves), baseline: `${ms(aloneServeCpu)} (alone, summed)`, ratio: ratioOf(remote.serves, aloneServeCpu), goal: '(~1: linear)' },
    { metric: '  local CPU while merging (links, mirrors, feed, gate, store)', value: ms(localCpuMs), baseline: `${((localCpuMs * 1000) / (targets * per)).toFixed(1)} µs a message`, goal: '' },
    { metric: `local CPU per message merged (replay of ${targets} recorded targets, median of 3)`, value: `${usPerMessage.toFixed(1)} µs`, baseline: `${ms(replay.cpuMs)} CPU, ${ms(replay.wallMs)} wall for ${replay.messages}`, goal: '(small)' },
    { metric: '  merged fill on hosts of their own: max(slowest alone, replay CPU)', value: ms(ownHosts), baseline: `${ms(slowest)} (slowest alone)`, ratio: ratioOf(ownHosts, slowest), goal: '<= 1.5 (estimate)', ok: ownHosts <= 1.5 * slowest },
    { metric: '  the same from CPU: max(slowest serve\'s CPU alone, replay CPU), against that serve\'s CPU', value: ms(Math.max(slowestServeCpu, replay.cpuMs)), baseline: `${ms(slowestServeCpu)} (slowest serve's CPU)`, ratio: ownHostsCpu, goal: '<= 1.5 (at least this)', ok: ownHostsCpu !== null && ownHostsCpu <= 1.5 },
    { metric: 'local peak RSS (links, mirrors, merged store)', value: mb(peakRss), goal: '<= 400 MiB', ok: peakRss <= 400 * 2 ** 20 },
    { metric: `5,000-move burst on one target, merged, p50/p99 (${seenCount}/5000 seen)`, value: p50p99(latencies), baseline: `${p50p99(aloneBurst)} (that target alone)`, ratio: p99 !== null && aloneP99 !== null ? ratioOf(p99, aloneP99) : null, goal: 'p99 <= 500 ms', ok: p99 !== null && p99 <= 500 },
    { metric: '  of which on this side: from its link to the merged store (feed, gate, store), p50/p99', value: p50p99(local), goal: '' },
    { metric: `  local CPU for the burst (links, feed, gate, store at ${targets * per})`, value: ms(burstCpuMs), baseline: `${((burstCpuMs * 1000) / 5000).toFixed(0)} µs a move`, goal: '' },
    keys,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const workDir = process.env.BENCH_DIR ?? join(tmpdir(), 'postq-bench');
  const mover = join(workDir, 'mover.mjs');
  mkdirSync(workDir, { recursive: true });
  if (!existsSync(mover)) {
    const { build } = await import('esbuild');
    await build({ entryPoints: [fileURLToPath(new URL('./mover.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: mover, logLevel: 'error' });
  }
  for (const line of machineLines()) console.log(line);
  printTable('postq fleet (links to serve --stdio, merged)', await runFleetBench(workDir, mover, (t) => process.stderr.write(`bench: ${t}\n`)));
}
