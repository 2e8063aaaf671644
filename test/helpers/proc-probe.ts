/**
 * Another process's resources as the kernel sees them (Linux /proc), for the soak harness:
 * resident memory, CPU time (its own, from /proc/PID/stat: the machine's load does not count),
 * open file descriptors and inotify watches (one `inotify wd:` line per watch in the fdinfo of
 * each inotify descriptor). Reads only; throws when the process is gone.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticks: number | null = null;

/** Clock ticks per second for /proc/PID/stat times (getconf CLK_TCK; 100 on Linux). */
export function clockTicks(): number {
  if (ticks === null) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

export interface ProcSample {
  /** performance.now() of this process when sampled. */
  at: number;
  rssBytes: number;
  /** utime + stime of all the process's threads, ms. */
  cpuMs: number;
  fds: number;
  inotifyWatches: number;
  threads: number;
}

export function sampleProcess(pid: number): ProcSample {
  const at = performance.now();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), counted from field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  const threads = Number(fields[17]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssBytes = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  let fds = 0;
  let inotifyWatches = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    fds++;
    let target = '';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target !== 'anon_inode:inotify') continue;
    try {
      inotifyWatches += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
    } catch {
      // closed meanwhile
    }
  }
  return { at, rssBytes, cpuMs, fds, inotifyWatches, threads };
}

/** CPU use between two samples, in % of one core. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  return b.at > a.at ? ((b.cpuMs - a.cpuMs) / (b.at - a.at)) * 100 : 0;
}

/**
 * Whether the process still runs. A zombie (ended, not yet reaped: the pane's shell is gone
 * and the reaper may take seconds, e.g. a container's init) counts as ended.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
