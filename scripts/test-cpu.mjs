// Per-file CPU of a test run (test/setup/cpu-log.ts says what is counted), slowest first.
// Usage: npm run test:cpu [-- vitest args, e.g. files]; node scripts/test-cpu.mjs LOG.jsonl re-reads a log.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';

let log = process.argv[2];
if (!log?.endsWith('.jsonl')) {
  log = '/tmp/postq-test-cpu.jsonl';
  rmSync(log, { force: true });
  spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, POSTQ_TEST_CPU_LOG: log } });
}
const rows = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).sort((a, b) => b.cpuMs - a.cpuMs);
const s = (ms) => (ms / 1000).toFixed(1).padStart(6);
let cpu = 0;
let sys = 0;
console.log('   cpu   wall  self child  pane   sys  file');
for (const r of rows) {
  cpu += r.cpuMs;
  sys += r.sysMs ?? 0;
  console.log(`${s(r.cpuMs)} ${s(r.wallMs)}${s(r.selfMs)}${s(r.childrenMs)}${s(r.paneMs)}${s(r.sysMs ?? 0)}  ${relative(process.cwd(), r.file)}`);
}
console.log(`${s(cpu)} s of CPU in ${rows.length} files, ${(sys / 1000).toFixed(1)} s of it system time (log: ${log})`);
