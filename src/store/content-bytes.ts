/**
 * The header:/body: terms answered on a queue file's bytes, with the answers of
 * contentEvaluator() (content-terms.ts) over extractMessageContent(): the same set, faster. The
 * exact way decodes the content into strings (headers unfolded and RFC 2047-decoded, the body
 * as UTF-8) for every file; most files of a search do not hold the word, and for a plain
 * `body:WORD` that can be told from the raw bytes: when the content is one plain run of `N`
 * records (spool/content-span.ts), a word in the body text is in the raw run, so a run
 * without it is a "no" and the exact way is taken only for a run that has it.
 *
 * Which words: printable ASCII, no longer than termTest()'s regex limit. The exact test is a
 * case-insensitive Unicode regex ('iu'); an ASCII byte is the same character decoded, a
 * non-ASCII byte never decodes to ASCII, and the only non-ASCII characters that fold to ASCII
 * are KELVIN SIGN (k) and LATIN SMALL LETTER LONG S (s): the raw run is searched as latin1 with
 * a case-insensitive regex (which folds only ASCII letters there), and a run that holds the
 * UTF-8 of one of those two (for a word with k or s) goes the exact way. A word with other characters, a regex, a header: term, or content that is
 * not plain (a long line split in `L` records, pointers, maildrop, a file past the first read)
 * goes the exact way.
 *
 * Contract: pure, never throws; evaluate(file) equals contentEvaluator(terms) of the file's
 * extractMessageContent() for every file (test/store/content-bytes.test.ts).
 */
import { plainContentSpan } from '../spool/content-span.js';
import { extractMessageContent } from '../spool/message-content.js';
import { RecordReader } from '../spool/record.js';
import { contentEvaluator, isContentTerm } from './content-terms.js';
import type { FilterTerm } from './filter-parse.js';

/** A queue file as read so far: its first bytes (the whole file when it is small) and a way to read on. */
export interface ContentFile {
  head: Buffer;
  fileSize: number;
  /** Read [offset, offset + length) (fewer at the end); absent when `head` is the whole file. */
  fetch?: (offset: number, length: number) => Buffer;
  /** A postdrop file (maildrop/): no size record to follow. */
  inMaildrop: boolean;
}

/** termTest()'s limit for its regex: longer words are compared lower-cased, left to the exact way. */
const QUICK_MAX = 256;
/** The UTF-8 of U+212A and U+017F, which fold to k and s under 'iu'. */
const KELVIN = Buffer.from('\u212a');
const LONG_S = Buffer.from('\u017f');

interface QuickTest {
  /** Searches the raw run as latin1: a plain literal, case-insensitive (ASCII letters only there). */
  re: RegExp;
  /** Characters whose non-ASCII look-alikes (KELVIN, LONG_S) send a run that has them the exact way. */
  folds: Buffer[];
}

/** The raw-run test for a term, or null when only the exact way can answer it. */
function quickTest(term: FilterTerm): QuickTest | null {
  if (term.kind !== 'text' || term.field !== 'body' || term.value.length > QUICK_MAX || !/^[\x20-\x7e]+$/.test(term.value)) return null;
  const lower = term.value.toLowerCase();
  const folds = [...(lower.includes('k') ? [KELVIN] : []), ...(lower.includes('s') ? [LONG_S] : [])];
  return { re: new RegExp(term.value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'i'), folds };
}

/** Whether `bytes` holds `needle` between `start` and `end`. */
function holds(bytes: Buffer, needle: Buffer, start: number, end: number): boolean {
  const at = bytes.indexOf(needle, start);
  return at >= 0 && at + needle.length <= end;
}

export function contentBytesEvaluator(terms: readonly FilterTerm[]): (file: ContentFile) => boolean[] {
  const exact = contentEvaluator(terms);
  const content = terms.filter(isContentTerm);
  const quick = content.map(quickTest);
  const allQuick = quick.length > 0 && quick.every((q) => q !== null);
  const none = () => content.map(() => false);
  return (file) => {
    if (allQuick) {
      const span = plainContentSpan(file.head, file.fileSize, file.inMaildrop);
      if (span && !quick.some((q) => q!.folds.some((f) => holds(file.head, f, span.start, span.end)))) {
        const raw = file.head.toString('latin1', span.start, span.end);
        if (!quick.some((q) => q!.re.test(raw))) return none();
      }
    }
    const reader = new RecordReader(file.head, 0, file.fetch ? { fileSize: file.fileSize, fetch: file.fetch } : {});
    return exact(extractMessageContent(reader, undefined, file.inMaildrop));
  };
}
