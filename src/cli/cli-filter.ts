/**
 * `--filter EXPR` for every command that takes it (list, count, top, the actions): the
 * console's filter language, with the lifetimes and null-sender name of the spool's
 * configuration. A filter that does not parse is a usage error that points at the spot.
 * header:/body: terms read each message's content when the rest of the filter cannot decide
 * without it (src/watch/content-read.ts, bounded reads); a message that cannot be read then
 * matches none of them.
 */
import { UsageError } from '../domain/errors.js';
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { compileFilter, isFilterError, type CompiledFilter } from '../store/filter-match.js';
import { printable } from '../spool/printable.js';
import { contentBytesEvaluator } from '../store/content-bytes.js';
import { searchMessageFile } from '../watch/content-read.js';

export function compileCliFilter(config: SpoolConfig, text: string): CompiledFilter {
  const options = { limits: config.limits, emptyAddress: config.emptyAddress };
  const filter = compileFilter(text, options);
  if (isFilterError(filter)) {
    const caret = ' '.repeat(filter.error.position) + '^';
    throw new UsageError(`--filter: ${filter.error.message}\n  ${printable(text)}\n  ${caret}`);
  }
  if (filter.contentKey === '') return filter;
  // On the command line the content is read on demand, synchronously, once per message, and
  // answered on its bytes (content-bytes.ts). list and count do better still: one read per
  // file in the read workers (src/watch/filtered-read.ts); this serves top and the actions.
  const evaluate = contentBytesEvaluator(filter.terms);
  // One answer kept (a match asks twice for the same message), not one per message: list
  // streams and must not hold what it printed.
  let last: { entry: QueueEntry; hits: readonly boolean[] } | null = null;
  const none = filter.terms.map(() => false);
  const content = (entry: QueueEntry) => {
    if (last?.entry !== entry) {
      const hits = entry.host === undefined ? searchMessageFile(config, entry, evaluate) : null;
      last = { entry, hits: hits ?? none };
    }
    return last.hits;
  };
  return compileFilter(text, { ...options, content }) as CompiledFilter;
}

/** The entries the filter (if any) matches, now. */
export function applyCliFilter(config: SpoolConfig, entries: QueueEntry[], text: string | null | undefined, nowMs = Date.now()): QueueEntry[] {
  if (text === null || text === undefined) return entries;
  const filter = compileCliFilter(config, text);
  return entries.filter((e) => filter.match(e, nowMs));
}
