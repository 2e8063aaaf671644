/**
 * Whether Postfix runs for a spool: master writes its pid to `pid/master.pid` in the queue
 * directory (as `%10d\n`) and removes nothing on a crash, so the file alone proves little; the
 * process must be alive too, and on Linux be a `master` (a stale file's pid may have been
 * reused by something else).
 *
 * Contract: readPostfixStatus() never throws; an unreadable or missing file is "not running"
 * with the reason. Reads one small file and /proc; cheap enough to call every few seconds.
 */
import { closeSync, readFileSync } from 'node:fs';
import { describeRefusal, openInSpool, readWindow } from './safe-file.js';

/** master writes `%10d\n`: anything longer is not its pid file. */
const PID_FILE_BYTES = 64;

/**
 * pid/master.pid through the spool's safe opener: a symlink there (or a symlinked pid/) is
 * refused, not followed as root, and a FIFO is reported, not waited on (the health feed calls
 * this every few seconds; a blocked read hung the console). Text, or why not.
 */
function readPidFile(queueDirectory: string): { text: string } | { why: string } {
  let opened;
  try {
    opened = openInSpool(queueDirectory, 'pid/master.pid');
  } catch (error) {
    return { why: `master.pid unreadable (${(error as Error).message})` };
  }
  if ('gone' in opened) return { why: 'no master.pid' };
  if ('refused' in opened) return { why: `master.pid ${describeRefusal(opened.refused, 'pid/master.pid')}` };
  try {
    const buffer = Buffer.alloc(PID_FILE_BYTES);
    return { text: buffer.toString('latin1', 0, readWindow(opened.fd, buffer, 0, PID_FILE_BYTES)) };
  } catch (error) {
    return { why: `master.pid unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  } finally {
    closeSync(opened.fd);
  }
}

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
  const read = readPidFile(queueDirectory);
  if ('why' in read) return { running: false, pid: null, detail: read.why };
  const pid = Number.parseInt(read.text.trim(), 10);
  if (!Number.isFinite(pid) || pid <= 0) return { running: false, pid: null, detail: 'master.pid holds no pid' };
  if (!alive(pid)) return { running: false, pid, detail: `master pid ${pid} is gone` };
  const comm = commOf(pid);
  if (comm !== null && comm !== 'master') return { running: false, pid, detail: `pid ${pid} is ${comm}, not master` };
  return { running: true, pid, detail: `master pid ${pid}` };
}
