/**
 * The soak's mail system, as its own process (`node --import tsx test/helpers/spool-feeder.ts
 * SPOOL RATE [SEED [HASH_DIR_EVERY_S DAMAGE_EVERY_S [MAIL_LOG]]]`): a steady RATE of spool
 * events in the ways Postfix makes them, on a spool made by the demo's seeder (src/demo), with
 * the queue size held constant:
 *
 *   hold / release      deferred <-> hold renames (postsuper -h / -H), most of the traffic
 *   retry / defer       deferred -> active, and active -> deferred with its defer log rewritten
 *                       (new reasons, some with a changing number: "try again in 297 seconds")
 *                       and its mtime set to the next retry, as qmgr does
 *   log                 a deferred message's defer log rewritten in place
 *   arrive / activate / deliver   a new message through cleanup into incoming/ (temp name,
 *                       0600, rename, write, chmod 0700), incoming -> active, and a delivery
 *                       (active file and its logs unlinked): one in, one out
 *   every 60 s (or HASH_DIR_EVERY_S)   a hash directory goes away (deferred/X emptied into hold, removed) and
 *                       comes back 3 s later (or halfway to the next cycle) with its messages
 *   every 20 s (or DAMAGE_EVERY_S)     a damaged file arrives, then moves to corrupt/, and the oldest corrupt
 *                       file is deleted
 *
 * With MAIL_LOG, each event's lines are appended to that file as Postfix logs them
 * (mail-log-writer.ts), for a console tailing it.
 *
 * Commands on stdin, one a line: `pin ID` (leave that message where it is and log a delivery
 * attempt for it every 10 s: the message open in the pane-log soak's pane), `pause` (finish
 * what is open, e.g. restore a hash directory, then stop), `resume`, `status`, `stop`. Each answers with one JSON line on stdout: paused,
 * events done, hash directory cycles and damaged files done, and the message count per queue.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import type { QueueName } from '../../src/domain/queue.js';
import { cleanupEnter, remoteArrival } from '../../src/demo/cleanup.js';
import { damageFile } from '../../src/demo/damage.js';
import { composeMessage } from '../../src/demo/message-text.js';
import { absPath, listQueue, moveQueueFile, removeLogs, unlinkIfPresent } from '../../src/demo/queue-io.js';
import { Random } from '../../src/demo/random.js';
import { MailLogWriter, type LogEvent } from './mail-log-writer.js';

const QUEUES = ['incoming', 'active', 'deferred', 'hold', 'corrupt'] as const;
type Fed = (typeof QUEUES)[number];

/** Ids in a queue: O(1) add, remove and random pick. */
class Pool {
  private readonly ids: string[] = [];
  private readonly at = new Map<string, number>();
  get size() { return this.ids.length; } // prettier-ignore
  add(id: string) {
    if (this.at.has(id)) return;
    this.at.set(id, this.ids.length);
    this.ids.push(id);
  }
  remove(id: string) {
    const i = this.at.get(id);
    if (i === undefined) return;
    const last = this.ids.pop()!;
    if (last !== id) (this.ids[i] = last), this.at.set(last, i);
    this.at.delete(id);
  }
  pick(rnd: Random): string | null {
    return this.ids.length ? this.ids[Math.floor(rnd.next() * this.ids.length)]! : null;
  }
  oldest(): string | null {
    return this.ids[0] ?? null;
  }
}

/** How often the pinned message (open in the pane) gets a log line: a trail that grows slowly. */
const PIN_EVERY_MS = 10_000;

/** One cycle of 16 events keeps every queue's size: in = out for active, deferred and hold. */
const CYCLE = ['hold', 'release', 'hold', 'release', 'retry', 'hold', 'release', 'defer', 'hold', 'release', 'arrive', 'activate', 'deliver', 'log', 'retry', 'defer'] as const;

export function reasonFor(rnd: Random, address: string): string {
  const domain = address.split('@')[1] ?? 'example.net';
  return rnd.weighted([
    [() => `connect to mx.${domain}[192.0.2.${rnd.int(1, 254)}]:25: Connection timed out`, 3],
    [() => `host mx.${domain}[198.51.100.${rnd.int(1, 254)}] said: 450 4.7.1 <${address}>: Recipient address rejected: Greylisted, try again in ${rnd.int(1, 900)} seconds (in reply to RCPT TO command)`, 2],
    [() => `host mx.${domain}[203.0.113.7] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)`, 1],
  ] as const)();
}

