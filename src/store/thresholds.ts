/**
 * Each queue's level (store of figures + the configured thresholds, domain/thresholds.ts):
 * its count and its oldest message's age against the warning and critical levels, and the
 * same for the whole spool (`total`). For the header and the monitor view (selectLevels, from
 * the live stats and the store's clock) and `postq stats` (evaluateThresholds on its figures).
 * Pure; never throws.
 */
import { QUEUE_NAMES } from '../domain/queue.js';
import { levelOf, worstLevel, type Level, type Thresholds, type ThresholdScope } from '../domain/thresholds.js';
import type { ConsoleData } from './console-state.js';
import { memoSlot } from './selector-cache.js';
import { selectCounts } from './selectors.js';

export interface ScopeLevel {
  /** The worse of count and age. */
  level: Level;
  count: Level;
  age: Level;
  /** The oldest message's age, seconds (null when empty). */
  ageSeconds: number | null;
}

export type ThresholdLevels = Readonly<Record<ThresholdScope, ScopeLevel>>;

export interface ScopeFigures {
  count: number;
  /** Epoch seconds, null when empty. */
  oldestArrival: number | null;
}

const SCOPES: readonly ThresholdScope[] = [...QUEUE_NAMES, 'total'];

export function evaluateThresholds(figures: Readonly<Record<ThresholdScope, ScopeFigures>>, thresholds: Thresholds, now: number): ThresholdLevels {
  const out = {} as Record<ThresholdScope, ScopeLevel>;
  for (const scope of SCOPES) {
    const f = figures[scope];
    const t = thresholds[scope];
    const ageSeconds = f.oldestArrival === null ? null : Math.max(0, now - f.oldestArrival);
    const count = levelOf(f.count, t?.count);
    const age = levelOf(ageSeconds, t?.age);
    out[scope] = { level: worstLevel(count, age), count, age, ageSeconds };
  }
  return out;
}

/** The worst level over every scope. */
export function overallLevel(levels: ThresholdLevels): Level {
  return worstLevel(...SCOPES.map((s) => levels[s].level));
}

/** The live levels (memoised on the stats, the thresholds and the clock). */
export function selectLevels(state: ConsoleData): ThresholdLevels {
  const counts = selectCounts(state);
  return memoSlot(state.cache, 'levels', [counts, state.thresholds, state.clock], () => {
    const figures = Object.fromEntries(SCOPES.map((s) => {
      const c = s === 'total' ? counts.total : counts.queues[s];
      return [s, { count: c.count, oldestArrival: c.oldestArrival }];
    })) as Record<ThresholdScope, ScopeFigures>;
    return evaluateThresholds(figures, state.thresholds, state.clock / 1000);
  });
}
