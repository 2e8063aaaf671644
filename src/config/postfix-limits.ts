/**
 * Reading the rules Postfix applies to its queues (src/domain/postfix-limits.ts) from the same
 * single `postconf -h` call as the spool layout (spool-config.ts); a spool no configuration
 * describes (a bare --spool, the demo) gets Postfix's defaults, and `source` says so.
 *
 * Contract: parsePostfixTime() reads Postfix's time syntax (a number with an optional unit
 * s m h d w; a bare number takes the parameter's default unit). A value that does not parse
 * keeps the default and is named in `problems` (never thrown). Pure: no I/O here.
 */

import { DEFAULT_POSTFIX_LIMITS, type PostfixLimits } from '../domain/postfix-limits.js';

export { DEFAULT_POSTFIX_LIMITS, type PostfixLimits } from '../domain/postfix-limits.js';

/** The postconf parameters these limits come from, with each one's default time unit. */
export const LIMIT_PARAMS = [
  'qmgr_message_active_limit',
  'maximal_queue_lifetime',
  'bounce_queue_lifetime',
  'queue_run_delay',
  'minimal_backoff_time',
  'maximal_backoff_time',
] as const;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Postfix's time syntax (one number, one optional unit: `5d`, `300s`, `300`) -> seconds, or null. */
export function parsePostfixTime(value: string, defaultUnit: 's' | 'm' | 'h' | 'd' | 'w'): number | null {
  const m = /^\s*(\d+)\s*([smhdw]?)\s*$/i.exec(value);
  if (!m) return null;
  const unit = (m[2] || defaultUnit).toLowerCase();
  return Number(m[1]) * UNIT_SECONDS[unit]!;
}

/** Limits from postconf's answers (name -> value as printed); unparsable values keep the default. */
export function limitsFromPostconf(values: ReadonlyMap<string, string>): PostfixLimits {
  const problems: string[] = [];
  const d = DEFAULT_POSTFIX_LIMITS;
  const time = (name: string, unit: 's' | 'd', fallback: number) => {
    const raw = values.get(name) ?? '';
    const n = parsePostfixTime(raw, unit);
    if (n === null) problems.push(`${name} = ${raw}`);
    return n ?? fallback;
  };
  const rawLimit = values.get('qmgr_message_active_limit') ?? '';
  let activeLimit = d.activeLimit;
  if (/^\s*\d+\s*$/.test(rawLimit) && Number(rawLimit) > 0) activeLimit = Number(rawLimit);
  else problems.push(`qmgr_message_active_limit = ${rawLimit}`);
  return {
    activeLimit,
    // The lifetimes' default unit is days, the intervals' seconds (postconf(5)).
    maximalQueueLifetime: time('maximal_queue_lifetime', 'd', d.maximalQueueLifetime),
    bounceQueueLifetime: time('bounce_queue_lifetime', 'd', d.bounceQueueLifetime),
    queueRunDelay: time('queue_run_delay', 's', d.queueRunDelay),
    minimalBackoffTime: time('minimal_backoff_time', 's', d.minimalBackoffTime),
    maximalBackoffTime: time('maximal_backoff_time', 's', d.maximalBackoffTime),
    source: 'postconf',
    problems,
  };
}
