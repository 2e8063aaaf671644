/**
 * The filter terms that need a message's content (`header:NAME:V`, `body:V`), and their
 * answers. Reading content means reading the whole file, which the store never does: a
 * searcher outside (src/cli/content-feed.ts in the console, cli-filter.ts on the command line)
 * reads each file once, evaluates the content terms here, and hands back one ContentHit per
 * message. The compiled filter looks them up; a message not searched yet matches no filter
 * with content terms, so the list fills in as the search goes.
 *
 * Contract: pure, never throws. A hit is valid for one message file (its signature: inode,
 * size and arrival; Postfix never rewrites content in place, so a file that changes is one
 * still being written, or another message under a reused id) and for one set of terms (the key).
 */
import type { QueueEntry } from '../domain/entry.js';
import type { MessageContent } from '../spool/message-content.js';
import type { FilterTerm } from './filter-parse.js';

export type TextTest = (text: string) => boolean;

/** How a text or regex term tests one string: case-insensitive substring, or the RE2 pattern. */
export function termTest(term: FilterTerm): TextTest {
  if (term.kind === 'regex') return (s) => term.regex.test(s);
  if (term.kind !== 'text') return () => false;
  // A case-insensitive regex searches without lower-casing (allocating) every field. Not for
  // a very long word: V8 compiles a 20k-character literal into a stack overflow.
  if (term.value.length <= 256) {
    const re = new RegExp(term.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu');
    return (s) => re.test(s);
  }
  const needle = term.value.toLowerCase();
  return (s) => s.length >= needle.length && s.toLowerCase().includes(needle);
}

export function isContentTerm(term: FilterTerm): boolean {
  return (term.kind === 'text' || term.kind === 'regex') && (term.field === 'body' || term.field === 'header');
}

/** One message's answers: hits[i] for the i-th content term of the filter whose key it was made for. */
export interface ContentHit {
  key: string;
  sig: string;
  hits: readonly boolean[];
}

export type ContentHits = ReadonlyMap<string, ContentHit>;

/** What the answers depend on: the content terms, in order ('' when there are none). */
export function contentKeyOf(terms: readonly FilterTerm[]): string {
  const keyOf = (t: FilterTerm) => (t.kind === 'regex' ? `${t.field}:${t.header ?? ''}:/${t.regex.source}/` : t.kind === 'text' ? `${t.field}:${t.header ?? ''}:${t.value}` : '');
  return terms.filter(isContentTerm).map(keyOf).join('\u0000');
}

export function contentSig(entry: QueueEntry): string {
  return `${entry.inode ?? ''}:${entry.fileSize}:${entry.arrivalTime}`;
}

/** The content terms (in order) as one evaluator of a message's content; negation is the filter's job. */
export function contentEvaluator(terms: readonly FilterTerm[]): (content: MessageContent) => boolean[] {
  const tests = terms.filter(isContentTerm).map((term) => {
    const test = termTest(term);
    const body = term.kind !== 'queue' && 'field' in term && term.field === 'body';
    return body ? (c: MessageContent) => test(c.body) : (c: MessageContent) => c.headers.some((h) => h.name === term.header && test(h.value));
  });
  return (content) => tests.map((t) => t(content));
}

/** The lookup a compiled filter calls: the hits for this message, if searched for these terms. */
export function lookupIn(hits: ContentHits, key: string): (entry: QueueEntry) => readonly boolean[] | undefined {
  return (entry) => {
    const hit = hits.get(entry.queueId);
    return hit && hit.key === key && hit.sig === contentSig(entry) ? hit.hits : undefined;
  };
}
