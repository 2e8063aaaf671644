/**
 * The demo's mail system, on timers: mail arrives (SMTP -> cleanup -> incoming/, or sendmail
 * -> postdrop -> maildrop/ -> pickup -> incoming/), qmgr moves it to active/ and delivers or
 * defers it (see qmgr.ts), deferred mail is retried when its time comes, one sender now and
 * then sends a burst, expired mail comes back as bounces, and now and then a damaged file
 * turns up and qmgr saves it in corrupt/.
 *
 * Idle-friendly: a handful of timers, no polling faster than once a second. Contract: start()
 * and stop(); a failure inside a timer is counted in `stats.errors` (last one kept in
 * `lastError`) and never thrown into the console; ENOENT races with the console's actions are
 * expected and ignored.
 */
import { readFileSync } from 'node:fs';
import type { SpoolConfig } from '../config/spool-config.js';
import { cleanupEnter, postdropEnter, readMaildropFile, remoteArrival } from './cleanup.js';
import { damageFile } from './damage.js';
import { DEMO_HOSTNAME } from './domains.js';
import { addMissingHeaders, bounceText, mailDate, composeMessage, pickBulkSender, pickupReceived, smtpAttributes, smtpReceived, type DemoMessage } from './message-text.js';
import { Qmgr, type Returned } from './qmgr.js';
import { isGone, isReady, listQueue, unlinkIfPresent } from './queue-io.js';
import type { Random } from './random.js';

export interface MtaOptions {
  config: SpoolConfig;
  rnd: Random;
  /** New messages per second (default 3). */
  rate?: number;
  /** Seconds between deferred-queue scans (Postfix: queue_run_delay, 300 s; default 10). */
  queueRunDelay?: number;
  /** Messages delivered at once (default 25). */
  activeLimit?: number;
  /** Seconds between bursts from one sender [min, max] (default 40..100); null: none. */
  burstEvery?: readonly [number, number] | null;
  /** Seconds between damaged files [min, max] (default 60..150); null: none. */
  corruptEvery?: readonly [number, number] | null;
  /** Epoch seconds (float); default the real clock. */
  now?: () => number;
}

export interface MtaStats {
  arrived: number;
  /** Maildrop files pickup turned into incoming files. */
  pickedUp: number;
  /** Deferred messages taken back into active/ for another attempt. */
  retried: number;
  /** Messages sent by a burst sender. */
  bulk: number;
  delivered: number;
  deferred: number;
  returned: number;
  corrupt: number;
  errors: number;
}

export class SimulatedMta {
  readonly stats: MtaStats = { arrived: 0, pickedUp: 0, retried: 0, bulk: 0, delivered: 0, deferred: 0, returned: 0, corrupt: 0, errors: 0 };
  lastError: unknown = null;
  private readonly config: SpoolConfig;
  private readonly rnd: Random;
  private readonly now: () => number;
  private readonly qmgr: Qmgr;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  private port = 40000;

  constructor(private readonly options: MtaOptions) {
    this.config = options.config;
    this.rnd = options.rnd;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.qmgr = new Qmgr(this.config, this.rnd, {
      activated: (from) => from === 'deferred' && this.stats.retried++,
      delivered: (n) => (this.stats.delivered += n),
      deferred: (n) => (this.stats.deferred += n),
      corrupt: () => this.stats.corrupt++,
      returned: (m) => this.sendBounce(m),
    }, this.now, options.activeLimit ?? 25);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const rate = this.options.rate ?? 3;
    if (rate > 0) this.after(this.rnd.exponential(1 / rate), () => this.arrivalLoop(rate));
    this.every(1, () => this.runIncoming());
    this.every(2, () => this.runPickup());
    this.every(this.options.queueRunDelay ?? 10, () => this.runDeferred());
    this.after(0.5, () => this.runDeferred());
    const burst = this.options.burstEvery === undefined ? ([40, 100] as const) : this.options.burstEvery;
    if (burst) this.randomly(burst, () => this.burst());
    const corrupt = this.options.corruptEvery === undefined ? ([60, 150] as const) : this.options.corruptEvery;
    if (corrupt) this.randomly(corrupt, () => this.damagedArrival());
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.qmgr.stop();
  }

  // --- scheduling -------------------------------------------------------------------------

  private guard(fn: () => void): void {
    if (!this.running) return;
    try {
      fn();
    } catch (error) {
      this.stats.errors++;
      this.lastError = error;
    }
  }

