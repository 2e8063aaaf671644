/**
 * The filter language of the console's `/` and of the CLI's `--filter EXPR`: text -> terms.
 *
 * Grammar: terms separated by spaces must all match; `or` between them matches either side
 * (and binds tighter than or); parentheses group; `!` before a term or a group negates it:
 *   (domain:a.example or domain:b.example) age>2h !queue:hold
 *   word              bare word: case-insensitive substring of sender, any recipient, any
 *                     delay reason, subject or queue id
 *   "two words"       a quoted word (may hold spaces and colons; \" and \\ escape)
 *   /regex/           a regular expression (RE2 syntax, linear time; case-insensitive) on the same fields
 *   from:V  to:V  domain:V  reason:V  subject:V  id:V   the same, on one field; V is a word,
 *                     a "quoted word" or a /regex/. domain: is the sender's or any
 *                     recipient's domain; to: and reason: match any recipient.
 *   client:V helo:V sasl:V proto:V   who sent it (smtpd's named attributes): client name or
 *                     address, HELO name, SASL login, protocol (SMTP, ESMTP, ...). client: also
 *                     takes an address or CIDR block (client:203.0.113.0/24, client:2001:db8::/32)
 *   host:V            the fleet target (merged fleet view; never matches on one spool)
 *   origin:smtp origin:local   received from a network client, or submitted locally
 *   why:V             a delay reason's cluster (reason-cluster.ts): its class, reply code,
 *                     status and template, and `#id` (why:#1a2b3c4d is one cluster)
 *   queue:NAME        the queue (a unique prefix works: queue:def)
 *   age>N age<N age>=N age<=N    N with units s, m, h, d, w, combinable (1h30m)
 *   size>N size<N size>=N size<=N  N in bytes, or with k, M, G (1024-based; kb/MB also read)
 *   rcpt-count>N attempts>N    recipients listed; delivery attempts (an estimate: retry-estimate.ts);
 *                     these also take = (rcpt-count=1)
 *   expires<N         time left before qmgr returns it as expired (lifetime from the
 *                     configuration, else Postfix's 5d), with the age units
 *   header:NAME:V body:V   the message content (content-terms.ts): read from the file on
 *                     demand, so a filter with them is answered as the search goes
 *   A bare `or` is the operator (quote it to search for the word); "(" at the start of a
 *   term opens a group and ")" ends a bare word (quote a word that has them).
 *
 * Contract: pure, never throws; a problem comes back as { position, message } where position
 * is the 0-based offset in the text of the term at fault (for a caret under it).
 */
import { compileUserPattern, type UserPattern } from './user-pattern.js';
import { parseAge, parseSize, ParseFailure } from '../domain/units.js';

export { parseAge, parseSize };
import { parseCidr, type CidrBlock } from '../domain/ip-address.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';

