/**
 * The queue the demo opens on: mostly deferred mail of every age (greylisting, dead hosts,
 * full mailboxes, DNS and TLS trouble, a rate-limited burst from one sender), some of it
 * partly delivered, a few held messages (the burst's spam the admin already caught), a few
 * files waiting in incoming/ and maildrop/, and a damaged file or two in corrupt/. Every file
 * is made the way the simulated MTA makes them, with real defer logs and retry times.
 *
 * seedQueue() throws only on I/O errors (the spool is fresh and private).
 */
import type { SpoolConfig } from '../config/spool-config.js';
import { formatDeferLogEntry } from '../spool/queue-file-writer.js';
import { cleanupEnter, postdropEnter, remoteArrival } from './cleanup.js';
import { damageFile } from './damage.js';
import { DOMAINS, profileFor, randomRecipient, TROUBLED_DOMAINS } from './domains.js';
import { addMissingHeaders, composeMessage, pickBulkSender, recipientCount, pickupReceived, smtpAttributes, smtpReceived, type DemoMessage } from './message-text.js';
import { backoff, MAX_QUEUE_LIFETIME } from './qmgr.js';
import { appendLog } from './queue-io.js';
import type { Random } from './random.js';

export interface SeedCounts {
  deferred: number;
  hold: number;
  incoming: number;
  maildrop: number;
  corrupt: number;
}

/** How `total` messages are spread over the queues. */
export function seedCounts(total: number): SeedCounts {
  const hold = Math.round(total * 0.06);
  const incoming = Math.round(total * 0.03);
  const maildrop = Math.round(total * 0.02);
  const corrupt = total >= 20 ? Math.max(1, Math.round(total * 0.01)) : 0;
  return { deferred: Math.max(0, total - hold - incoming - maildrop - corrupt), hold, incoming, maildrop, corrupt };
}

/** An age in seconds: mostly hours, some days, a few about to expire. */
function randomAge(rnd: Random): number {
  return rnd.weighted([
    [() => rnd.int(300, 7200), 60],
    [() => rnd.int(7200, 86400), 25],
    [() => rnd.int(86400, 4 * 86400), 12],
    [() => rnd.int(MAX_QUEUE_LIFETIME - 3600, MAX_QUEUE_LIFETIME - 120), 3],
  ] as const)();
}

function deferredMessage(rnd: Random, now: number, bulkSender: ReturnType<typeof pickBulkSender> | null): DemoMessage {
  const age = bulkSender ? rnd.int(600, 900) : randomAge(rnd);
  // At least one recipient at a domain that is in trouble, so the message is deferred.
  const first = bulkSender
    ? randomRecipient(rnd, { from: DOMAINS.filter((d) => d.domain === 'bigprovider.example') })
    : randomRecipient(rnd, { from: TROUBLED_DOMAINS });
  const others = Array.from({ length: recipientCount(rnd) - 1 }, () => randomRecipient(rnd, { bulk: !!bulkSender }));
  return composeMessage(rnd, { now: now - age, recipients: [first, ...others], ...(bulkSender ? { bulkSender } : {}) });
}

/** Write one message that has been tried and deferred: D for the delivered, a defer log for the rest. */
function writeDeferred(config: SpoolConfig, rnd: Random, msg: DemoMessage, now: number, queue: 'deferred' | 'hold'): void {
  const failures = msg.recipients.map((r, i) => {
    const profile = profileFor(r);
    return i === 0 || profile?.troubled ? profile!.failure(r) : null;
  });
  const done = new Set(failures.flatMap((f, i) => (f ? [] : [i])));
  const createTime = msg.arrival.seconds;
  const age = now - createTime;
  const delay = backoff(now, createTime);
  // The last attempt was up to one backoff ago; a few are overdue and go at the first scan.
  const retryAt = rnd.chance(0.05) ? now - rnd.int(1, 60) : Math.max(createTime + 300, now - rnd.int(0, Math.min(delay, age)) + delay);
  const file = cleanupEnter(config, {
    arrival: msg.arrival,
    createTime,
    sender: msg.sender,
    fullName: msg.fullName,
    recipients: msg.recipients.map((address) => ({ address })),
    text: msg.text,
    ...(msg.client
      ? { prefix: (id: string) => smtpReceived(msg, id), clientAttributes: smtpAttributes(msg, rnd.int(40000, 65000)) }
      : { prefix: (id: string) => pickupReceived(id, 33, createTime), finish: (text: string, id: string) => addMissingHeaders(text, id, createTime) }),
    rewriteContext: msg.local ? 'local' : 'remote',
  }, { queue, mtime: Math.floor(retryAt), done });
  const log = failures
    .map((f, i) =>
      f
        ? formatDeferLogEntry({
            recipient: msg.recipients[i]!,
            offset: file.recipientOffsets[i]!,
            dsnOrigRcpt: `rfc822;${msg.recipients[i]}`,
            status: f.status,
            reason: f.reason,
          })
        : '',
    )
    .join('');
  appendLog(config, 'defer', file.id, log);
}

/**
 * The initial queue as a sequence of steps (one file each), so a caller can yield to the
 * event loop between them and stay responsive to signals while a large queue is written.
 */
export function* seedSteps(config: SpoolConfig, rnd: Random, total: number, now: number = Date.now() / 1000): Generator<void, SeedCounts> {
  const counts = seedCounts(total);
  const burstSender = pickBulkSender(rnd);
  for (let i = 0; i < counts.deferred; i++) {
    const bulk = rnd.chance(0.1) ? burstSender : null;
    yield writeDeferred(config, rnd, deferredMessage(rnd, now, bulk), now, 'deferred');
  }
  // What the admin already put on hold: mostly the burst.
  for (let i = 0; i < counts.hold; i++) {
    yield writeDeferred(config, rnd, deferredMessage(rnd, now, rnd.chance(0.7) ? burstSender : null), now, 'hold');
  }
  for (let i = 0; i < counts.incoming; i++) {
    const msg = composeMessage(rnd, { now: now - rnd.int(0, 5) });
    cleanupEnter(config, {
      ...remoteArrival(msg, msg.arrival.seconds),
      ...(msg.client ? { prefix: (id: string) => smtpReceived(msg, id), clientAttributes: smtpAttributes(msg, rnd.int(40000, 65000)) } : {}),
    });
    yield;
  }
  for (let i = 0; i < counts.maildrop; i++) {
    const msg = composeMessage(rnd, { now: now - rnd.int(0, 5) });
    postdropEnter(config, { arrival: msg.arrival, sender: msg.sender, fullName: msg.fullName ?? msg.sender.split('@')[0]!, recipients: msg.recipients, text: msg.text });
    yield;
  }
  for (let i = 0; i < counts.corrupt; i++) {
    const msg = composeMessage(rnd, { now: now - rnd.int(600, 86400) });
    cleanupEnter(config, remoteArrival(msg, msg.arrival.seconds), { queue: 'corrupt', damage: (bytes) => damageFile(bytes, rnd, i % 2 === 0 ? 'truncated' : 'bad-record-type') });
    yield;
  }
  return counts;
}

/** Write the whole initial queue at once. */
export function seedQueue(config: SpoolConfig, rnd: Random, total: number, now?: number): SeedCounts {
  const steps = seedSteps(config, rnd, total, now);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
