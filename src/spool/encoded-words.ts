/**
 * RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?ISO-8859-1?Q?...?=`) in header text, decoded
 * with libmime for what people read and search: the subject (list, filters) and the pane's
 * headers (display names). Pure. The result is Unicode text that may hold anything the sender
 * encoded, control characters included: callers pass it through printable() before a terminal.
 * Never throws: text that does not decode (an unknown charset, bad base64) comes back as is.
 */
import { createRequire } from 'node:module';
import type Libmime from 'libmime';

/*
 * libmime is loaded on the first encoded word, not at start: with its charset tables
 * (iconv-lite, encoding-japanese) it was two thirds of the CPU every `postq` run spent before
 * doing anything (0.23 of 0.36 s for `postq --version`), and `list`, `count` and `stats` in a
 * cron job never decode a subject. scripts/bundle.mjs and scripts/inline-read-worker.mjs (the
 * read worker, built as CommonJS, where import.meta.url is empty) turn this require into
 * esbuild's (equally lazy) bundled one.
 */
const requireCjs = createRequire(import.meta.url);
let libmime: typeof Libmime | null = null;

const ENCODED_WORD = /=\?[^?\s]+\?[bq]\?[^?\s]*\?=/i;

export function decodeEncodedWords(text: string): string {
  if (!ENCODED_WORD.test(text)) return text;
  try {
    libmime ??= requireCjs('libmime') as typeof Libmime;
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}
