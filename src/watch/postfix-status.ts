/**
 * Whether Postfix runs for a spool: master writes its pid to `pid/master.pid` in the queue
 * directory (as `%10d\n`) and removes nothing on a crash, so the file alone proves little; the
 * process must be alive too, and on Linux be a `master` (a stale file's pid may have been
 * reused by something else).
 *
 * Contract: readPostfixStatus() never throws; an unreadable or missing file is "not running"
 * with the reason. Reads one small file and /proc; cheap enough to call every few seconds.
 */
import { readFileSync } from 'node:fs';

export interface PostfixStatus {
  running: boolean;
  /** master's pid when the file names one. */
  pid: number | null;
  /** Why not running (or how we know it is), one short line. */
  detail: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process name from /proc, or null where there is no /proc. */
function commOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); // safe: /proc, not the spool; pid is a number
  } catch {
    return null;
  }
}

export function readPostfixStatus(queueDirectory: string): PostfixStatus {
  let text: string;
  try {
    text = readFileSync(`${queueDirectory}/pid/master.pid`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { running: false, pid: null, detail: code === 'ENOENT' ? 'no master.pid' : `master.pid unreadable (${code})` };
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isFinite(pid) || pid <= 0) return { running: false, pid: null, detail: 'master.pid holds no pid' };
  if (!alive(pid)) return { running: false, pid, detail: `master pid ${pid} is gone` };
  const comm = commOf(pid);
  if (comm !== null && comm !== 'master') return { running: false, pid, detail: `pid ${pid} is ${comm}, not master` };
  return { running: true, pid, detail: `master pid ${pid}` };
}