export const TEXT_FIELDS = ['from', 'to', 'domain', 'reason', 'subject', 'id', 'client', 'helo', 'sasl', 'proto', 'why', 'host', 'body', 'header'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
/** `any` is a bare word or /regex/: sender, recipients, reasons, subject, id. */
export type MatchField = TextField | 'any';
export type CompareOp = '>' | '<' | '>=' | '<=' | '=';
export type CompareField = 'age' | 'size' | 'rcpt-count' | 'attempts' | 'expires';

interface TermBase {
  negate: boolean;
  /** header:NAME:V: the header's name, lower-cased. */
  header?: string;
  /** Offset of the term (including its `!`) in the filter text. */
  start: number;
  end: number;
}
export type FilterTerm =
  | (TermBase & { kind: 'text'; field: MatchField; value: string })
  | (TermBase & { kind: 'regex'; field: MatchField; regex: UserPattern })
  | (TermBase & { kind: 'queue'; queueName: QueueName })
  /** client:ADDRESS or client:ADDRESS/PREFIX: the client address lies in the block. */
  | (TermBase & { kind: 'cidr'; block: CidrBlock })
  | (TermBase & { kind: 'origin'; origin: 'smtp' | 'local' })
  /** age and expires in seconds, size in bytes, counts as numbers. */
  | (TermBase & { kind: 'compare'; field: CompareField; op: CompareOp; value: number });

/** The parsed expression: terms, all-of (and), any-of (or), negated groups. */
export type FilterExpr =
  | { kind: 'term'; term: FilterTerm }
  | { kind: 'and' | 'or'; items: FilterExpr[] }
  | { kind: 'not'; expr: FilterExpr; start: number; end: number };

export interface FilterParseError {
  position: number;
  message: string;
}

/** `terms`: every term of the expression in text order (an empty text has none and `expr` is an empty and). */
export type ParseResult = { ok: true; terms: FilterTerm[]; expr: FilterExpr } | { ok: false; error: FilterParseError };

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  atSpace(): boolean {
    return /\s/.test(this.peek());
  }
  skipSpace(): void {
    while (!this.done && this.atSpace()) this.pos++;
  }
  /** A bare value: up to the next whitespace or ")". */
  word(): string {
    const from = this.pos;
    while (!this.done && !this.atSpace() && this.peek() !== ')') this.pos++;
    return this.text.slice(from, this.pos);
  }
  /** A "quoted" value; the scanner is on the opening quote. */
  quoted(): string {
    const open = this.pos++;
    let out = '';
    while (!this.done) {
      const ch = this.text[this.pos++]!;
      if (ch === '"') return out;
      if (ch === '\\' && !this.done) out += this.text[this.pos++]!;
      else out += ch;
    }
    throw new ParseFailure(open, 'unclosed quote: add a closing "');
  }
  /** A /regex/ source; the scanner is on the opening slash. `\/` stays escaped. */
  regex(): UserPattern {
    const open = this.pos++;
    let source = '';
    while (!this.done) {
      const ch = this.text[this.pos++]!;
      if (ch === '/') {
        if (source === '') throw new ParseFailure(open, 'empty regular expression //');
        try {
          return compileUserPattern(source);
        } catch (error) {
          throw new ParseFailure(open, `bad regular expression /${source}/: ${(error as Error).message}`);
        }
      }
      if (ch === '\\' && !this.done) source += ch + this.text[this.pos++]!;
      else source += ch;
    }
    throw new ParseFailure(open, 'unclosed regular expression: add a closing /');
  }
  expectTermEnd(start: number): void {
    if (!this.done && !this.atSpace() && this.peek() !== ')') {
      throw new ParseFailure(this.pos, `unexpected "${this.word()}" after the term at ${start + 1}: put a space between terms`);
    }
  }
}

function parseValue(s: Scanner, field: MatchField, base: TermBase, label: string): FilterTerm {
  const ch = s.peek();
  if (ch === '/') {
    const regex = s.regex();
    s.expectTermEnd(base.start);
    return { ...base, kind: 'regex', field, regex, end: s.pos };
  }
  const at = s.pos;
  const value = ch === '"' ? s.quoted() : s.word();
  if (ch === '"') s.expectTermEnd(base.start);
  if (value === '') throw new ParseFailure(at, label ? `${label}: needs a value (e.g. ${label}:example.com)` : 'empty term');
  return { ...base, kind: 'text', field, value: value.toLowerCase(), end: s.pos };
}

function parseTerm(s: Scanner): FilterTerm {
  const start = s.pos;
  let negate = false;
  if (s.peek() === '!') {
    negate = true;
    s.pos++;
    if (s.done || s.atSpace()) throw new ParseFailure(start, '"!" must come right before a term (e.g. !from:root)');
  }
  const base: TermBase = { negate, start, end: start };
  const rest = s.text.slice(s.pos);
  const compare = /^(age|size|rcpt-count|attempts|expires)(>=|<=|>|<|=)/i.exec(rest);
  if (compare) {
    const field = compare[1]!.toLowerCase() as CompareField;
    const op = compare[2]!;
    const count = field === 'rcpt-count' || field === 'attempts';
    if (op === '=' && !count) throw new ParseFailure(start, `${field} takes > < >= or <= (e.g. ${field}${field === 'expires' ? '<1d' : field === 'age' ? '>2h' : '>1M'})`);
    s.pos += compare[0].length;
    const at = s.pos;
    const text = s.word();
    if (text === '') throw new ParseFailure(at, `${field}${op} needs a value`);
    if (count && !/^\d+$/.test(text)) throw new ParseFailure(at, `bad count "${text}": a whole number (e.g. ${field}>5)`);
    const value = count ? Number(text) : field === 'size' ? parseSize(text, at) : parseAge(text, at);
    return { ...base, kind: 'compare', field, op: op as CompareOp, value, end: s.pos };
  }
  const prefix = /^([a-z]+):/i.exec(rest);
  if (prefix) {
    const name = prefix[1]!.toLowerCase();
    s.pos += prefix[0].length;
    if (name === 'queue') {
      const at = s.pos;
      const value = s.word().toLowerCase();
      const names = QUEUE_NAMES.filter((q) => q.startsWith(value));
      if (value === '' || names.length !== 1) {
        throw new ParseFailure(at, `queue:${value} ${value && names.length ? 'is ambiguous' : 'is not a queue'}: one of ${QUEUE_NAMES.join(', ')}`);
      }
      return { ...base, kind: 'queue', queueName: names[0]!, end: s.pos };
    }
    if (name === 'origin') {
      const at = s.pos;
      const value = s.word().toLowerCase();
      if (value !== 'smtp' && value !== 'local') throw new ParseFailure(at, `origin:${value} is not an origin: origin:smtp (a network client) or origin:local (sendmail)`);
      return { ...base, kind: 'origin', origin: value, end: s.pos };
    }
    if (name === 'client' && /^[0-9a-f:.]*[:.][0-9a-f:.]*(?:\/\d+)?$/i.test(s.text.slice(s.pos).split(/[\s)]/, 1)[0]!)) {
      // Looks like an address or block: a bad one is an error, not a substring search.
      const at = s.pos;
      const value = s.word();
      const block = parseCidr(value);
      if (block) return { ...base, kind: 'cidr', block, end: s.pos };
      if (value.includes('/')) throw new ParseFailure(at, `client:${value} is not an address block (e.g. client:203.0.113.0/24, client:2001:db8::/32)`);
      s.pos = at;
    }
    if (!(TEXT_FIELDS as readonly string[]).includes(name)) {
      throw new ParseFailure(
        start + (negate ? 1 : 0),
        `unknown field "${name}:": use ${TEXT_FIELDS.join(':, ')}:, origin:, queue:, age>, size>, rcpt-count>, attempts>, expires< (quote a word that has a colon)`,
      );
    }
    if (name === 'header') {
      const header = /^([\x21-\x39\x3b-\x7e]+):/.exec(s.text.slice(s.pos));
      if (!header) throw new ParseFailure(s.pos, 'header: needs a name and a value (e.g. header:x-mailer:/php/)');
      s.pos += header[0].length;
      return parseValue(s, 'header', { ...base, header: header[1]!.toLowerCase() }, `header:${header[1]}`);
    }
    return parseValue(s, name as TextField, base, name);
  }
  return parseValue(s, 'any', base, '');
}

