/**
 * `--filter EXPR` for every command that takes it (list, count, top, the actions): the
 * console's filter language, with the lifetimes and null-sender name of the spool's
 * configuration. A filter that does not parse is a usage error that points at the spot.
 */
import { UsageError } from '../domain/errors.js';
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { compileFilter, isFilterError, type CompiledFilter } from '../store/filter-match.js';
import { printable } from '../spool/printable.js';

export function compileCliFilter(config: SpoolConfig, text: string): CompiledFilter {
  const filter = compileFilter(text, { limits: config.limits, emptyAddress: config.emptyAddress });
  if (isFilterError(filter)) {
    const caret = ' '.repeat(filter.error.position) + '^';
    throw new UsageError(`--filter: ${filter.error.message}\n  ${printable(text)}\n  ${caret}`);
  }
  return filter;
}

/** The entries the filter (if any) matches, now. */
export function applyCliFilter(config: SpoolConfig, entries: QueueEntry[], text: string | null | undefined, nowMs = Date.now()): QueueEntry[] {
  if (text === null || text === undefined) return entries;
  const filter = compileCliFilter(config, text);
  return entries.filter((e) => filter.match(e, nowMs));
}
