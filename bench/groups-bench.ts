/**
 * The who/why rows of `npm run bench` (BENCH_TABLES=groups), or alone:
 * `node --import tsx bench/groups-bench.ts [SPOOL]`.
 *
 *   building each grouping (reason clusters x domain, recipient domain, sender, SASL login,
 *     client) over BENCH_MESSAGES synthetic messages (default 100,000; 70 % with a client and
 *     a login): median and max of 5 builds each (goal <= 150 ms, issue 12)
 *   the same batches through the store's incremental index (the console's path): a batch of
 *     125 moves plus the why rows again, p50 / max of 40
 *   the why view open while bursts of 5,000 watcher events arrive (the console bench's App,
 *     gate and key pacing): key -> frame p50 / p99 for j/k in the view, each key moving the
 *     cursor (goal p99 <= 30 ms)
 *   body: on a real spool (SPOOL, or the bench's): `postq count --all --filter body:WORD`
 *     against `grep -r -l -F WORD` over the same queue directories, a word in no message so
 *     both read every file whole; medians of 3 alternating runs, process start included
 *     (goal <= 1.5x); BENCH_GROUPS=body runs this row alone
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueueEntry } from '../src/domain/entry.js';
import { QUEUE_NAMES } from '../src/domain/queue.js';
import { createReadOnlyBackend } from '../src/actions/read-only-backend.js';
import { createConsoleStore } from '../src/store/console-store.js';
import { buildGroups, GROUP_BYS, selectGroups } from '../src/store/groupings.js';
import { shareInkOutputCaches } from '../src/ui/ink-output-cache.js';
import { keyboard, mount, sleep, syntheticEntries } from './console-harness.js';
import { machineLines, median, ms, percentile, printTable, ratioOf, type Row } from './report.js';

const NOW = 1_800_000_000;
const LOGINS = 50;

/** The console bench's messages, 70 % of them received over SMTP with a client and a login. */
function whoEntries(n: number): QueueEntry[] {
  return syntheticEntries(n).map((e, i) => (i % 10 < 7 ? {
    ...e,
    client: { clientName: `host${i % 211}.example.net`, clientAddress: `198.51.${(i >> 8) % 100}.${i % 250}`, clientPort: '40000', heloName: 'laptop', protocolName: 'ESMTPSA', saslMethod: 'PLAIN', saslUsername: `user${i % LOGINS}@corp.example`, saslSender: null },
  } : e));
}

function groupingRows(entries: QueueEntry[]): Row[] {
  return GROUP_BYS.map((by) => {
    const times: number[] = [];
    let groups = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      groups = buildGroups(entries, by, NOW).length;
      times.push(performance.now() - t);
    }
    const worst = Math.max(...times);
    return { metric: `group ${entries.length} messages by ${by} (${groups} rows), median / max of 5`, value: `${ms(median(times))} / ${ms(worst)}`, baseline: '', goal: '<= 150 ms', ok: worst <= 150 };
  });
}

/** The console's path: the store's index follows batches of 125 moves; each read costs only what changed. */
function incrementalRow(entries: QueueEntry[]): Row {
  const store = createConsoleStore({ backend: createReadOnlyBackend(), now: () => NOW * 1000 });
  store.getState().applySpoolBatch({ upserts: entries, removals: [], full: true, firstEventAt: null });
  const queues = QUEUE_NAMES.filter((q) => q !== 'corrupt');
  selectGroups(store.getState(), 'reason', queues);
  const deferred = entries.filter((e) => e.queueName === 'deferred');
  const times: number[] = [];
  for (let i = 0; i < 40 * 125; i += 125) {
    const moves = deferred.slice(i, i + 125).map((e) => ({ ...e, queueName: 'hold' as const, path: `hold/${e.queueId}` }));
    const t = performance.now();
    store.getState().applySpoolBatch({ upserts: moves, removals: [], full: false, firstEventAt: null });
    selectGroups(store.getState(), 'reason', queues);
    times.push(performance.now() - t);
  }
  const resets = store.getState().cache.groupIndexes[0]!.index.resets;
  const p99 = percentile(times, 99)!;
  return { metric: `batch of 125 moves + why rows again, incremental (${resets} full build), p50 / max of 40`, value: `${ms(median(times))} / ${ms(Math.max(...times))}`, baseline: '', goal: '<= 30 ms', ok: p99 <= 30 };
}

