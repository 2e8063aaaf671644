/**
 * The rules Postfix applies to its queues, as numbers (postconf(5)): the active queue's limit,
 * the two queue lifetimes, the deferred queue's scan interval and the retry backoffs, with
 * Postfix's defaults. Pure types and values; src/config/postfix-limits.ts reads them from
 * postconf.
 */

export interface PostfixLimits {
  /** qmgr_message_active_limit: at this many messages in active/, qmgr stops scanning incoming and deferred. */
  activeLimit: number;
  /** maximal_queue_lifetime, seconds: a deferred message older than this bounces. */
  maximalQueueLifetime: number;
  /** bounce_queue_lifetime, seconds: the same for mail from the null sender (bounces). */
  bounceQueueLifetime: number;
  /** queue_run_delay, seconds: how often qmgr scans deferred/. */
  queueRunDelay: number;
  /** minimal_backoff_time / maximal_backoff_time, seconds: the retry interval's bounds. */
  minimalBackoffTime: number;
  maximalBackoffTime: number;
  /** 'postconf': read from the configuration; 'defaults': Postfix's defaults (no configuration). */
  source: 'postconf' | 'defaults';
  /** Parameters whose value did not parse (the default was used), as `name = value`. */
  problems: readonly string[];
}

/** Postfix 3.x defaults (postconf -d). */
export const DEFAULT_POSTFIX_LIMITS: PostfixLimits = Object.freeze({
  activeLimit: 20_000,
  maximalQueueLifetime: 5 * 86_400,
  bounceQueueLifetime: 5 * 86_400,
  queueRunDelay: 300,
  minimalBackoffTime: 300,
  maximalBackoffTime: 4000,
  source: 'defaults',
  problems: Object.freeze([]) as readonly string[],
});

/** The lifetime that applies to a message: bounce_queue_lifetime for the null sender. */
export function lifetimeFor(limits: PostfixLimits, nullSender: boolean): number {
  return nullSender ? limits.bounceQueueLifetime : limits.maximalQueueLifetime;
}

/** The rules one host's Postfix applies that the console reads per message: its limits and the null sender's name. */
export interface HostRules {
  limits: PostfixLimits;
  emptyAddress: string;
}

/**
 * The rules for an entry: in the merged fleet view (entries carry `host`) that host's, as its
 * hello said, else `fallback` (the console's own). Each host has its own main.cf: one host's
 * maximal_queue_lifetime of 1d must not read as 5d because another host has the default.
 */
export function rulesFor(entry: { host?: string }, fallback: HostRules, hosts: ReadonlyMap<string, HostRules> | undefined): HostRules {
  return (hosts && entry.host !== undefined && hosts.get(entry.host)) || fallback;
}

/** One line for humans: where the limits come from. */
export function describeLimitsSource(limits: PostfixLimits): string {
  return limits.source === 'postconf' ? 'limits from postconf' : 'no Postfix configuration: Postfix default limits';
}
