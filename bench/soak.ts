/**
 * `npm run soak [-- OPTIONS]`: the built console in tmux on a temp spool that a separate
 * process changes at a steady rate (test/helpers/soak-session.ts, spool-feeder.ts), sampled
 * every --every seconds: the console's RSS, CPU, open fds and inotify watches from /proc, its
 * heap, active handles and timers, performance entries and key -> frame times from its own
 * POSTQ_DEBUG_STATS lines, and the queue size it holds. Keys (j/k) are pressed through tmux
 * during each interval. After the run the feeder pauses for --idle seconds (idle CPU), then
 * the pane is killed (kill-pane): the process must end without anything on stderr.
 *
 *   --duration 30m     how long the feeder runs (s, m or h; default 30m)
 *   --rate 50          feeder events a second
 *   --messages 2000    the queue size held
 *   --every 10         seconds between samples (and stats lines)
 *   --warmup 2m        where "after warm-up" is taken (default min(2m, duration/5))
 *   --idle 60          seconds of the idle phase
 *   --keys 10          keys pressed per interval
 *   --target console   what runs in the pane (test/helpers/soak-session.ts): console (the
 *                      console on its queue list), stats (`postq stats --watch 1 --prometheus
 *                      --output FILE`: no keys, no frames), pane-log (the console with a
 *                      message's pane open on its Log section, tailing a mail log the feeder
 *                      writes every event to; j/k scroll the trail)
 *   --cli PATH         another build of cli.js (e.g. a copy, so a rebuild cannot touch a long run)
 *   --cpu-prof DIR     run the console with --cpu-prof into DIR; it is quit with q at the end
 *   --env NAME=VALUE   extra environment for the process in the pane (repeatable), e.g.
 *                      --env MALLOC_ARENA_MAX=2
 *   --json FILE        also write every sample as JSON
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { keySequence } from '../src/ui/keymap.js';
import { cpuPercent, isAlive, sampleProcess, type ProcSample } from '../test/helpers/proc-probe.js';
import { SOAK_TARGETS, startSoak, type DebugLine, type SoakTarget } from '../test/helpers/soak-session.js';
import { machineLines } from './report.js';
import { printSoakTable, soakRows, type SoakSample, type Window } from './soak-table.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30m' }, rate: { type: 'string', default: '50' }, messages: { type: 'string', default: '2000' },
    every: { type: 'string', default: '10' }, warmup: { type: 'string' }, idle: { type: 'string', default: '60' }, keys: { type: 'string', default: '10' },
    target: { type: 'string', default: 'console' }, cli: { type: 'string' }, 'cpu-prof': { type: 'string' }, json: { type: 'string' },
    env: { type: 'string', multiple: true },
  },
});
const seconds = (text: string) => {
  const m = /^([\d.]+)\s*(s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] ?? 1);
};
const target = values.target as SoakTarget;
if (!SOAK_TARGETS.includes(target)) throw new Error(`--target: one of ${SOAK_TARGETS.join(', ')}, not ${values.target}`);
const duration = seconds(values.duration!);
const every = Number(values.every);
const warmup = values.warmup ? seconds(values.warmup) : Math.min(120, duration / 5);
const idle = seconds(values.idle!);
const keysPerInterval = Number(values.keys);
const log = (s: string) => process.stderr.write(`soak: ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const line of machineLines()) console.log(line);
const session = await startSoak({
  messages: Number(values.messages), rate: Number(values.rate), statsEvery: every, gc: true, log,
  target,
  env: Object.fromEntries((values.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  ...(values.cli ? { cli: values.cli } : {}),
  ...(values['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] } : {}),
});
const samples: SoakSample[] = [];
let idleCpu: number | null = null;
try {
  const interactive = target !== 'stats';
  let prev: ProcSample = sampleProcess(session.pid);
  let prevGc = session.stats().at(-1)?.gcCpuMs ?? 0;
  let linesSeen = session.stats().length;
  let prevLine = session.stats().at(-1)!;
  const t0 = performance.now();
  let key = 0;
  log(`running ${duration} s at ${values.rate} events/s, a sample every ${every} s`);
  while (performance.now() - t0 < duration * 1000) {
    const due = performance.now() + every * 1000;
    for (let k = 0; interactive && k < keysPerInterval; k++) {
      session.pane.send(keySequence(key++ % 2 ? 'k' : 'j'));
      await sleep(100);
    }
    await sleep(Math.max(0, due - performance.now()));
    const proc = sampleProcess(session.pid);
    const lines = session.stats();
    const fresh: DebugLine[] = lines.slice(linesSeen);
    linesSeen = lines.length;
    const last = lines.at(-1)!;
    const gcMs = last.gcCpuMs - prevGc;
    prevGc = last.gcCpuMs;
    const status = await session.feeder('status');
    const resources = Object.values(last.resources).reduce((a, b) => a + b, 0);
    const cpuMs = proc.cpuMs - prev.cpuMs - gcMs;
    samples.push({
      s: (proc.at - t0) / 1000, rssBytes: proc.rssBytes, heapUsedBytes: last.memory.heapUsed, cpuMs,
      heapTotalBytes: last.memory.heapTotal, externalBytes: last.memory.external, arrayBuffersBytes: last.memory.arrayBuffers, wallMs: proc.at - prev.at,
      cpuPercent: (100 * cpuMs) / (proc.at - prev.at), fds: proc.fds, inotifyWatches: proc.inotifyWatches, handles: resources,
      timers: last.resources['Timeout'] ?? 0, perfEntries: last.perfEntries, inkTextCache: last.inkTextCache ?? null, queueSize: last.entries, events: status.events,
      keyFrameMs: fresh.flatMap((l) => l.keyFrameMs),
      spaces: last.spaces,
    });
    prev = proc;
    const s = samples.at(-1)!;
    const frames = ((last.frames - prevLine.frames) * 1000) / Math.max(1, last.t - prevLine.t);
    prevLine = last;
    log(`${s.s.toFixed(0)} s: frames/s ${frames.toFixed(1)} rss ${(s.rssBytes / 2 ** 20).toFixed(1)} MiB heap ${(s.heapUsedBytes / 2 ** 20).toFixed(1)}/${(s.heapTotalBytes / 2 ** 20).toFixed(1)} MiB ext ${(s.externalBytes / 2 ** 20).toFixed(1)} MiB spaces ${Object.entries(s.spaces ?? {}).filter(([, v]) => v >= 0.5).map(([k, v]) => `${k.replace(/_space$/, '')} ${v.toFixed(1)}`).join(' ')} cpu ${s.cpuPercent.toFixed(1)} % fds ${s.fds} watches ${s.inotifyWatches} handles ${s.handles} queue ${s.queueSize} events ${s.events}${typeof s.inkTextCache === 'number' ? ` ink texts ${s.inkTextCache}` : ''}`);
  }
  log(`idle phase: feeder paused for ${idle} s`);
  await session.feeder('pause');
  await sleep(2000); // let the last batch and its frame pass before idle is measured
  const a = sampleProcess(session.pid);
  const gcA = session.stats().at(-1)!.gcCpuMs;
  await sleep(idle * 1000);
  const b = sampleProcess(session.pid);
  const gcB = session.stats().at(-1)!.gcCpuMs;
  idleCpu = cpuPercent(a, b) - (100 * (gcB - gcA)) / (b.at - a.at);
} finally {
  await session.feeder('stop').catch(() => null);
}

const window = (label: string, from: number) => ({ label, samples: samples.filter((s) => s.s >= from && s.s < from + Math.max(60, every * 3)) });
const afterWarmup = samples.filter((s) => s.s >= warmup);
const windows: [Window, Window, Window] = [
  window('start', samples[0]?.s ?? 0),
  window(`after warm-up (${warmup.toFixed(0)} s)`, warmup),
  window('end', (samples.at(-1)?.s ?? 0) - Math.max(60, every * 3) + 0.001),
];
const events = samples.at(-1)?.events ?? 0;
printSoakTable(`postq ${target}${session.paneQueueId ? ` (pane on ${session.paneQueueId}'s log)` : ''} soak: ${values.messages} messages, ${values.rate} events/s for ${duration} s (${events} events), a sample every ${every} s`, windows, soakRows(windows, afterWarmup, idleCpu));

// The end of the pane: quit with q when profiling (the profile is written at exit), else kill it.
const pid = session.pid;
const killedAt = performance.now();
if (values['cpu-prof']) session.pane.send('q');
else execFileSync('tmux', ['-L', session.pane.socket, 'kill-pane', '-t', 'main']);
while (isAlive(pid) && performance.now() - killedAt < 10_000) await sleep(10);
const goneMs = performance.now() - killedAt;
const stderr = readFileSync(session.stderrFile, 'utf8').replace(/\x1b\[\?25h/g, '').trim();
console.log('');
console.log(`${values['cpu-prof'] ? 'quit with q' : 'pane killed (tmux kill-pane)'} -> process gone: ${isAlive(pid) ? 'NOT within 10 s' : `${goneMs.toFixed(0)} ms`}; stderr ${stderr ? `NOT empty:\n${stderr.slice(0, 2000)}` : 'empty (goal: < 1 s, nothing on stderr)'}`);
if (values.json) writeFileSync(values.json, JSON.stringify(samples, null, 1));
session.close();
process.exit(0);
