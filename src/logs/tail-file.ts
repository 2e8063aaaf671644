/**
 * Following a log file as Postfix (or rsyslog) writes it, rotation-safe: the open descriptor
 * is read to its end, then the path is checked; when it names another file (logrotate's
 * rename + create) the old descriptor is drained and closed and the new file is read from its
 * start; when the file shrank (copytruncate) reading restarts at 0. New lines that contain a
 * collator needle are offered to it; the last LOOKBACK_LINES lines are kept for an smtpd
 * session's backfill. An inotify watch on the log's directory (fs.watch) wakes it when the
 * file is written, renamed or created; a slow poll every `intervalMs` (a stat) covers file
 * systems without inotify. Nothing runs while the log is quiet.
 *
 * A busy server writes its log tens of times a second (one write per line or per batch):
 * a poll per write (stat, read, read to the end, stat of the path, the caller's redraw check)
 * kept an open Log pane at 7.5-9 % of a core at 50 events a second (npm run soak --target
 * pane-log). So a watch event only arms one poll `coalesceMs` later (150 ms: the same delay
 * as a spool change after a quiet second, ui/batch-gate.ts); the writes until then ride along.
 *
 * Errors are reported through onProblem (the tail keeps polling: a log that is briefly
 * missing during rotation comes back); never throws.
 */
import { promises as fsp, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { decodeLine } from './line-window.js';
import { LogAccessError, openLogFile } from './open-log.js';
import { parseLogLine, type LogLine } from './parse-line.js';
import type { TrailCollator } from './trail-collate.js';

const LOOKBACK_LINES = 2000;
const READ_BYTES = 1 << 20;
/** A partial line longer than this is cut (hostile or broken writer). */
const MAX_PARTIAL = 1 << 20;

export interface TailOptions {
  /** The fallback poll (default 5 s); the directory watch answers sooner. */
  intervalMs?: number;
  /** Watch the directory with inotify (default true). */
  watch?: boolean;
  /** A watch event polls this long after the first event, once for all until then (default 150). */
  coalesceMs?: number;
  /** Arms the coalesced poll (default setTimeout); returns its cancel. Tests hold it to count. */
  schedule?: (run: () => void, ms: number) => () => void;
  /** Position base for offered lines (after every file already searched). */
  positionBase: number;
  onProblem?: (message: string) => void;
  /** Called after each poll that offered lines (the caller redraws or flushes). */
  onPoll?: () => void;
}

export interface LogTail {
  stop(): Promise<void>;
  /** Run one poll now (tests and the first catch-up). */
  poll(): Promise<void>;
}

export function tailLogFile(path: string, startOffset: number, collator: TrailCollator, options: TailOptions): LogTail {
  let handle: fsp.FileHandle | null = null;
  let ino = -1;
  let offset = startOffset;
  let position = options.positionBase;
  let partial = Buffer.alloc(0);
  let stopped = false;
  let running: Promise<void> | null = null;
  const recent: Array<{ line: LogLine; position: number; source: string }> = [];
  const buf = Buffer.allocUnsafe(READ_BYTES);

  const take = (line: LogLine) => {
    position++;
    const entry = { line, position, source: path };
    recent.push(entry);
    if (recent.length > 2 * LOOKBACK_LINES) recent.splice(0, LOOKBACK_LINES);
    if (!collator.needles().some((n) => line.raw.includes(n))) return;
    const pending = [...collator.offer(line, position, path).lookback];
    while (pending.length > 0) {
      const needle = pending.shift()!;
      pending.push(...collator.backfill(needle, recent.filter((e) => e.position < position && e.line.raw.includes(needle))));
    }
  };

  const drain = async (h: fsp.FileHandle, referenceTime: number) => {
    for (;;) {
      const { bytesRead } = await h.read(buf, 0, READ_BYTES, offset);
      if (bytesRead === 0) return;
      offset += bytesRead;
      const data = partial.length > 0 ? Buffer.concat([partial, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
        take(parseLogLine(decodeLine(data, start, nl), { referenceTime }));
        start = nl + 1;
      }
      partial = Buffer.from(data.subarray(start, Math.min(data.length, start + MAX_PARTIAL)));
    }
  };

  const pollOnce = async () => {
    try {
      if (!handle) {
        const opened = await openLogFile(path);
        handle = opened.handle;
        ino = (await handle.stat()).ino;
        if (opened.size < offset) offset = 0;
      }
      let st = await handle.stat();
      if (st.size < offset) {
        offset = 0; // truncated in place (copytruncate)
        partial = Buffer.alloc(0);
      }
      if (st.size > offset) await drain(handle, st.mtimeMs);
      const now = await fsp.stat(path).catch(() => null);
      if (now && now.ino !== ino) {
        // Rotated: what was written to the old file before the rename is read above; once
        // more in case the writer got a last line in, then the new file from its start.
        st = await handle.stat();
        if (st.size > offset) await drain(handle, st.mtimeMs);
        await handle.close();
        handle = null;
        offset = 0;
        partial = Buffer.alloc(0);
        const opened = await openLogFile(path);
        handle = opened.handle;
        ino = (await handle.stat()).ino;
        await drain(handle, opened.mtimeMs);
      }
    } catch (error) {
      if (handle) await handle.close().catch(() => undefined);
      handle = null;
      options.onProblem?.(error instanceof LogAccessError ? error.message : `${path}: ${(error as Error).message}`);
    }
    options.onPoll?.();
  };

  // A poll asked for while one runs starts after it, so it sees what was written before the ask.
  let queued: Promise<void> | null = null;
  const poll = (): Promise<void> => {
    if (queued) return queued;
    const next = (running ?? Promise.resolve()).then(() => {
      queued = null;
      running = pollOnce().finally(() => {
        running = null;
      });
      return running;
    });
    queued = next;
    return next;
  };
  const timer = setInterval(() => {
    if (!stopped) void poll();
  }, options.intervalMs ?? 5000);
  const schedule = options.schedule ?? ((run: () => void, ms: number) => {
    const t = setTimeout(run, ms);
    return () => clearTimeout(t);
  });
  let cancelArmed: (() => void) | null = null;
  const wake = () => {
    if (stopped || cancelArmed) return;
    cancelArmed = schedule(() => {
      cancelArmed = null;
      if (!stopped) void poll();
    }, options.coalesceMs ?? 150);
  };
  let watcher: FSWatcher | null = null;
  if (options.watch ?? true) {
    try {
      const name = basename(path);
      watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) wake();
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      watcher = null; // no inotify here: the poll does it
    }
  }

  return {
    poll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      cancelArmed?.();
      cancelArmed = null;
      watcher?.close();
      await running;
      if (handle) await handle.close().catch(() => undefined);
      handle = null;
    },
  };
}
