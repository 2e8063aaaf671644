/**
 * Compile filter text (filter-parse.ts) into a predicate over QueueEntry. Used by the store
 * (`/` in the console) and by the CLI's `--filter EXPR`:
 *
 *   const f = compileFilter('from:shop.example !reason:/refused/ age>2h');
 *   if ('error' in f) report(f.error.position, f.error.message);
 *   else entries.filter((e) => f.match(e, Date.now()));
 *
 * Contract: pure, never throws. Matching is case-insensitive; words are substrings; regexes
 * are searched (not anchored) with the `i` flag; `!` negates a term or group; terms are ANDed
 * unless `or` joins them. expires< and attempts> read the lifetimes and backoffs in `options`
 * (Postfix's defaults when absent).
 * `nowMs` is epoch milliseconds (Date.now()); entry times are epoch seconds. Entries are
 * read as they are (raw text): sanitise with printable() only when showing them.
 */
import { messageOrigin, type QueueEntry } from '../domain/entry.js';
import { cidrContains } from '../domain/ip-address.js';
import { clusterReason, describeCluster } from '../domain/reason-cluster.js';
import { DEFAULT_POSTFIX_LIMITS, rulesFor, type HostRules, type PostfixLimits } from '../domain/postfix-limits.js';
import { estimateAttempts, secondsToExpiry } from '../domain/retry-estimate.js';
import { parseFilter, type FilterExpr, type FilterParseError, type FilterTerm, type MatchField } from './filter-parse.js';
import { contentKeyOf, isContentTerm, termTest } from './content-terms.js';

export interface CompiledFilter {
  /** The text it was compiled from (trimmed). */
  readonly text: string;
  readonly terms: readonly FilterTerm[];
  /** True when no terms: matches everything. */
  readonly empty: boolean;
  /** True when the result depends on the clock (an age term). */
  readonly usesNow: boolean;
  /** The header:/body: terms' key (content-terms.ts); '' when the filter reads no content. */
  readonly contentKey: string;
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
    case 'why':
      return entry.recipients.some((r) => r.delayReason !== '' && test(clusterText(r.delayReason)));
    case 'host':
      return entry.host !== undefined && test(entry.host);
    case 'body':
    case 'header':
      return false; // content: answered through FilterOptions.content (compileTerm)
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

/** What why: searches: the cluster's description and its #id. */
const clusterTexts = new Map<string, string>();
function clusterText(reason: string): string {
  let text = clusterTexts.get(reason);
  if (text === undefined) {
    const c = clusterReason(reason);
    text = `${describeCluster(c)} #${c.id}`;
    if (clusterTexts.size > 50_000) clusterTexts.clear();
    clusterTexts.set(reason, text);
  }
  return text;
}

type Predicate = (entry: QueueEntry, nowSec: number) => boolean;

/** What the clock-free facts of a filter need from the configuration. */
export interface FilterOptions {
  /** Lifetimes (expires<) and backoffs (attempts>): postconf's, else Postfix's defaults. */
  limits?: PostfixLimits;
  /** empty_address_recipient: the sender name of null-sender mail (bounce_queue_lifetime applies). */
  emptyAddress?: string;
  /** The merged fleet view: each target's own limits and null sender, by entry.host. */
  hosts?: ReadonlyMap<string, HostRules>;
  /**
   * The answers to the header:/body: terms for a message (one per content term, in order),
   * or undefined while it is not searched; absent: no message is searched (none matches).
   */
  content?: (entry: QueueEntry) => readonly boolean[] | undefined;
}

type Compiling = Required<Omit<FilterOptions, 'content' | 'hosts'>> & Pick<FilterOptions, 'content' | 'hosts'> & { contentIndex: Map<FilterTerm, number> };

function compileTerm(term: FilterTerm, options: Compiling): Predicate {
  switch (term.kind) {
    case 'text':
    case 'regex': {
      if (isContentTerm(term)) {
        const i = options.contentIndex.get(term)!;
        const lookup = options.content;
        return (e) => lookup?.(e)?.[i] ?? false;
      }
      const test = termTest(term);
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
      const cmp = (x: number) => (op === '>' ? x > value : op === '<' ? x < value : op === '>=' ? x >= value : op === '<=' ? x <= value : x === value);
      const own = { limits: options.limits, emptyAddress: options.emptyAddress };
      const rules = (e: QueueEntry) => rulesFor(e, own, options.hosts);
      switch (term.field) {
        case 'size':
          return (e) => cmp(e.messageSize);
        case 'age':
          return (e, nowSec) => cmp(nowSec - e.arrivalTime);
        case 'rcpt-count':
          return (e) => cmp(e.recipients.length);
        case 'attempts':
          return (e) => cmp(estimateAttempts(e, rules(e).limits));
        case 'expires':
          return (e, nowSec) => {
            const r = rules(e);
            return cmp(secondsToExpiry(e, nowSec, r.limits, e.sender === r.emptyAddress));
          };
      }
    }
  }
}

function compileExpr(expr: FilterExpr, options: Compiling): Predicate {
  switch (expr.kind) {
    case 'term': {
      const p = compileTerm(expr.term, options);
      return expr.term.negate ? (e, now) => !p(e, now) : p;
    }
    case 'not': {
      const p = compileExpr(expr.expr, options);
      return (e, now) => !p(e, now);
    }
    case 'and': {
      const ps = expr.items.map((x) => compileExpr(x, options));
      return (e, now) => {
        for (const p of ps) if (!p(e, now)) return false;
        return true;
      };
    }
    case 'or': {
      const ps = expr.items.map((x) => compileExpr(x, options));
      return (e, now) => {
        for (const p of ps) if (p(e, now)) return true;
        return false;
      };
    }
  }
}

function buildFilter(text: string, terms: FilterTerm[], expr: FilterExpr, options: FilterOptions): CompiledFilter {
  const contentIndex = new Map(terms.filter(isContentTerm).map((t, i) => [t, i]));
  const predicate = compileExpr(expr, {
    limits: options.limits ?? DEFAULT_POSTFIX_LIMITS,
    emptyAddress: options.emptyAddress ?? 'MAILER-DAEMON',
    content: options.content,
    hosts: options.hosts,
    contentIndex,
  });
  const lookup = options.content;
  // A message not searched yet matches no filter that reads content (not even `!body:x`).
  // Asked after the predicate: terms before a content term (queue:hold body:x) decide first,
  // so the command line reads only the files they leave.
  const searched = contentIndex.size === 0 ? null : (e: QueueEntry) => lookup?.(e) !== undefined;
  return {
    text,
    terms,
    empty: terms.length === 0,
    usesNow: terms.some((t) => t.kind === 'compare' && (t.field === 'age' || t.field === 'expires')),
    contentKey: contentKeyOf(terms),
    match(entry, nowMs) {
      return predicate(entry, nowMs / 1000) && (searched === null || searched(entry));
    },
  };
}

/** The filter that matches everything (empty text). */
export const MATCH_ALL: CompiledFilter = buildFilter('', [], { kind: 'and', items: [] }, {});

/** Compile filter text; a parse problem comes back as { error: { position, message } }. */
export function compileFilter(text: string, options: FilterOptions = {}): CompileResult {
  const trimmed = text.trim();
  if (trimmed === '') return MATCH_ALL;
  const parsed = parseFilter(text);
  if (!parsed.ok) return { error: parsed.error };
  return buildFilter(trimmed, parsed.terms, parsed.expr, options);
}
