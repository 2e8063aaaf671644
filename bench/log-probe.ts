/**
 * Child process of bench/log-bench.ts (bundled by esbuild, like the shipped single file):
 * `log-probe.mjs search FILE ID` searches the log for the id's trail and prints the time, CPU
 * and peak-RSS growth; `log-probe.mjs idle FILE ID SECONDS` tails the file with nothing
 * written and prints the CPU used.
 */
import { searchLog } from '../src/logs/search-log.js';
import { tailLogFile } from '../src/logs/tail-file.js';
import { createTrailCollator } from '../src/logs/trail-collate.js';

const [mode, file, id, seconds] = process.argv.slice(2) as [string, string, string, string?];
if (mode === 'search') {
  const rss0 = process.resourceUsage().maxRSS;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await searchLog({ sources: [{ kind: 'file', path: file, files: [file] }], how: 'bench', looked: [] }, { ids: [id], follow: true });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const lines = r.trail.transactions.reduce((n, t) => n + t.entries.length, 0);
  console.log(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, rssGrowthKb: process.resourceUsage().maxRSS - rss0, lines }));
} else {
  const { size } = await import('node:fs').then((fs) => fs.statSync(file));
  const tail = tailLogFile(file, size, createTrailCollator([id], { follow: true }), { positionBase: 0 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, Number(seconds ?? 10) * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  await tail.stop();
  console.log(JSON.stringify({ idleCpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100 }));
}
