/**
 * What a filter's answer is from some of its terms alone, before the message is read: with the
 * queue a file lies in, or with the answers to its header:/body: terms, a filter may already be
 * false whatever the rest of the message says (`body:x age>1d` is false for a body without x).
 * The command line's reads (src/watch/filtered-read.ts) ask this to skip a file after one
 * bounded read, without parsing its envelope or reading its defer log.
 *
 * Contract: pure, never throws. Three-valued (Kleene): a term not known is unknown, `!`
 * keeps it unknown, an `and` with a false item is false, an `or` with a true item is true.
 * `false` only when no message with these known answers can match: skipping on it never
 * changes what the filter selects.
 */
import type { QueueName } from '../domain/queue.js';
import { isContentTerm } from './content-terms.js';
import { parseFilter, type FilterExpr, type FilterTerm } from './filter-parse.js';

type Known = (term: FilterTerm) => boolean | null;

function decide(expr: FilterExpr, known: Known): boolean | null {
  switch (expr.kind) {
    case 'term': {
      const v = known(expr.term);
      return v === null ? null : v !== expr.term.negate;
    }
    case 'not': {
      const v = decide(expr.expr, known);
      return v === null ? null : !v;
    }
    case 'and': {
      let all = true;
      for (const item of expr.items) {
        const v = decide(item, known);
        if (v === false) return false;
        if (v === null) all = false;
      }
      return all ? true : null;
    }
    case 'or': {
      let none = true;
      for (const item of expr.items) {
        const v = decide(item, known);
        if (v === true) return true;
        if (v === null) none = false;
      }
      return none ? false : null;
    }
  }
}

export interface FilterDecider {
  /** False when no message in this queue can match. */
  inQueue(queueName: QueueName): boolean;
  /** False when no message in this queue with these content answers (content-terms.ts order) can match. */
  withContent(queueName: QueueName, hits: readonly boolean[]): boolean;
  /** The filter has header:/body: terms. */
  readonly readsContent: boolean;
}

/** For filter text that parses (the caller compiled it already); one that does not decides nothing. */
export function filterDecider(text: string): FilterDecider {
  const parsed = text.trim() === '' ? null : parseFilter(text);
  if (!parsed?.ok) return { inQueue: () => true, withContent: () => true, readsContent: false };
  const { expr, terms } = parsed;
  const contentIndex = new Map(terms.filter(isContentTerm).map((t, i) => [t, i]));
  const queueKnown = (queueName: QueueName): Known => (t) => (t.kind === 'queue' ? t.queueName === queueName : null);
  return {
    inQueue: (queueName) => decide(expr, queueKnown(queueName)) !== false,
    withContent(queueName, hits) {
      const inQueue = queueKnown(queueName);
      return decide(expr, (t) => (contentIndex.has(t) ? hits[contentIndex.get(t)!]! : inQueue(t))) !== false;
    },
    readsContent: contentIndex.size > 0,
  };
}
