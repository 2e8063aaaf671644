/**
 * Thresholds: the levels at which a queue's message count or oldest age turns amber
 * (warning) or red (critical) in the header, the monitor view and `postq stats`. Given per
 * queue, or for the whole spool (`total`); ages in seconds. A value at or past a level is in
 * it; a level not given is never reached. Types and the one comparison; no I/O.
 */
import type { QueueName } from './queue.js';

export type Level = 'ok' | 'warning' | 'critical';

export interface LevelPair {
  warning: number | null;
  critical: number | null;
}

export interface QueueThreshold {
  count?: LevelPair;
  /** Seconds. */
  age?: LevelPair;
}

export type ThresholdScope = QueueName | 'total';
export type Thresholds = Readonly<Partial<Record<ThresholdScope, QueueThreshold>>>;

export const NO_THRESHOLDS: Thresholds = {};

const RANK: Record<Level, number> = { ok: 0, warning: 1, critical: 2 };

/** The level `value` is at for `pair` (null value or pair: ok). */
export function levelOf(value: number | null, pair: LevelPair | undefined): Level {
  if (value === null || !pair) return 'ok';
  if (pair.critical !== null && value >= pair.critical) return 'critical';
  if (pair.warning !== null && value >= pair.warning) return 'warning';
  return 'ok';
}

/**
 * One message's age level (the list's AGE cell): against its queue's age levels, else the
 * whole spool's (`total`), which then reads as "any message this old".
 */
export function messageAgeLevel(thresholds: Thresholds, queueName: QueueName, ageSeconds: number): Level {
  return levelOf(ageSeconds, thresholds[queueName]?.age ?? thresholds.total?.age);
}

export function worstLevel(...levels: Level[]): Level {
  return levels.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok' as Level);
}

/** 0 ok, 1 warning, 2 critical (the Prometheus gauge's value). */
export const levelNumber = (level: Level): number => RANK[level];