export class SpoolFeeder {
  events = 0;
  readonly cycles = { hashDir: 0, damaged: 0 }; // completed: hash directories back, damaged files in corrupt/
  private readonly pools = Object.fromEntries(QUEUES.map((q) => [q, new Pool()])) as Record<Fed, Pool>;
  private step = 0;
  private downDir: { hash: string; ids: string[]; backAt: number } | null = null;
  private nextHashCycle: number;
  private nextDamage: number;
  private damaged: string | null = null;
  /** The message open in the console's pane (pane-log soak): never moved, tried every PIN_EVERY_MS. */
  private pinned: string | null = null;
  private nextPinned = 0;

  constructor(
    private readonly config: SpoolConfig,
    private readonly rnd: Random,
    /** Seconds between hash directory cycles and between damaged files. */
    private readonly every = { hashDir: 60, damage: 20 },
    now = Date.now(),
    /** The mail log to write each event's lines to (pane-log soak), or null. */
    private readonly log: MailLogWriter | null = null,
  ) {
    for (const q of QUEUES) for (const f of listQueue(config, q)) this.pools[q].add(f.id);
    this.nextHashCycle = now + every.hashDir * 1000;
    this.nextDamage = now + every.damage * 1000;
  }

  counts(): Record<Fed, number> {
    return Object.fromEntries(QUEUES.map((q) => [q, this.pools[q].size])) as Record<Fed, number>;
  }

  /** One event of the cycle (skipped when its queue is empty), plus what the clock makes due. */
  tick(now = Date.now()): void {
    this.timed(now);
    const kind = CYCLE[this.step++ % CYCLE.length]!;
    if (this.event(kind)) this.events++;
  }

  /**
   * Close what is open: the rest of the cycle (each queue's size is kept only over whole
   * cycles), a removed hash directory, a damaged file not yet in corrupt/.
   */
  settle(): void {
    while (this.step % CYCLE.length !== 0) if (this.event(CYCLE[this.step++ % CYCLE.length]!)) this.events++;
    this.timed(Number.POSITIVE_INFINITY, false);
  }

  /** Keep `id` where it is and log a delivery attempt for it every PIN_EVERY_MS. */
  pin(id: string, now = Date.now()): void {
    this.pinned = id;
    this.nextPinned = now + PIN_EVERY_MS;
  }

  flushLog(): void {
    this.log?.flush();
  }

  private timed(now: number, start = true): void {
    if (this.downDir && now >= this.downDir.backAt) this.hashDirBack();
    if (this.damaged) this.damagedToCorrupt();
    if (!start) return;
    if (this.pinned && now >= this.nextPinned) ((this.nextPinned = now + PIN_EVERY_MS), this.log?.note('pinned', this.pinned));
    if (now >= this.nextHashCycle && !this.downDir) ((this.nextHashCycle = now + this.every.hashDir * 1000), this.hashDirGone(now));
    if (now >= this.nextDamage) ((this.nextDamage = now + this.every.damage * 1000), this.damagedArrival());
  }

  private move(id: string, from: Fed, to: Fed): boolean {
    this.pools[from].remove(id);
    if (!moveQueueFile(this.config, absPath(this.config, from, id), to as QueueName, id)) return false;
    this.pools[to].add(id);
    return true;
  }

  /** A random id of `queue` that may move now (not in the removed hash directory). */
  private pickFrom(queue: Fed): string | null {
    for (let i = 0; i < 8; i++) {
      const id = this.pools[queue].pick(this.rnd);
      if (id === null) return null;
      if (!this.inDownDir(id) && id !== this.damaged && id !== this.pinned) return id;
    }
    return null;
  }

  private inDownDir(id: string): boolean {
    return this.downDir !== null && dirname(absPath(this.config, 'deferred', id)).endsWith(`/${this.downDir.hash}`);
  }

  /** Rewrite a defer log's reasons (a new text per recipient); false when it has none. */
  private rewriteLog(id: string): boolean {
    const path = absPath(this.config, 'defer', id);
    if (!existsSync(path)) return false;
    const text = readFileSync(path, 'utf8').replace(/^<([^>]*)>: .*$\n((?:(?!^reason=).*\n)*)^reason=.*$/gm, (_m, rcpt: string, mid: string) => {
      const reason = reasonFor(this.rnd, rcpt);
      return `<${rcpt}>: ${reason}\n${mid}reason=${reason}`;
    });
    writeFileSync(path, text, { mode: 0o600 });
    return true;
  }

  /** The event's log lines (when a mail log is fed), and true: the event happened. */
  private logged(kind: LogEvent, id: string): true {
    this.log?.note(kind, id);
    return true;
  }