async function viewUnderBurst(entries: QueueEntry[]): Promise<Row> {
  if (!(await shareInkOutputCaches())) throw new Error('groups bench: Ink output caches not shared');
  const m = mount(entries);
  await sleep(500);
  const key = keyboard(m.term);
  await key('r');
  const deferred = entries.filter((e) => e.queueName === 'deferred');
  const during: number[] = [];
  for (let b = 0; b < 3; b++) {
    const moves = deferred.slice(b * 5000, (b + 1) * 5000);
    const target = m.store.getState().queueStats.hold.count + moves.length;
    const burst = (async () => {
      for (let i = 0; i < moves.length; i += 125) {
        m.gate.push({ upserts: moves.slice(i, i + 125).map((e) => ({ ...e, queueName: 'hold' as const, path: `hold/${e.queueId}` })), removals: [], full: false, firstEventAt: Date.now() });
        await sleep(25);
      }
    })();
    const deadline = performance.now() + 30_000;
    for (let k = 0; m.store.getState().queueStats.hold.count < target && performance.now() < deadline; k++) {
      // Ten rows down, ten up (the view has 20): every key moves the cursor, so every key
      // makes a frame. j j j j k drifted to the last row after ~30 keys, where j changes
      // nothing and its "latency" was the wait for the next data frame (up to 0.9 s).
      const r = await key(k % 20 < 10 ? 'j' : 'k');
      if (r) during.push(r.latency);
    }
    await burst;
    await sleep(300);
  }
  m.unmount();
  const builds = m.store.getState().cache.groupIndexes.reduce((n, k) => n + k.index.resets, 0);
  const p99 = percentile(during, 99);
  return { metric: `why view, keys during 3 bursts of 5,000 events (${during.length} keys, ${builds} full build), p50 / p99`, value: `${ms(percentile(during, 50))} / ${ms(p99)}`, baseline: `max ${ms(Math.max(...during))}`, goal: 'p99 <= 30 ms', ok: p99 !== null && p99 <= 30 };
}

function wallOf(command: string, args: string[]): number {
  const t = performance.now();
  const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  // grep -l exits 1 when no file matches: that is this row's point.
  if (r.status !== 0 && !(command === 'grep' && r.status === 1)) throw new Error(`${command} exited ${r.status}: ${r.stderr}`);
  return performance.now() - t;
}

function bodySearchRow(spool: string): Row {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  if (!existsSync(cli)) throw new Error('groups bench: build first (npm run build)');
  const word = 'no-such-word-in-any-message';
  const dirs = ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt'].map((q) => join(spool, q)).filter(existsSync);
  wallOf('grep', ['-r', '-l', '-F', word, ...dirs]); // warm the page cache
  const postq: number[] = [];
  const grep: number[] = [];
  for (let i = 0; i < 3; i++) {
    grep.push(wallOf('grep', ['-r', '-l', '-F', word, ...dirs]));
    postq.push(wallOf(process.execPath, [cli, 'count', '--all', '--spool', spool, '--filter', `body:${word}`]));
  }
  // What the listing costs without reading content: the rest is the content search.
  const listing = wallOf(process.execPath, [cli, 'count', '--all', '--spool', spool]);
  const ratio = ratioOf(median(postq), median(grep));
  return { metric: `body: search, postq count --all --filter body:WORD (${ms(listing)} without the filter)`, value: ms(median(postq)), baseline: `${ms(median(grep))} grep -r -l -F`, ratio, goal: '<= 1.5x grep', ok: ratio !== null && ratio <= 1.5 };
}

export async function runGroupsBench(messages: number, spool: string | null): Promise<Row[]> {
  // BENCH_GROUPS=body: the body: row alone (it needs no synthetic messages).
  if (process.env.BENCH_GROUPS === 'body') return spool ? [bodySearchRow(spool)] : [];
  const entries = whoEntries(messages);
  const rows = groupingRows(entries);
  rows.push(incrementalRow(entries));
  rows.push(await viewUnderBurst(entries));
  if (spool) rows.push(bodySearchRow(spool));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of machineLines()) console.log(line);
  printTable('postq who/why', await runGroupsBench(Number(process.env.BENCH_MESSAGES ?? 100_000), process.argv[2] ?? null));
  process.exit(0);
}
