/** CPU figures the probes share (bench/watch-probe.ts, bench/console-fill-probe.ts). */
import { readFileSync } from 'node:fs';

/** This process's main thread's CPU since it started (ms, 10 ms ticks), from /proc (the rest of process.cpuUsage() is the read workers' and V8's threads'). */
export function mainThreadCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}
