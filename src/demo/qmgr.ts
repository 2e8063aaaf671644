/**
 * The simulated queue manager and delivery agents: activation (incoming|deferred -> active,
 * or -> corrupt when the file does not read), one delivery attempt per pending recipient
 * (delivered: R becomes D in place; deferred: an entry in defer/ID), then the file is removed,
 * moved back to deferred/ with mtime = next retry (qmgr's backoff), or returned to its sender
 * when it is past maximal_queue_lifetime or forced to expire (g+x).
 *
 * Contract: files the console's backend moved or deleted meanwhile are left alone (ENOENT is
 * not an error); the hooks report what happened for the demo's counters.
 */
import { closeSync, fstatSync, openSync, readFileSync, utimesSync } from 'node:fs';
import type { SpoolConfig } from '../config/spool-config.js';
import { parseBounceLog } from '../spool/defer-log.js';
import { parseQueueFile, type EnvelopeRecipient } from '../spool/queue-file.js';
import { formatDeferLogEntry } from '../spool/queue-file-writer.js';
import { attemptDelivery, BULK_SENDERS, DOMAINS, profileFor, type Failure } from './domains.js';
import { absPath, appendLog, isGone, markRecipientDone, moveQueueFile, removeLogs, unlinkIfPresent, type QueueFileStat } from './queue-io.js';
import type { Random } from './random.js';

export const MIN_BACKOFF = 300;
export const MAX_BACKOFF = 4000;
export const MAX_QUEUE_LIFETIME = 5 * 86400;

/** qmgr's retry delay: the message's age clamped to [minimal_backoff_time, maximal_backoff_time]. */
export function backoff(now: number, createTime: number): number {
  return Math.min(MAX_BACKOFF, Math.max(MIN_BACKOFF, Math.floor(now - createTime)));
}

export interface Returned {
  id: string;
  sender: string;
  reasons: Array<[string, string]>;
}

export interface QmgrHooks {
  /** A file was taken into active/ (a retry when it came from deferred/). */
  activated(from: 'incoming' | 'deferred'): void;
  delivered(count: number): void;
  deferred(count: number): void;
  corrupt(id: string): void;
  /** The message expired: the caller sends the non-delivery notice. */
  returned(message: Returned): void;
}

interface InFlight {
  fd: number;
  /** The envelope sender ('' for the null sender). */
  sender: string;
  recipients: EnvelopeRecipient[];
  createTime: number;
  retry: boolean;
  bulk: boolean;
}

const BULK = new Set(BULK_SENDERS.map((s) => s.address));

export class Qmgr {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly config: SpoolConfig,
    private readonly rnd: Random,
    private readonly hooks: QmgrHooks,
    private readonly now: () => number,
    readonly activeLimit: number,
  ) {}

  get activeCount(): number {
    return this.inFlight.size;
  }

  /** Take one ready file from incoming/ or deferred/ into active/ and start its delivery. */
  activate(file: QueueFileStat, from: 'incoming' | 'deferred'): void {
    const { id } = file;
    if (this.inFlight.has(id) || this.inFlight.size >= this.activeLimit) return;
    const activePath = absPath(this.config, 'active', id);
    if (!moveQueueFile(this.config, file.path, 'active', id)) return;
    this.hooks.activated(from);
    let fd: number;
    try {
      fd = openSync(activePath, 'r+');
    } catch (error) {
      if (isGone(error)) return;
      throw error;
    }
    const bytes = readFileSync(fd);
    const parsed = parseQueueFile(bytes, { queueName: 'active', originalRecipients: true });
    if (parsed.diagnostics.length > 0 || !parsed.complete || parsed.sender === null) {
      closeSync(fd);
      // qmgr: warning: saving corrupt file "ID" from queue "active" to queue "corrupt"
      if (moveQueueFile(this.config, activePath, 'corrupt', id)) this.hooks.corrupt(id);
      return;
    }
    const createTime = parsed.createTime ?? parsed.arrivalTime ?? this.now();
    const sender = parsed.nullSender ? '' : parsed.sender;
    if (fstatSync(fd).mode & 0o010) {
      // Forced to expire (postsuper -e): return it with the logged reasons, try nothing.
      closeSync(fd);
      this.returnToSender(id, sender, activePath);
      return;
    }
    unlinkIfPresent(absPath(this.config, 'defer', id));
    const recipients = parsed.recipients.filter((r) => r.status === 'pending');
    const latency = Math.max(
      50,
      ...recipients.map((r) => {
        const [min, max] = (profileFor(r.address) ?? DOMAINS[0]!).latency;
        return this.rnd.int(min, max);
      }),
    );
    this.inFlight.set(id, { fd, sender, recipients, createTime, retry: from === 'deferred', bulk: BULK.has(sender) });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finish(id);
    }, latency);
    this.timers.add(timer);
  }

  private finish(id: string): void {
    const job = this.inFlight.get(id);
    if (!job) return;
    this.inFlight.delete(id);
    try {
      this.deliver(id, job);
    } finally {
      closeSync(job.fd);
    }
  }

  private deliver(id: string, job: InFlight): void {
    // Deleted meanwhile (postsuper -d): the agents' work goes nowhere.
    if (fstatSync(job.fd).nlink === 0) return;
    const failures: Array<[EnvelopeRecipient, Failure]> = [];
    for (const r of job.recipients) {
      const profile = profileFor(r.address) ?? DOMAINS[0]!;
      const failure = attemptDelivery(profile, r.address, { retry: job.retry, bulk: job.bulk, rnd: this.rnd });
      if (failure) failures.push([r, failure]);
      else markRecipientDone(job.fd, r.offset);
    }
    this.hooks.delivered(job.recipients.length - failures.length);
    const activePath = absPath(this.config, 'active', id);
    if (failures.length === 0) {
      unlinkIfPresent(activePath);
      return;
    }
    this.hooks.deferred(failures.length);
    const log = failures
      .map(([r, f]) =>
        formatDeferLogEntry({
          recipient: r.address,
          offset: r.offset,
          originalRecipient: r.originalRecipient,
          dsnOrigRcpt: `rfc822;${r.originalRecipient ?? r.address}`,
          status: f.status,
          reason: f.reason,
        }),
      )
      .join('');
    appendLog(this.config, 'defer', id, log);
    const now = this.now();
    if (now >= job.createTime + MAX_QUEUE_LIFETIME) {
      this.returnToSender(id, job.sender, activePath);
      return;
    }
    const retryAt = now + backoff(now, job.createTime);
    try {
      utimesSync(activePath, retryAt, retryAt);
    } catch (error) {
      if (isGone(error)) return; // held or requeued while it was being delivered
      throw error;
    }
    moveQueueFile(this.config, activePath, 'deferred', id);
  }

  private returnToSender(id: string, sender: string, activePath: string): void {
    let reasons: Array<[string, string]> = [];
    try {
      reasons = parseBounceLog(readFileSync(absPath(this.config, 'defer', id))).map((e) => [e.recipient, e.reason]);
    } catch (error) {
      if (!isGone(error)) throw error;
    }
    removeLogs(this.config, id);
    unlinkIfPresent(activePath);
    // A bounce that cannot be delivered is not bounced again (it would go to the postmaster).
    if (sender !== '') this.hooks.returned({ id, sender, reasons });
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const job of this.inFlight.values()) closeSync(job.fd);
    this.inFlight.clear();
  }
}
