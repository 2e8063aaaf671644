/**
 * The other process of the latency benchmark: rename the files listed in LIST (lines
 * "from<TAB>to", relative to SPOOL) spread evenly over SPREAD_MS, then print one line per move,
 * "<index> <hrtime ns just before the rename>". process.hrtime is CLOCK_MONOTONIC, the same
 * clock in every process on the machine, so the watcher's process can subtract.
 */
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const [list, spool, spreadArg] = process.argv.slice(2);
const moves = readFileSync(list!, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]);
const spreadNs = BigInt(Math.round(Number(spreadArg ?? '1000') * 1e6));
const times: bigint[] = [];
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const start = process.hrtime.bigint();
for (let i = 0; i < moves.length; i++) {
  const due = start + (spreadNs * BigInt(i)) / BigInt(moves.length);
  const aheadMs = Number(due - process.hrtime.bigint()) / 1e6;
  // Sleep (not spin: the watcher needs the CPU on a 2-core machine) until this move is due.
  if (aheadMs >= 1) Atomics.wait(sleeper, 0, 0, Math.floor(aheadMs));
  const [from, to] = moves[i]!;
  times.push(process.hrtime.bigint());
  renameSync(join(spool!, from), join(spool!, to));
}
process.stdout.write(times.map((t, i) => `${i} ${t}`).join('\n') + '\n');
