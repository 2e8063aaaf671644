/**
 * The read-only fallback for a non-root user on a Postfix host whose spool is unreadable: poll
 * `postqueue [-c DIR] -j` (setgid postdrop; it asks showq, so it works without spool access)
 * and diff it against the last answer. Adaptive: every minMs while the queue moves, backing
 * off to maxMs while it does not, and never more often than 20x what one poll costs.
 *
 * Contract: the first poll emits a full batch; later polls emit only upserts (lines that
 * changed) and removals. A failing postqueue calls onError (once per distinct message) and
 * keeps polling. `start()` resolves after the first poll. Spawning postqueue is a read.
 */
import { execFile } from 'node:child_process';
import type { SpoolBatch } from '../domain/spool-batch.js';
import { SpoolAccessError } from '../domain/errors.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { parsePostqueueLine } from './postqueue-json.js';

export interface PostqueuePoller {
  start(): Promise<void>;
  stop(): void;
}

export interface PollerOptions {
  minMs?: number;
  maxMs?: number;
  onError?(error: SpoolAccessError): void;
  /** The program to run (tests); default `postqueue`. */
  command?: string;
}

function runPostqueue(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 1 << 30, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new SpoolAccessError(`${command} -j failed: ${String(stderr || error.message).trim()}`, command, undefined));
      else resolve(stdout);
    });
  });
}

export function createPostqueuePoller(config: SpoolConfig, emit: (batch: SpoolBatch) => void, options: PollerOptions = {}): PostqueuePoller {
  const minMs = options.minMs ?? 2_000;
  const maxMs = options.maxMs ?? 30_000;
  const args = [...(config.configDir ? ['-c', config.configDir] : []), '-j'];
  let lines = new Map<string, string>();
  let first = true;
  let stopped = false;
  let nextMs = minMs;
  let timer: NodeJS.Timeout | null = null;
  let lastError = '';

  async function poll(): Promise<void> {
    const t0 = performance.now();
    let out: string;
    try {
      out = await runPostqueue(options.command ?? 'postqueue', args);
    } catch (error) {
      if ((error as Error).message !== lastError) options.onError?.(error as SpoolAccessError);
      lastError = (error as Error).message;
      return schedule(false, performance.now() - t0);
    }
    if (stopped) return;
    const next = new Map<string, string>();
    const batch: SpoolBatch = { upserts: [], removals: [], full: first, firstEventAt: null };
    for (const line of out.split('\n')) {
      const entry = line ? parsePostqueueLine(line, config) : null;
      if (!entry) continue;
      next.set(entry.queueId, line);
      if (first || lines.get(entry.queueId) !== line) batch.upserts.push(entry);
    }
    for (const id of lines.keys()) if (!next.has(id)) batch.removals.push(id);
    const changed = batch.upserts.length > 0 || batch.removals.length > 0;
    if (first || changed) emit(batch);
    first = false;
    lines = next;
    schedule(changed, performance.now() - t0);
  }

  function schedule(changed: boolean, costMs: number) {
    if (stopped) return;
    nextMs = Math.max(changed ? minMs : Math.min(maxMs, nextMs * 1.5), 20 * costMs);
    timer = setTimeout(() => void poll(), nextMs);
  }

  return {
    start: () => poll(),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
