/**
 * The short soak (`npm run soak` is the long one): the built console in tmux on a 1,000-message
 * spool while another process moves, rewrites, delivers and adds mail at 100 events a second,
 * a hash directory goes and comes back every 6 s and a damaged file arrives every 5 s
 * (test/helpers/spool-feeder.ts).
 * The feeder is paused twice at the same queue size, after a warm-up and after some 2,000
 * events more; at each pause, once the console has caught up, its resources are read from
 * /proc and from its own stats line (POSTQ_DEBUG_STATS, with a forced GC). Growth that the
 * queue size does not explain fails: file descriptors, inotify watches and the performance
 * timeline must not grow at all, active handles by at most one (a timer that happens to be
 * armed), heap and RSS by at most 10 % (plus a little for the allocator's rounding).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXTS } from '../../src/ui/ink-text-cache.js';
import { ensureBuilt } from '../helpers/postq-cli.js';
import { sampleProcess } from '../helpers/proc-probe.js';
import { startSoak, type DebugLine, type SoakSession } from '../helpers/soak-session.js';

const MESSAGES = 1000;
const RATE = 100;
const WARMUP_MS = 10_000;
const RUN_MS = 20_000;
const MIB = 2 ** 20;

let session: SoakSession;
beforeAll(async () => {
  await ensureBuilt();
  session = await startSoak({ messages: MESSAGES, rate: RATE, statsEvery: 1, gc: true, seed: 7, hashDirEvery: 6, damageEvery: 5 });
}, 120_000);
afterAll(() => session?.close());

interface Point {
  line: DebugLine;
  fds: number;
  watches: number;
  rssBytes: number;
  events: number;
}

const handles = (line: DebugLine) => Object.values(line.resources).reduce((a, b) => a + b, 0);

/** Pause the feeder, wait until the console holds the same queue two stats lines running, read. */
async function quiet(): Promise<Point> {
  const paused = await session.feeder('pause');
  const pausedAt = Date.now();
  let previous: DebugLine | null = null;
  const line = await session.nextStats(pausedAt + 1000, (l) => {
    const settled = previous !== null && previous.t > pausedAt + 1000 && previous.entries === l.entries;
    previous = l;
    return settled;
  });
  const proc = sampleProcess(session.pid);
  return { line, fds: proc.fds, watches: proc.inotifyWatches, rssBytes: proc.rssBytes, events: paused.events };
}

describe('the console left open under steady traffic', () => {
  it('holds fds, watches, handles and the performance timeline flat, and heap and RSS within 10 %', async () => {
    // The whole spool indexed before the clock starts.
    await session.nextStats(0, (l) => l.entries === MESSAGES);
    await session.nextStats(Date.now() + WARMUP_MS);
    const a = await quiet();
    await session.feeder('resume');
    await session.nextStats(Date.now() + RUN_MS);
    const b = await quiet();
    const report = JSON.stringify({ a: { ...a, line: { ...a.line, keyFrameMs: [] } }, b: { ...b, line: { ...b.line, keyFrameMs: [] } } });

    // The same queue at both points, and real traffic in between (with a hash directory cycle).
    expect(b.line.entries, report).toBe(a.line.entries);
    expect(b.events - a.events, report).toBeGreaterThan(RATE * (RUN_MS / 1000) * 0.6);
    expect(a.watches, report).toBeGreaterThan(16);

    expect(b.fds, report).toBe(a.fds);
    expect(b.watches, report).toBe(a.watches);
    expect(b.line.resources['FSWatcher'] ?? b.line.resources['FSEventWrap'], report).toBe(a.line.resources['FSWatcher'] ?? a.line.resources['FSEventWrap']);
    expect(handles(b.line), report).toBeLessThanOrEqual(handles(a.line) + 1);
    expect(b.line.perfEntries, report).toBe(0);
    expect(a.line.perfEntries, report).toBe(0);
    expect(b.line.memory.heapUsed, report).toBeLessThanOrEqual(a.line.memory.heapUsed * 1.1 + MIB);
    expect(b.rssBytes, report).toBeLessThanOrEqual(a.rssBytes * 1.1 + 4 * MIB);
    // Ink's text-size cache (every distinct text ever laid out, as Ink ships) is bounded.
    expect(b.line.inkTextCache, report).toBeGreaterThan(0);
    expect(b.line.inkTextCache, report).toBeLessThanOrEqual(MAX_TEXTS);

    // Still drawing: the header counts the same queue.
    expect(session.pane.capture()).toMatch(/● live/);
  }, 180_000);
});
