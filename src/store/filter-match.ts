/**
 * Compile filter text (filter-parse.ts) into a predicate over QueueEntry. Used by the store
 * (`/` in the console) and by the CLI's `--filter EXPR`:
 *
 *   const f = compileFilter('from:shop.example !reason:/refused/ age>2h');
 *   if ('error' in f) report(f.error.position, f.error.message);
 *   else entries.filter((e) => f.match(e, Date.now()));
 *
 * Contract: pure, never throws. Matching is case-insensitive; words are substrings; regexes
 * are searched (not anchored) with the `i` flag; `!` negates one term; terms are ANDed.
 * `nowMs` is epoch milliseconds (Date.now()); entry times are epoch seconds. Entries are
 * read as they are (raw text): sanitise with printable() only when showing them.
 */
import { messageOrigin, type QueueEntry } from '../domain/entry.js';
import { cidrContains } from '../domain/ip-address.js';
import { parseFilter, type FilterParseError, type FilterTerm, type MatchField } from './filter-parse.js';

export interface CompiledFilter {
  /** The text it was compiled from (trimmed). */
  readonly text: string;
  readonly terms: readonly FilterTerm[];
  /** True when no terms: matches everything. */
  readonly empty: boolean;
  /** True when the result depends on the clock (an age term). */
  readonly usesNow: boolean;
  match(entry: QueueEntry, nowMs: number): boolean;
}

export type CompileResult = CompiledFilter | { error: FilterParseError };

export function isFilterError(result: CompileResult): result is { error: FilterParseError } {
  return 'error' in result;
}

/** The domain of an address: after the last @, lower-cased, dots trimmed (like qshape). */
export function addressDomain(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return '';
  let domain = address.slice(at + 1).toLowerCase();
  if (domain.startsWith('.') || domain.endsWith('.')) domain = domain.replace(/^\.+|\.+$/g, '');
  return domain;
}

type Test = (text: string) => boolean;

/** Call test on each string of the field; true when any passes. */
function anyOf(entry: QueueEntry, field: MatchField, test: Test): boolean {
  switch (field) {
    case 'from':
      return test(entry.sender);
    case 'to':
      return entry.recipients.some((r) => test(r.address));
    case 'reason':
      return entry.recipients.some((r) => r.delayReason !== '' && test(r.delayReason));
    case 'subject':
      return entry.subject !== null && test(entry.subject);
    case 'id':
      return test(entry.queueId);
    case 'client': {
      const c = entry.client;
      return !!c && ((c.clientName !== null && test(c.clientName)) || (c.clientAddress !== null && test(c.clientAddress)));
    }
    case 'helo':
      return !!entry.client && entry.client.heloName !== null && test(entry.client.heloName);
    case 'sasl':
      return !!entry.client && entry.client.saslUsername !== null && test(entry.client.saslUsername);
    case 'proto':
      return !!entry.client && entry.client.protocolName !== null && test(entry.client.protocolName);
    case 'domain':
      return test(addressDomain(entry.sender)) || entry.recipients.some((r) => test(addressDomain(r.address)));
    case 'any':
      return (
        test(entry.sender) ||
        test(entry.queueId) ||
        (entry.subject !== null && test(entry.subject)) ||
        entry.recipients.some((r) => test(r.address) || (r.delayReason !== '' && test(r.delayReason)))
      );
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type Predicate = (entry: QueueEntry, nowSec: number) => boolean;

function compileTerm(term: FilterTerm): Predicate {
  switch (term.kind) {
    case 'text': {
      // A case-insensitive regex searches without lower-casing (allocating) every field.
      const re = new RegExp(escapeRegExp(term.value), 'iu');
      const test: Test = (s) => re.test(s);
      return (e) => anyOf(e, term.field, test);
    }
    case 'regex': {
      const re = term.regex;
      const test: Test = (s) => re.test(s);
      return (e) => anyOf(e, term.field, test);
    }
    case 'queue':
      return (e) => e.queueName === term.queueName;
    case 'cidr':
      return (e) => !!e.client && e.client.clientAddress !== null && cidrContains(term.block, e.client.clientAddress);
    case 'origin':
      return (e) => messageOrigin(e) === term.origin;
    case 'compare': {
      const { op, value } = term;
      const cmp = (x: number) => (op === '>' ? x > value : op === '<' ? x < value : op === '>=' ? x >= value : x <= value);
      return term.field === 'size' ? (e) => cmp(e.messageSize) : (e, nowSec) => cmp(nowSec - e.arrivalTime);
    }
  }
}

function buildFilter(text: string, terms: FilterTerm[]): CompiledFilter {
  const predicates = terms.map((term) => {
    const p = compileTerm(term);
    return term.negate ? (e: QueueEntry, now: number) => !p(e, now) : p;
  });
  return {
    text,
    terms,
    empty: terms.length === 0,
    usesNow: terms.some((t) => t.kind === 'compare' && t.field === 'age'),
    match(entry, nowMs) {
      const nowSec = nowMs / 1000;
      for (const p of predicates) if (!p(entry, nowSec)) return false;
      return true;
    },
  };
}

/** The filter that matches everything (empty text). */
export const MATCH_ALL: CompiledFilter = buildFilter('', []);

/** Compile filter text; a parse problem comes back as { error: { position, message } }. */
export function compileFilter(text: string): CompileResult {
  const trimmed = text.trim();
  if (trimmed === '') return MATCH_ALL;
  const parsed = parseFilter(text);
  if (!parsed.ok) return { error: parsed.error };
  return buildFilter(trimmed, parsed.terms);
}
