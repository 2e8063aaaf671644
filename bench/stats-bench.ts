/**
 * The `postq stats --watch` rows of `npm run bench`: the built CLI watches the bench spool and
 * rewrites a Prometheus file (then, a second row, the JSON with its trends) every second; once the first file is written (the index is
 * done), its CPU (user+sys from /proc/PID/stat) is measured over 10 s with nothing moving.
 * Each tick formats the memoised figures and renames a small file; the watcher's reconcile
 * sweeps are the rest.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pct, type Row } from './report.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TICKS = 100; // USER_HZ on Linux

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the line; 12 and 13 after "pid (comm) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

export async function runStatsBench(workDir: string, spool: string, messages: number, log: (s: string) => void): Promise<Row[]> {
  if (!existsSync(CLI)) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  const rows: Row[] = [];
  // --prometheus, then --json, which also carries the trends (a sample every 10 s, both rings serialized each tick).
  for (const format of ['prometheus', 'json'] as const) rows.push(await idleRow(workDir, spool, messages, format, log));
  return rows;
}

async function idleRow(workDir: string, spool: string, messages: number, format: 'prometheus' | 'json', log: (s: string) => void): Promise<Row> {
  const output = join(workDir, format === 'json' ? 'postq-stats.json' : 'postq.prom');
  rmSync(output, { force: true });
  const child = spawn(process.execPath, [CLI, 'stats', `--${format}`, '--watch', '1', '--output', output, '--spool', spool], { stdio: 'ignore' });
  try {
    const started = performance.now();
    while (!existsSync(output)) {
      if (performance.now() - started > 300_000) throw new Error('postq stats --watch wrote nothing in 5 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const indexWallMs = performance.now() - started;
    log(`stats --${format} --watch idle for 10 s ...`);
    const cpu0 = cpuMsOf(child.pid!);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const idle = ((cpuMsOf(child.pid!) - cpu0) / (performance.now() - t0)) * 100;
    const text = readFileSync(output, 'utf8');
    const deferred = format === 'json'
      ? String((JSON.parse(text) as { queues: { deferred: { messages: number } } }).queues.deferred.messages)
      : text.match(/^postq_queue_messages\{queue="deferred"\} (\d+)$/m)?.[1];
    return { metric: `stats --${format} --watch 1 on ${messages} msgs: CPU between changes (10 s)`, value: pct(idle), baseline: `first file after ${(indexWallMs / 1000).toFixed(1)} s; deferred ${deferred ?? '?'}${format === 'json' ? `; ${(text.length / 1024).toFixed(1)} KiB with trends` : ''}`, goal: '< 1 %', ok: idle < 1 };
  } finally {
    child.kill('SIGTERM');
  }
}
