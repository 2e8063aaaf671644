/**
 * A user's /regex/, compiled by re2js (RE2's linear-time engine in pure JS): filters come from
 * the keyboard and the command line and run over mail text others wrote, so a pattern like
 * /(a+)+$/ on a long subject, or /x+y/ on a 1 MB sender, must not backtrack for minutes.
 * RE2 syntax: no backreferences or lookaround; case-insensitive, Unicode-aware as before.
 * re2js is loaded on the first pattern (src/spool/regex-engine.ts).
 */
import { regexEngine } from '../spool/regex-engine.js';

export interface UserPattern {
  readonly source: string;
  test(text: string): boolean;
}

export function compileUserPattern(source: string): UserPattern {
  const RE2JS = regexEngine();
  const pattern = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  return { source, test: (text) => pattern.test(text) };
}