/** `or` as the operator: the bare word, followed by a blank, "(" or "!". */
function atOr(s: Scanner): boolean {
  if (s.text.slice(s.pos, s.pos + 2).toLowerCase() !== 'or') return false;
  const after = s.text[s.pos + 2];
  return after !== undefined && /[\s(!)]/.test(after);
}

/** The expression grammar over parseTerm: or of ands of (negated) terms and groups. */
class ExprParser {
  readonly terms: FilterTerm[] = [];
  constructor(private readonly s: Scanner) {}

  or(): FilterExpr {
    const s = this.s;
    const items = [this.and()];
    while (atOr(s)) {
      const at = s.pos;
      s.pos += 2;
      s.skipSpace();
      if (s.done || s.peek() === ')' || atOr(s)) throw new ParseFailure(at, '"or" needs a term on each side (quote "or" to search for the word)');
      items.push(this.and());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private and(): FilterExpr {
    const s = this.s;
    const items: FilterExpr[] = [];
    for (s.skipSpace(); !s.done && s.peek() !== ')' && !(atOr(s) && items.length > 0); s.skipSpace()) {
      if (atOr(s) || (s.text.slice(s.pos).toLowerCase() === 'or')) throw new ParseFailure(s.pos, '"or" needs a term on each side (quote "or" to search for the word)');
      items.push(this.unary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private unary(): FilterExpr {
    const s = this.s;
    const start = s.pos;
    if (s.peek() === '!' && s.text[s.pos + 1] === '(') {
      s.pos++;
      const expr = this.group();
      return { kind: 'not', expr, start, end: s.pos };
    }
    if (s.peek() === '(') return this.group();
    const term = parseTerm(s);
    this.terms.push(term);
    return { kind: 'term', term };
  }

  private group(): FilterExpr {
    const s = this.s;
    const open = s.pos++;
    s.skipSpace();
    if (s.peek() === ')') throw new ParseFailure(open, 'empty parentheses: put terms inside, e.g. (from:a or from:b)');
    const expr = this.or();
    s.skipSpace();
    if (s.peek() !== ')') throw new ParseFailure(open, 'unclosed "(": add a ")"');
    s.pos++;
    s.expectTermEnd(open);
    return expr;
  }
}

/** Parse filter text; an empty or blank text is no terms (matches everything). */
export function parseFilter(text: string): ParseResult {
  const s = new Scanner(text);
  const parser = new ExprParser(s);
  try {
    const expr = parser.or();
    s.skipSpace();
    if (!s.done) throw new ParseFailure(s.pos, 'unmatched ")": remove it or add a "(" before it');
    return { ok: true, terms: parser.terms, expr };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, error: { position: error.position, message: error.message } };
    throw error;
  }
}