  private event(kind: (typeof CYCLE)[number]): boolean {
    const { pools, rnd } = this;
    const moved = (id: string | null, from: Fed, to: Fed) => id !== null && this.move(id, from, to) && this.logged(kind, id);
    switch (kind) {
      case 'hold':
        return moved(this.pickFrom('deferred'), 'deferred', 'hold');
      case 'release':
        return moved(this.pickFrom('hold'), 'hold', 'deferred');
      case 'retry':
        return moved(this.pickFrom('deferred'), 'deferred', 'active');
      case 'defer': {
        const id = this.pickFrom('active');
        if (id === null) return false;
        this.rewriteLog(id);
        const retryAt = Date.now() / 1000 + rnd.int(300, 4000);
        utimesSync(absPath(this.config, 'active', id), retryAt, retryAt);
        return moved(id, 'active', 'deferred');
      }
      case 'log': {
        const id = this.pickFrom('deferred');
        return id !== null && this.rewriteLog(id) && this.logged(kind, id);
      }
      case 'arrive': {
        const msg = composeMessage(rnd, { now: Date.now() / 1000 });
        const entered = cleanupEnter(this.config, remoteArrival(msg, Math.floor(Date.now() / 1000)));
        pools.incoming.add(entered.id);
        return this.logged(kind, entered.id);
      }
      case 'activate':
        return moved(this.pickFrom('incoming'), 'incoming', 'active');
      case 'deliver': {
        const id = this.pickFrom('active');
        if (id === null) return false;
        pools.active.remove(id);
        unlinkIfPresent(absPath(this.config, 'active', id));
        removeLogs(this.config, id);
        return this.logged(kind, id);
      }
    }
  }

  private hashDirGone(now: number): void {
    let hash = '0123456789ABCDEF'[this.rnd.int(0, 15)]!;
    // Never the pinned message's directory: it stays where the pane found it.
    if (this.pinned && dirname(absPath(this.config, 'deferred', this.pinned)).endsWith(`/${hash}`)) hash = hash === '0' ? '1' : '0';
    this.downDir = { hash, ids: [], backAt: now + Math.min(3000, this.every.hashDir * 500) };
    const dir = dirname(absPath(this.config, 'deferred', `${hash}0000`));
    const ids = listQueue(this.config, 'deferred').filter((f) => dirname(f.path) === dir).map((f) => f.id);
    for (const id of ids) if (this.move(id, 'deferred', 'hold')) this.downDir.ids.push(id);
    rmdirSync(dir);
  }

  private hashDirBack(): void {
    const { hash, ids } = this.downDir!;
    const dir = dirname(absPath(this.config, 'deferred', `${hash}0000`));
    mkdirSync(dir, { mode: 0o700 });
    (this.downDir = null), this.cycles.hashDir++;
    for (const id of ids) this.move(id, 'hold', 'deferred');
  }

  private damagedArrival(): void {
    const msg = composeMessage(this.rnd, { now: Date.now() / 1000 });
    const entered = cleanupEnter(this.config, remoteArrival(msg, Math.floor(Date.now() / 1000)), { damage: (bytes) => damageFile(bytes, this.rnd) });
    this.pools.incoming.add(entered.id);
    this.damaged = entered.id;
  }

  /** qmgr could not read it: into corrupt/; the oldest corrupt file goes (count constant). */
  private damagedToCorrupt(): void {
    const id = this.damaged!;
    this.damaged = null;
    this.cycles.damaged++;
    const oldest = this.pools.corrupt.oldest();
    if (this.move(id, 'incoming', 'corrupt') && oldest) {
      this.pools.corrupt.remove(oldest);
      unlinkIfPresent(absPath(this.config, 'corrupt', oldest));
    }
  }
}

/** The process: RATE events a second until `stop`. */
function main(): void {
  const [spool, rateArg, seedArg, hashDirArg, damageArg, logFile] = process.argv.slice(2);
  const rate = Number(rateArg ?? 50);
  const every = { hashDir: Number(hashDirArg ?? 60), damage: Number(damageArg ?? 20) };
  const feeder = new SpoolFeeder(defaultSpoolConfig(spool!), new Random(Number(seedArg ?? 17)), every, Date.now(), logFile ? new MailLogWriter(logFile) : null);
  let paused = false;
  let base = performance.now();
  let done = 0;
  const report = () => process.stdout.write(`${JSON.stringify({ paused, events: feeder.events, cycles: feeder.cycles, counts: feeder.counts() })}\n`);
  const loop = setInterval(() => {
    if (paused) return;
    const due = Math.floor(((performance.now() - base) / 1000) * rate);
    for (; done < due; done++) feeder.tick();
    feeder.flushLog();
  }, 10);
  createInterface({ input: process.stdin }).on('line', (command) => {
    if (command.startsWith('pin ')) feeder.pin(command.slice(4).trim());
    else if (command === 'pause' || command === 'stop') {
      paused = true;
      feeder.settle();
      feeder.flushLog();
    } else if (command === 'resume' && paused) {
      paused = false;
      base = performance.now();
      done = 0;
    }
    report();
    if (command === 'stop') (clearInterval(loop), process.exit(0));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) main();
