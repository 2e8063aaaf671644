/**
 * header:/body: answered on a file's bytes (content-bytes.ts) give exactly the answers of the
 * exact way (contentEvaluator over extractMessageContent): on every queue file of the corpus
 * for a table of filters, and on built files where a raw byte search alone would be wrong: a
 * word straddling the split of a long line into L records, a body reached through a pointer
 * record, KELVIN SIGN and LONG S (which fold to k and s), a word only in the headers. The quick
 * path must really be taken on the plain corpus files (plainContentSpan finds their run).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainContentSpan } from '../../src/spool/content-span.js';
import { extractMessageContent } from '../../src/spool/message-content.js';
import { buildQueueFile, encodeRecord, LINE_LENGTH_LIMIT } from '../../src/spool/queue-file-writer.js';
import { RecordReader } from '../../src/spool/record.js';
import { contentBytesEvaluator } from '../../src/store/content-bytes.js';
import { contentEvaluator } from '../../src/store/content-terms.js';
import { compileFilter, isFilterError } from '../../src/store/filter-match.js';
import { CORPUS_ROOT } from '../helpers/corpus.js';
import { ptr } from '../helpers/records.js';

function termsOf(text: string) {
  const f = compileFilter(text);
  if (isFilterError(f)) throw new Error(f.error.message);
  return f.terms;
}

const evaluators = new Map<string, { exact: ReturnType<typeof contentEvaluator>; quick: ReturnType<typeof contentBytesEvaluator> }>();

/** Each file decoded once for all the filters. */
const decoded = new WeakMap<Buffer, ReturnType<typeof extractMessageContent>>();

function both(text: string, bytes: Buffer, inMaildrop = false) {
  let e = evaluators.get(text);
  if (!e) evaluators.set(text, (e = { exact: contentEvaluator(termsOf(text)), quick: contentBytesEvaluator(termsOf(text)) }));
  if (!decoded.has(bytes)) decoded.set(bytes, extractMessageContent(new RecordReader(bytes), undefined, inMaildrop));
  const exact = e.exact(decoded.get(bytes)!);
  const quick = e.quick({ head: bytes, fileSize: bytes.length, inMaildrop });
  return { exact, quick };
}

function corpusFiles(): Array<{ rel: string; bytes: Buffer }> {
  const root = join(CORPUS_ROOT, 'basic', 'spool');
  const out: Array<{ rel: string; bytes: Buffer }> = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel))) {
      const child = `${rel}/${name}`;
      if (statSync(join(root, child)).isDirectory()) walk(child);
      else out.push({ rel: child, bytes: readFileSync(join(root, child)) });
    }
  };
  for (const q of ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt']) walk(q);
  return out;
}

const FILTERS = [
  'body:warehouse', 'body:FORECAST', 'body:"the quarterly"', 'body:s', 'body:k', 'body:no-such-word-anywhere',
  'body:/ware.ouse/', 'body:Отчёт', 'header:from:alice@remote.example', 'body:warehouse or header:subject:test',
  '!body:warehouse', 'body:warehouse body:forecast', 'body:message-id', 'body:subject',
];

describe('content-bytes against the exact way', () => {
  it('gives the same answers on every corpus queue file, for every filter of a table', () => {
    const files = corpusFiles();
    expect(files.length).toBeGreaterThan(30);
    let some = 0;
    for (const text of FILTERS) {
      for (const f of files) {
        // The corpus's 3 MB message: the exact way decodes it whole; a few filters suffice.
        if (f.bytes.length > 1 << 20 && !FILTERS.slice(0, 3).includes(text)) continue;
        const r = both(text, f.bytes, f.rel.startsWith('maildrop/'));
        expect(r.quick, `${text} on ${f.rel}`).toEqual(r.exact);
        if (r.exact.some(Boolean)) some++;
      }
    }
    expect(some).toBeGreaterThan(20);
    // The quick path is taken: the plain files' content run is found.
    const plain = files.filter((f) => plainContentSpan(f.bytes, f.bytes.length, f.rel.startsWith('maildrop/')) !== null);
    expect(plain.length).toBeGreaterThan(20);
    // Not for maildrop (no size record to follow).
    expect(files.filter((f) => f.rel.startsWith('maildrop/') && plain.includes(f))).toEqual([]);
  });

  const message = (body: string) =>
    buildQueueFile({ arrival: { seconds: 1_790_000_000, microseconds: 0 }, sender: 'a@example.org', recipients: [{ address: 'b@example.net' }], content: `Subject: a subject line\nFrom: a@example.org\n\n${body}` }).bytes;

  it('finds a word that straddles the split of a long line into L records (a raw search would not)', () => {
    const bytes = message(`${'a'.repeat(LINE_LENGTH_LIMIT - 4)}needle in the hay\n`);
    expect(bytes.includes(Buffer.from('needle'))).toBe(false);
    expect(plainContentSpan(bytes, bytes.length, false)).toBeNull();
    expect(both('body:needle', bytes)).toEqual({ exact: [true], quick: [true] });
    expect(both('body:"hay"', bytes)).toEqual({ exact: [true], quick: [true] });
  });

  it('follows a pointer record to the body it points at', () => {
    const base = message('visible line\n');
    const x = base.indexOf(encodeRecord('X'), base.length - 8);
    expect(x).toBeGreaterThan(0);
    // At X: a pointer to the end of the file, where a hidden line and a pointer back to X wait.
    const hop = ptr(0).length;
    const head = base.subarray(0, x);
    const tail = base.subarray(x);
    const away = head.length + hop + tail.length;
    const bytes = Buffer.concat([head, ptr(away), tail, encodeRecord('N', 'hidden treasure'), ptr(head.length + hop)]);
    expect(plainContentSpan(bytes, bytes.length, false)).toBeNull();
    expect(both('body:treasure', bytes)).toEqual({ exact: [true], quick: [true] });
    expect(both('body:visible', bytes)).toEqual({ exact: [true], quick: [true] });
  });

  it('KELVIN SIGN and LONG S match k and s, as the exact (Unicode, case-insensitive) way does', () => {
    const bytes = message('The \u212Aelvin scale, a cla\u017F\u017F of its own\n');
    expect(plainContentSpan(bytes, bytes.length, false)).not.toBeNull();
    for (const [text, hit] of [['body:kelvin', true], ['body:CLASS', true], ['body:"scale, a"', true], ['body:kilo', false]] as const) {
      expect(both(text, bytes), text).toEqual({ exact: [hit], quick: [hit] });
    }
  });

  it('a word only in the headers is no body match; a word in the body in another case is', () => {
    const bytes = message('Nothing to see\n');
    expect(both('body:subject', bytes)).toEqual({ exact: [false], quick: [false] });
    expect(both('body:NOTHING', bytes)).toEqual({ exact: [true], quick: [true] });
    expect(both('body:"to see" header:subject:line', bytes)).toEqual({ exact: [true, true], quick: [true, true] });
  });
});
