/**
 * The log-trail rows of `npm run bench`: one id's trail in a BENCH_LOG_MB (default 1024) MiB
 * mail log, made of the corpus's real Postfix lines with the id's lines sprinkled through it,
 * against `grep -F ID FILE | wc -l` on the same file (page cache warm for both; runs
 * alternate so each pair sees the same load), peak-RSS growth of the search, and the CPU of
 * the live tail over 10 s with nothing written.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { mb, median, ms, pct, ratioOf, type Row } from './report.js';

const ID = '7F72D20C192';

function ensureLog(workDir: string, bytes: number, log: (s: string) => void): string {
  const path = join(workDir, `maillog-${bytes >> 20}m`);
  if (existsSync(path) && statSync(path).size >= bytes) return path;
  log(`writing a ${bytes >> 20} MiB mail log ...`);
  const corpus = fileURLToPath(new URL('../../shared/corpus/basic/oracle/maillog.txt', import.meta.url));
  const lines = readFileSync(corpus, 'utf8').split('\n').filter((l) => l !== '' && !l.includes(ID));
  const fd = openSync(path, 'w');
  let written = 0;
  let i = 0;
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000; k++) chunk += `${lines[i++ % lines.length]}\n`;
    if (i % 200_000 < 2000) chunk += `Dec  4 15:44:51 mx postfix/qmgr[9358]: ${ID}: from=<c@local.example>, size=1, nrcpt=1 (queue active)\n`;
    written += writeSync(fd, chunk);
  }
  closeSync(fd);
  return path;
}

function timed(command: string, args: string[]): { wallMs: number; cpuMs: number | null } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', command, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = performance.now() - t;
  const m = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : null };
}

export async function runLogBench(workDir: string, log: (s: string) => void): Promise<Row[]> {
  const bytes = Number(process.env.BENCH_LOG_MB ?? 1024) * 2 ** 20;
  const path = ensureLog(workDir, bytes, log);
  const probe = join(workDir, 'log-probe.mjs');
  await build({ entryPoints: [fileURLToPath(new URL('./log-probe.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: probe, logLevel: 'error' });
  execFileSync('sh', ['-c', 'cat "$1" > /dev/null', 'sh', path]);
  const grepArgs = ['-c', 'grep -F "$1" "$2" | wc -l > /dev/null', 'sh', ID, path];
  const grep: Array<{ wallMs: number; cpuMs: number | null }> = [];
  const postq: Array<{ wallMs: number; cpuMs: number; rssGrowthKb: number; lines: number; processMs: number }> = [];
  for (let run = 0; run < 3; run++) {
    log(`log run ${run + 1}/3: grep -F, postq trail search ...`);
    grep.push(timed('sh', grepArgs));
    const t = performance.now();
    const out = execFileSync(process.execPath, [probe, 'search', path, ID], { encoding: 'utf8' });
    postq.push({ ...(JSON.parse(out) as { wallMs: number; cpuMs: number; rssGrowthKb: number; lines: number }), processMs: performance.now() - t });
  }
  log('live tail idle for 10 s ...');
  const idle = JSON.parse(execFileSync(process.execPath, [probe, 'idle', path, ID, '10'], { encoding: 'utf8' })) as { idleCpuPercent: number };
  const wall = median(postq.map((p) => p.wallMs));
  const grepWall = median(grep.map((g) => g.wallMs));
  const cpu = median(postq.map((p) => p.cpuMs));
  const grepCpu = median(grep.flatMap((g) => (g.cpuMs === null ? [] : [g.cpuMs])));
  const rss = Math.max(...postq.map((p) => p.rssGrowthKb)) * 1024;
  const size = `${(statSync(path).size / 2 ** 30).toFixed(2)} GiB`;
  return [
    { metric: `one id's trail in a ${size} log vs grep -F (wall)`, value: ms(wall), baseline: `${ms(grepWall)} grep -F, piped`, ratio: ratioOf(wall, grepWall), goal: '<= 1.5', ok: (ratioOf(wall, grepWall) ?? 99) <= 1.5 },
    { metric: "the trail's CPU (user+sys) vs grep -F", value: ms(cpu), baseline: `${ms(grepCpu)} grep -F`, ratio: ratioOf(cpu, grepCpu) },
    { metric: 'node start + search, process wall', value: ms(median(postq.map((p) => p.processMs))), baseline: `${ms(grepWall)} grep -F`, ratio: ratioOf(median(postq.map((p) => p.processMs)), grepWall) },
    { metric: 'peak RSS growth during the search', value: mb(rss), baseline: `${postq[0]!.lines} lines found`, goal: '< 64 MiB', ok: rss < 64 * 2 ** 20 },
    { metric: 'live tail idle CPU over 10 s, nothing written', value: pct(idle.idleCpuPercent), baseline: 'inotify + a stat every 5 s', goal: '< 0.5 %', ok: idle.idleCpuPercent < 0.5 },
  ];
}
