/**
 * subject: and bare words find a subject however it was encoded: RFC 2047 encoded words
 * (utf8-2047 in the corpus, and corrupt-badtype, a damaged copy of it) are decoded when the file is read, so they match like raw UTF-8
 * (smtputf8). Decoding never lets control characters through to the list (printable()).
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, type CompiledFilter } from '../../src/store/filter-match.js';
import { decodeEncodedWords } from '../../src/spool/encoded-words.js';
import { printable } from '../../src/spool/printable.js';
import { corpusEntries, NOW_MS } from './fixtures.js';

const ids = (text: string) => {
  const f = compileFilter(text) as CompiledFilter;
  return corpusEntries().filter((e) => f.match(e, NOW_MS)).map((e) => e.queueId).sort();
};

describe('encoded subjects', () => {
  it('subject: and a bare word match the encoded and the raw UTF-8 subject alike', () => {
    expect(ids('subject:Straßenfest')).toEqual(['07E8622C262', 'B248722C20F', 'C8B6722C213']);
    expect(ids('Köln')).toEqual(['07E8622C262', 'B248722C20F', 'C8B6722C213']);
    expect(ids('subject:"Grüße aus"')).toEqual(['07E8622C262', 'B248722C20F', 'C8B6722C213']);
  });

  it('decodes Q and B words in any charset; what does not decode stays as is; controls stay visible', () => {
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Andr=E9?= =?utf-8?B?0J7RgtGH0ZHRgg==?=')).toBe('AndréОтчёт');
    expect(decodeEncodedWords('plain =? text')).toBe('plain =? text');
    expect(printable(decodeEncodedWords('=?utf-8?q?=1B[2Jhi?='))).toBe('^[[2Jhi');
  });
});