  private after(seconds: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.guard(fn);
    }, Math.max(0, seconds * 1000));
    this.timers.add(t);
  }

  private every(seconds: number, fn: () => void): void {
    const loop = () => {
      fn();
      this.after(seconds, loop);
    };
    this.after(seconds, loop);
  }

  private randomly([min, max]: readonly [number, number], fn: () => void): void {
    const loop = () => {
      fn();
      this.after(min + this.rnd.next() * (max - min), loop);
    };
    this.after(min + this.rnd.next() * (max - min), loop);
  }

  private arrivalLoop(rate: number): void {
    this.receive(composeMessage(this.rnd, { now: this.now() }));
    this.after(this.rnd.exponential(1 / rate), () => this.arrivalLoop(rate));
  }

  private burst(): void {
    const sender = pickBulkSender(this.rnd);
    const count = this.rnd.int(15, 40);
    for (let i = 0; i < count; i++) {
      this.after(i * (0.02 + this.rnd.next() * 0.08), () => this.receive(composeMessage(this.rnd, { now: this.now(), bulkSender: sender })));
    }
  }

  // --- mail in ----------------------------------------------------------------------------

  /** One new message: over SMTP into incoming/, or with sendmail into maildrop/. */
  receive(msg: DemoMessage): void {
    this.stats.arrived++;
    if (msg.bulk) this.stats.bulk++;
    if (msg.local) {
      postdropEnter(this.config, { arrival: msg.arrival, sender: msg.sender, fullName: msg.fullName, recipients: msg.recipients, text: msg.text });
      this.after(0.3 + this.rnd.next() * 1.5, () => this.runPickup());
      return;
    }
    const port = (this.port = this.port >= 65000 ? 40000 : this.port + this.rnd.int(1, 50));
    cleanupEnter(this.config, {
      ...remoteArrival(msg, Math.floor(this.now())),
      prefix: (id) => smtpReceived(msg, id),
      clientAttributes: smtpAttributes(msg, port),
    });
    this.after(0.05 + this.rnd.next() * 0.4, () => this.runIncoming());
  }

  /** pickup: every ready maildrop file becomes an incoming file with a new id. */
  runPickup(): void {
    for (const file of listQueue(this.config, 'maildrop')) {
      if (!isReady(file.stats)) continue;
      let bytes: Buffer;
      try {
        bytes = readFileSync(file.path);
      } catch (error) {
        if (isGone(error)) continue;
        throw error;
      }
      const content = readMaildropFile(bytes);
      // A local submission has o+r; a file postsuper -r put here has not and keeps its headers.
      const local = (file.stats.mode & 0o004) !== 0;
      if (content) {
        const mtime = Math.floor(file.stats.mtimeMs / 1000);
        cleanupEnter(this.config, {
          arrival: content.arrival ?? { seconds: mtime, microseconds: 0 },
          createTime: Math.floor(this.now()),
          sender: content.sender,
          fullName: content.fullName,
          recipients: content.recipients,
          text: content.text,
          ...(local ? { prefix: (id: string) => pickupReceived(id, file.stats.uid, mtime) } : {}),
          finish: (text, id) => addMissingHeaders(text, id, mtime),
          rewriteContext: 'local',
        });
        this.stats.pickedUp++;
      }
      // pickup removes what it took, and deletes what it cannot read.
      unlinkIfPresent(file.path);
    }
    this.runIncoming();
  }

  /** qmgr's incoming scan: ready files whose time has come (mtime at most 1 s ahead). */
  runIncoming(): void {
    const now = this.now();
    for (const file of listQueue(this.config, 'incoming')) {
      if (this.qmgr.activeCount >= this.qmgr.activeLimit) return;
      if (isReady(file.stats) && file.stats.mtimeMs / 1000 <= now + 1) this.qmgr.activate(file, 'incoming');
    }
  }

  /** qmgr's deferred scan: files whose next-retry time (mtime) has come. */
  runDeferred(): void {
    const now = this.now();
    const due = listQueue(this.config, 'deferred').filter((f) => isReady(f.stats) && f.stats.mtimeMs / 1000 <= now + 1);
    for (const file of due) {
      if (this.qmgr.activeCount >= this.qmgr.activeLimit) return;
      this.qmgr.activate(file, 'deferred');
    }
  }

  private sendBounce(original: Returned): void {
    this.stats.returned++;
    const now = Math.floor(this.now());
    cleanupEnter(this.config, {
      arrival: { seconds: now, microseconds: this.rnd.int(0, 999_999) },
      createTime: now,
      sender: '',
      fullName: null,
      recipients: [{ address: original.sender }],
      text: bounceText(original, now),
      prefix: (id) => `Received: by ${DEMO_HOSTNAME} (Postfix)\n\tid ${id}; ${mailDate(now)}\n`,
      rewriteContext: 'local',
    });
    this.after(0.2, () => this.runIncoming());
  }

  /** A file that does not read (a truncated copy, a bad record type) lands in incoming/. */
  private damagedArrival(): void {
    const msg = composeMessage(this.rnd, { now: this.now() });
    cleanupEnter(this.config, remoteArrival(msg, Math.floor(this.now())), { damage: (bytes) => damageFile(bytes, this.rnd) });
    this.after(0.2, () => this.runIncoming());
  }
}
