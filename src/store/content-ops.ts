/**
 * The store's side of the header:/body: search (part of createConsoleStore): compiling a
 * filter with the content answers found so far, and taking in new answers from the searcher
 * (src/cli/content-feed.ts) with its progress. Answers for another filter's terms (a search
 * the user already replaced by typing) are dropped. Pure state transitions; never throw.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { ConsoleActions, ConsoleData, ConsoleState } from './console-state.js';
import { lookupIn, type ContentHit } from './content-terms.js';
import { compileFilter, type CompileResult } from './filter-match.js';

/** Compile filter text with this store's lifetimes and the content answers it holds. */
export function compileInStore(s: Pick<ConsoleData, 'limits' | 'emptyAddress' | 'hostRules' | 'contentHits'>, text: string, limits = s.limits, hosts = s.hostRules): CompileResult {
  const options = { limits, emptyAddress: s.emptyAddress, hosts };
  const plain = compileFilter(text, options);
  if ('error' in plain || plain.contentKey === '') return plain;
  return compileFilter(text, { ...options, content: lookupIn(s.contentHits, plain.contentKey) });
}

type ContentOps = Pick<ConsoleActions, 'applyContentHits'>;

export function createContentOps(set: StoreApi<ConsoleState>['setState'], get: StoreApi<ConsoleState>['getState']): ContentOps {
  return {
    applyContentHits(key, hits, progress, reset = false) {
      const s = get();
      if (key !== s.filter.contentKey) return;
      const merged = new Map<string, ContentHit>(reset ? [] : s.contentHits);
      for (const [id, hit] of hits) merged.set(id, hit);
      const filter = compileInStore({ ...s, contentHits: merged }, s.filter.text);
      if ('error' in filter) return;
      set({ contentHits: merged, contentSearch: progress, filter });
    },
  };
}
