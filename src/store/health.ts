/**
 * The health of the queues by Postfix's own rules, for the header and `postq stats`:
 *
 * - active FULL: at qmgr_message_active_limit messages in active/, qmgr stops scanning
 *   incoming/ and deferred/, so nothing new is delivered until active drains;
 * - stuck in incoming: a file still 0600 (cleanup not finished) for longer than the threshold
 *   is a killed cleanup; qmgr ignores it for ever;
 * - pickup not draining: maildrop holds a message older than the threshold while master runs
 *   (pickup normally takes it within a second; it wakes at least every 60 s);
 * - Postfix not running: master's pid file names no live master (only checked for a spool a
 *   Postfix configuration manages; maildrop then fills and waits).
 *
 * The time-dependent checks (stuck, pickup) need a clock: computeTimedAlerts() runs on the
 * console's health timer, which stores its answer only when it changed (no frame otherwise).
 * selectHealth() adds the FULL check from the live counts, so FULL shows with the batch that
 * fills active. Pure; never throws.
 */
import { formatCount } from '../domain/count-format.js';
import type { PostfixLimits } from '../domain/postfix-limits.js';
import type { ConsoleData } from './console-state.js';
import type { SpoolFigures } from './queue-figures.js';
import type { QueueStatsMap } from './queue-stats.js';
import { memoSlot } from './selector-cache.js';
import { selectCounts } from './selectors.js';

export type HealthAlertKind = 'postfix-down' | 'active-full' | 'stuck-incoming' | 'pickup-stalled';

export interface HealthAlert {
  kind: HealthAlertKind;
  level: 'warn' | 'error';
  /** The condition and its consequence, in words. */
  text: string;
  /** A few words for narrow headers. */
  short: string;
}

/** What the health timer found out about master (null: not checked, e.g. a bare --spool). */
export interface PostfixRunState {
  running: boolean;
  detail: string;
}

export interface HealthThresholds {
  /** An incoming file still 0600 this long (seconds) is stuck; a maildrop message this old is not being picked up. */
  stuckSeconds: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = { stuckSeconds: 300 };

const count = formatCount;

function ageText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Stuck incoming files and an undrained maildrop, at `now` (epoch seconds). */
export function computeTimedAlerts(figures: SpoolFigures, stats: QueueStatsMap, now: number, thresholds: HealthThresholds, postfixRunning: boolean | null): HealthAlert[] {
  const alerts: HealthAlert[] = [];
  const limit = thresholds.stuckSeconds;
  const stuck = figures.incompleteFiles.filter((f) => f.queueName === 'incoming' && now - f.mtime >= limit);
  if (stuck.length > 0) {
    const oldest = Math.min(...stuck.map((f) => f.mtime));
    alerts.push({
      kind: 'stuck-incoming',
      level: 'warn',
      text: `${count(stuck.length)} stuck in incoming (0600 for ${ageText(now - oldest)}: a killed cleanup; qmgr ignores it)`,
      short: `${count(stuck.length)} stuck in incoming`,
    });
  }
  const drop = stats.maildrop;
  // Only where master is known to run: down, the postfix-down alert says maildrop waits; a
  // spool no Postfix runs on (a copy, the demo) has no pickup to blame.
  if (postfixRunning === true && drop.count > 0 && drop.oldestArrival !== null && now - drop.oldestArrival >= limit) {
    alerts.push({
      kind: 'pickup-stalled',
      level: 'warn',
      text: `pickup not draining: maildrop ${count(drop.count)}, oldest ${ageText(now - drop.oldestArrival)}`,
      short: 'pickup not draining',
    });
  }
  return alerts;
}

/** Every alert in force, most serious first (memoised on its inputs). */
export function selectHealth(state: ConsoleData): readonly HealthAlert[] {
  // The header's counts: while the initial index reads, the directory listings' counts.
  const counts = selectCounts(state);
  const active = counts.queues.active.count;
  const maildrop = counts.queues.maildrop.count;
  return memoSlot(state.cache, 'health', [active, maildrop, state.limits, state.postfix, state.timedAlerts], () => {
    const alerts: HealthAlert[] = [];
    if (state.postfix && !state.postfix.running) {
      const waits = maildrop > 0 ? `; maildrop ${count(maildrop)} waits for pickup` : '';
      alerts.push({ kind: 'postfix-down', level: 'error', text: `Postfix not running (${state.postfix.detail})${waits}`, short: 'Postfix not running' });
    }
    if (isActiveFull(active, state.limits)) {
      alerts.push({
        kind: 'active-full',
        level: 'error',
        // A bare --spool has no main.cf to ask: say the limit is Postfix's default, which this
        // server may not use (the issue: "a bare --spool uses the defaults and says so").
        text: `active FULL ${count(active)}/${count(state.limits.activeLimit)}: qmgr takes nothing from incoming or deferred${state.limits.source === 'defaults' ? " (Postfix's default limit: no main.cf read; -c DIR reads it)" : ''}`,
        short: 'active FULL',
      });
    }
    alerts.push(...state.timedAlerts);
    return alerts;
  });
}

export function isActiveFull(active: number, limits: PostfixLimits): boolean {
  return active >= limits.activeLimit;
}

/** Same alerts (by content): the timer stores a new list only when this is false. */
export function sameAlerts(a: readonly HealthAlert[], b: readonly HealthAlert[]): boolean {
  return a.length === b.length && a.every((x, i) => x.kind === b[i]!.kind && x.text === b[i]!.text);
}
