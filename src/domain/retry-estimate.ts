/**
 * When a message expires, and how many delivery attempts it has had, from what the spool
 * keeps: create_time (else the arrival time), the file's mtime (a deferred file's next retry,
 * set by qmgr to now + clamp(now - create_time, minimal_backoff_time, maximal_backoff_time)),
 * and the lifetimes. Pure.
 *
 * Attempts are an ESTIMATE: Postfix keeps no count, and qmgr deletes the defer log each time
 * it activates a message, so the log holds only the last attempt's reasons. The estimate
 * inverts qmgr's backoff from the next retry time to the time of the last attempt, and
 * counts the attempts an on-time schedule (first at create_time, each retry when due) makes
 * up to then. Retries wait for the next deferred-queue scan, so real counts can be lower.
 */
import type { QueueEntry } from './entry.js';
import { lifetimeFor, type PostfixLimits } from './postfix-limits.js';

type Timed = Pick<QueueEntry, 'arrivalTime' | 'createTime' | 'mtime' | 'recipients' | 'forcedExpire'>;

/** Expiry counts from create_time (postsuper -r renews it), else the arrival time. */
export function expiryBase(entry: Pick<QueueEntry, 'arrivalTime' | 'createTime'>): number {
  return entry.createTime && entry.createTime > 0 ? entry.createTime : entry.arrivalTime;
}

/**
 * Seconds until qmgr would bounce it as expired at the end of an attempt (negative: overdue;
 * 0 for a forced expiry). `nullSender`: bounce_queue_lifetime applies.
 */
export function secondsToExpiry(entry: Timed, nowSec: number, limits: PostfixLimits, nullSender: boolean): number {
  if (entry.forcedExpire) return 0;
  return expiryBase(entry) + lifetimeFor(limits, nullSender) - nowSec;
}

/** Estimated delivery attempts so far: 0 without a logged delay reason (none yet, or active now). */
export function estimateAttempts(entry: Timed, limits: Pick<PostfixLimits, 'minimalBackoffTime' | 'maximalBackoffTime'>): number {
  if (!entry.recipients.some((r) => r.delayReason !== '')) return 0;
  const min = Math.max(1, limits.minimalBackoffTime);
  const max = Math.max(min, limits.maximalBackoffTime);
  const base = expiryBase(entry);
  // next retry - create = x + clamp(x), where x = last attempt - create: invert it.
  const d = entry.mtime - base;
  const x = d <= 2 * min ? d - min : d <= 2 * max ? d / 2 : d - max;
  let attempts = 1;
  // On time: the k-th retry comes clamp(elapsed) after the one before.
  for (let t = 0; attempts < 100_000; attempts++) {
    t += Math.min(max, Math.max(min, t));
    if (t > x + 1) break;
  }
  return attempts;
}
