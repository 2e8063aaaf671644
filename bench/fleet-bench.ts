/**
 * The fleet at scale (from bench/run.ts, or `node --import tsx bench/fleet-bench.ts`):
 * BENCH_FLEET_TARGETS spools (default 10) of BENCH_FLEET_MESSAGES messages each (default
 * 10,000), each served by its own `postq serve --stdio` (the built dist/cli.js, as local
 * instances are: `-c` the spool's config directory when make-bigspool made one, else
 * `exec:env --spool DIR`), linked as the fleet console links them, their batches merged into
 * one console store.
 *
 *   all rows: from starting every link to every target's rows in the merged store, against
 *     the slowest target alone (each target's link measured alone first, same run);
 *   local RSS: this process's peak (links, mirrors and the merged store);
 *   burst: 5,000 deferred -> hold renames on one target (bench/mover.ts, spread over 1 s),
 *     each rename to the moment its row shows hold in the merged store; p50/p99.
 * The key -> frame time of a 100,000-row store is the console bench's (same store, same App).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createConnection, type Connection } from '../src/remote/connection.js';
import { MergedIds, mergedId } from '../src/remote/merged.js';
import { parseTarget, type Target } from '../src/remote/target.js';
import { createConsoleStore } from '../src/store/console-store.js';
import { createReadOnlyBackend } from '../src/actions/read-only-backend.js';
import { ensureSpool, type BenchSpool } from './make-spool.js';
import { mb, ms, percentile, ratioOf, type Row } from './report.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Fleet {
  target: Target;
  serveArgs: string[];
  spool: BenchSpool;
}

function link(f: Fleet): Connection {
  const c = createConnection({ target: f.target, context: { ssh: ['ssh'], self: [process.execPath, CLI], remotePostq: `${process.execPath} ${CLI}` }, serveArgs: f.serveArgs, version: '0.1.0' });
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

export async function runFleetBench(workDir: string, mover: string, log: (s: string) => void): Promise<Row[]> {
  const targets = Number(process.env.BENCH_FLEET_TARGETS ?? 10);
  const per = Number(process.env.BENCH_FLEET_MESSAGES ?? 10_000);
  const fleet: Fleet[] = [];
  for (let i = 0; i < targets; i++) {
    const spool = ensureSpool(join(workDir, 'fleet', `t${i}`), per, log);
    const target = spool.configDir ? parseTarget(`local:${spool.configDir}`) : parseTarget(`exec:env POSTQ_BENCH_TARGET=${i}`);
    fleet.push({ target, serveArgs: spool.configDir ? ['--read-only'] : ['--spool', spool.spool, '--read-only'], spool });
  }

  log(`fleet: ${targets} targets x ${per} messages, merged ...`);
  const store = createConsoleStore({ backend: createReadOnlyBackend() });
  const ids = new MergedIds();
  const seenHold = new Map<string, bigint>();
  const t0 = performance.now();
  const links = fleet.map((f) => link(f));
  for (const c of links) {
    c.listen((batch) => {
      store.getState().applySpoolBatch(ids.toMerged(batch, c.target.label));
      const now = process.hrtime.bigint();
      for (const e of batch.upserts) if (e.queueName === 'hold' && !seenHold.has(mergedId(e.queueId, c.target.label))) seenHold.set(mergedId(e.queueId, c.target.label), now);
    });
  }
  await until(() => links.every((c) => c.status.ready) && store.getState().entries.size >= targets * per);
  const allRowsMs = performance.now() - t0;

  log('fleet: a 5,000-move burst on one target ...');
  const moves = deferredMoves(fleet[0]!.spool.spool, 5000);
  const list = join(workDir, 'fleet-moves.tsv');
  writeFileSync(list, moves.map(([a, b]) => `${a}\t${b}`).join('\n'));
  seenHold.clear();
  const run = spawnSync(process.execPath, [mover, list, fleet[0]!.spool.spool, '1000'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const movedAt = run.stdout.trim().split('\n').map((l) => BigInt(l.split(' ')[1]!));
  const label = links[0]!.target.label;
  await until(() => moves.every(([, to]) => seenHold.has(mergedId(to.split('/').pop()!, label))), 60_000).catch(() => undefined);
  const latencies = moves.map(([, to], i) => {
    const seen = seenHold.get(mergedId(to.split('/').pop()!, label));
    return seen === undefined ? Infinity : Number(seen - movedAt[i]!) / 1e6;
  });
  const seenCount = latencies.filter(Number.isFinite).length;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  for (const c of links) c.stop();
  // Put the burst back so the spools can be reused.
  writeFileSync(list, moves.map(([a, b]) => `${b}\t${a}`).join('\n'));
  spawnSync(process.execPath, [mover, list, fleet[0]!.spool.spool, '200']);

  log('fleet: each target alone ...');
  const alone: number[] = [];
  for (const f of fleet) {
    const t = performance.now();
    const c = link(f);
    await until(() => c.status.ready && c.mirror.entries.size >= per);
    alone.push(performance.now() - t);
    c.stop();
  }
  const slowest = Math.max(...alone);
  const all = ratioOf(allRowsMs, slowest);
  const p99 = percentile(latencies, 99);
  return [
    { metric: `all ${targets * per} rows merged (${targets} targets)`, value: ms(allRowsMs), baseline: `${ms(slowest)} (slowest alone)`, ratio: all, goal: '<= 1.5', ok: all !== null && all <= 1.5 },
    { metric: 'local peak RSS (links, mirrors, merged store)', value: mb(peakRss), goal: '<= 400 MiB', ok: peakRss <= 400 * 2 ** 20 },
    { metric: `5,000-move burst on one target, p50/p99 (${seenCount}/5000 seen)`, value: `${ms(percentile(latencies, 50))} / ${ms(p99)}`, goal: 'p99 <= 500 ms', ok: p99 !== null && p99 <= 500 },
  ];
}
