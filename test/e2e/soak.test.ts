/**
 * The short soak (`npm run soak` is the long one): the built console in tmux on a 1,000-message
 * spool while another process moves, rewrites, delivers and adds mail at 400 events a second,
 * a hash directory goes and comes back every 2 s and a damaged file arrives every 2 s
 * (test/helpers/spool-feeder.ts).
 * The feeder is paused twice at the same queue size, after a warm-up of 1,500 events and after
 * 2,500 events more: counted, not timed, since a leak shows in the events a console has been
 * through, not in seconds (at 100 a second the same checks waited 30 s). At each pause, once
 * the console has caught up, its resources are read from /proc and from its own stats line
 * (POSTQ_DEBUG_STATS, with a forced GC). Growth that the queue size does not explain fails:
 * file descriptors, inotify watches and the performance timeline must not grow at all, active
 * handles by at most one (a timer that happens to be armed), heap and RSS by at most 10 % (plus
 * a little for the allocator's rounding). Measured at 100 and at 400 events a second (load 8):
 * heap +8.8 % and +6.9-7.3 %, RSS +2.9 % and +2.0-2.9 %: the faster feed is no nearer the limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXTS } from '../../src/ui/ink-text-cache.js';
import { ensureBuilt } from '../helpers/postq-cli.js';
import { sampleProcess } from '../helpers/proc-probe.js';
import { waitFor } from '../helpers/wait-for.js';
import { startSoak, type DebugLine, type FeederStatus, type SoakSession } from '../helpers/soak-session.js';

const MESSAGES = 1000;
const RATE = 400;
const WARMUP_EVENTS = 1500;
const RUN_EVENTS = 2500;
const MIB = 2 ** 20;

let session: SoakSession;
beforeAll(async () => {
  await ensureBuilt();
  session = await startSoak({ messages: MESSAGES, rate: RATE, statsEvery: 1, gc: true, seed: 7, hashDirEvery: 2, damageEvery: 2 });
}, 120_000);
afterAll(() => session?.close());

interface Point {
  line: DebugLine;
  fds: number;
  watches: number;
  rssBytes: number;
  events: number;
  cycles: FeederStatus['cycles'];
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
  return { line, fds: proc.fds, watches: proc.inotifyWatches, rssBytes: proc.rssBytes, events: paused.events, cycles: paused.cycles };
}

/** Let the feeder run until it has done `events` events in all (it counts; the clock does not matter). */
const feederAt = (events: number) => waitFor(async () => ((await session.feeder('status')).events >= events ? true : undefined), { timeoutMs: 120_000, intervalMs: 100, what: `the feeder at ${events} events` });

describe('the console left open under steady traffic', () => {
  it('holds fds, watches, handles and the performance timeline flat, and heap and RSS within 10 %', async () => {
    // The whole spool indexed before the warm-up counts.
    await session.nextStats(0, (l) => l.entries === MESSAGES);
    await feederAt(WARMUP_EVENTS);
    const a = await quiet();
    await session.feeder('resume');
    await feederAt(a.events + RUN_EVENTS);
    const b = await quiet();
    const report = JSON.stringify({ a: { ...a, line: { ...a.line, keyFrameMs: [] } }, b: { ...b, line: { ...b.line, keyFrameMs: [] } } });

    // The same queue at both points, and real traffic in between (hash directory cycles and damaged files too).
    expect(b.line.entries, report).toBe(a.line.entries);
    expect(b.events - a.events, report).toBeGreaterThanOrEqual(RUN_EVENTS);
    expect(b.cycles.hashDir - a.cycles.hashDir, report).toBeGreaterThanOrEqual(2);
    expect(b.cycles.damaged - a.cycles.damaged, report).toBeGreaterThanOrEqual(2);
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
