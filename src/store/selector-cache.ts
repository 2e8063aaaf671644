/**
 * Memo storage for the selectors, one per store (kept in state.cache, whose identity never
 * changes). Each slot remembers the inputs it was computed from, compared by identity. It is
 * the one mutable object in the store, and nothing outside selectors.ts reads or writes it.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { CompiledFilter } from './filter-match.js';
import type { GroupIndex } from './group-index.js';
import type { SortKey, SortRow } from './sort.js';

export interface VisibleSlot {
  entries: ReadonlyMap<string, QueueEntry>;
  queueFilter: string;
  filter: CompiledFilter;
  sortKey: SortKey;
  sortReverse: boolean;
  /** The clock used, only when the filter reads it; else 0. */
  clock: number;
  /** The sorted rows with their keys (for merges) and their ids (for everything else). */
  rows: readonly SortRow[];
  /** rows' ids, derived on first use. */
  ids: readonly string[] | null;
  /** id -> index, built on first use. */
  index: Map<string, number> | null;
}

/** Every message sorted (no queue view, no filter): views are filtered from it, unsorted. */
export interface MasterSlot {
  entries: ReadonlyMap<string, QueueEntry>;
  sortKey: SortKey;
  sortReverse: boolean;
  rows: readonly SortRow[];
}

export interface SelectorCache {
  master: MasterSlot | null;
  visible: VisibleSlot | null;
  /** A few recent windows (different heights from different components). */
  windows: Array<{ key: readonly unknown[]; value: unknown }>;
  slots: Map<string, { key: readonly unknown[]; value: unknown }>;
  /** The groupings the views asked for (groupings.ts), most recent first; batches feed them. */
  groupIndexes: Array<{ name: string; index: GroupIndex }>;
  /** How the sorted lists were computed (tests and bench): full sorts, merges, filterings. */
  stats: { fullSorts: number; merges: number; filters: number };
}

export function createSelectorCache(): SelectorCache {
  return { master: null, visible: null, windows: [], slots: new Map(), groupIndexes: [], stats: { fullSorts: 0, merges: 0, filters: 0 } };
}

function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A single-slot memo by name: recompute only when some input changed identity. */
export function memoSlot<T>(cache: SelectorCache, name: string, key: readonly unknown[], compute: () => T): T {
  const slot = cache.slots.get(name);
  if (slot && sameKey(slot.key, key)) return slot.value as T;
  const value = compute();
  cache.slots.set(name, { key, value });
  return value;
}

/** A small LRU memo (for windows of different heights). */
export function memoLru<T>(list: Array<{ key: readonly unknown[]; value: unknown }>, size: number, key: readonly unknown[], compute: () => T): T {
  const i = list.findIndex((s) => sameKey(s.key, key));
  if (i >= 0) {
    const [hit] = list.splice(i, 1);
    list.unshift(hit!);
    return hit!.value as T;
  }
  const value = compute();
  list.unshift({ key, value });
  if (list.length > size) list.pop();
  return value;
}
