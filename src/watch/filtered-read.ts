/**
 * The reads of `postq list/count --filter EXPR`, the same on the main thread and in a read
 * worker: the filter arrives as its text (ListFilter, plain data that crosses to a worker) and
 * is compiled here by the store's pure compiler, with the spool's lifetimes and null sender.
 * Each file is opened once: a filter that rules out the file's queue skips it unopened; one
 * with header:/body: terms answers them on the bytes of that one read (content-bytes.ts) and,
 * when they already rule the message out (filter-decides.ts), skips the envelope and the defer
 * log; the rest is matched on the entry as read.
 *
 * Contract: read() returns what readEntryWithStats() returns when the filter matches the
 * entry, else null; it gives the set compileCliFilter() gives (a file not readable as a
 * regular file answers no content term). Throws for filter text that does not parse (the
 * caller checked it) and, like readEntryWithStats, SpoolAccessError on permission errors.
 */
import type { QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import type { ListFilter } from '../spool/list-format.js';
import { contentBytesEvaluator } from '../store/content-bytes.js';
import { filterDecider } from '../store/filter-decides.js';
import { compileFilter, isFilterError } from '../store/filter-match.js';
import { readEntryWithStats, type EntryRead } from './read-entry.js';

export type ReadListed = (queueName: QueueName, relPath: string, queueId: string, bulk?: boolean) => EntryRead | null;

export function filteredReader(config: SpoolConfig, filter: ListFilter | undefined): ReadListed {
  if (!filter) return (queueName, relPath, queueId, bulk) => readEntryWithStats(config, queueName, relPath, queueId, bulk);
  const decider = filterDecider(filter.text);
  // The answers of the file read last: an entry is matched right after its own read.
  let probed: string | null = null;
  let hits: readonly boolean[] = [];
  const options = { limits: config.limits, emptyAddress: config.emptyAddress, content: (e: { path: string }) => (e.path === probed ? hits : none) };
  const compiled = compileFilter(filter.text, options);
  if (isFilterError(compiled)) throw new Error(`filter does not parse: ${compiled.error.message}`);
  const evaluate = decider.readsContent ? contentBytesEvaluator(compiled.terms) : null;
  const none: readonly boolean[] = compiled.terms.map(() => false);
  return (queueName, relPath, queueId, bulk) => {
    if (!decider.inQueue(queueName)) return null;
    probed = null;
    const inMaildrop = relPath.startsWith('maildrop/');
    const read = evaluate
      ? readEntryWithStats(config, queueName, relPath, queueId, bulk, (file) => {
          probed = relPath;
          hits = evaluate({ ...file, inMaildrop });
          return decider.withContent(queueName, hits);
        })
      : readEntryWithStats(config, queueName, relPath, queueId, bulk);
    return read && compiled.match(read.entry, filter.nowMs) ? read : null;
  };
}

/** Whether the filter has header:/body: terms (the listing then drops most files after one read). */
export function filterReadsContent(filter: ListFilter | undefined): boolean {
  return filter !== undefined && filterDecider(filter.text).readsContent;
}
