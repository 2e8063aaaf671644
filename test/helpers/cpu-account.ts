/**
 * CPU accounting for test-time work (test/setup/cpu-log.ts, `npm run test:cpu`): a process's
 * CPU from /proc, and a counter for programs that are not the worker's children (a program in
 * a tmux pane: the tmux server runs it). Read only when POSTQ_TEST_CPU_LOG is set.
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

export const cpuLogEnabled = !!process.env['POSTQ_TEST_CPU_LOG'];

/**
 * A process's own CPU and that of the children it waited for, in ms, and how much of the two
 * was system time (the kernel's: forks, page faults, file I/O); null if it is gone.
 */
export function procCpuMs(pid: number | 'self'): { self: number; children: number; sys: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // proc(5) fields 14-17 (utime stime cutime cstime), counted here from field 3 (the state).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return { self: (f[11]! + f[12]!) * TICK_MS, children: (f[13]! + f[14]!) * TICK_MS, sys: (f[12]! + f[14]!) * TICK_MS };
  } catch {
    return null;
  }
}

let outsideMs = 0;
/** Add the CPU of a process that is not this worker's child. */
export function countOutsideCpu(ms: number): void {
  outsideMs += ms;
}
/** What countOutsideCpu added since the last call, and reset. */
export function takeOutsideCpu(): number {
  const ms = outsideMs;
  outsideMs = 0;
  return ms;
}
