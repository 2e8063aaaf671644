/**
 * The content header:/body: search: every corpus message's body as extractMessageContent
 * reads it equals what postcat -b printed for it (the oracle), and its headers what postcat -h
 * printed, unfolded (values with RFC 2047 words are compared decoded in filter tests); the
 * body limit cuts and says so; a file read in small windows gives the same content.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { extractMessageContent } from '../../src/spool/message-content.js';
import { printable } from '../../src/spool/printable.js';
import { RecordReader } from '../../src/spool/record.js';
import { scanQueues } from '../../src/watch/scan.js';
import { readMessageContent } from '../../src/watch/content-read.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { postcatOracles } from '../helpers/oracle.js';

const copy = copyCorpusSpool('basic');
afterAll(() => copy.cleanup());
const config = resolveSpoolConfig({ spool: copy.spool });
const entries = new Map(scanQueues(config, QUEUE_NAMES).map((e) => [e.queueId, e]));
const oracles = postcatOracles(copy.oracle).filter((o) => !o.capped && entries.has(o.id));
const sane = (text: string) => printable(text, { keepTab: true, keepNewline: true });

describe('extractMessageContent against postcat', () => {
  // From postcat's whole output, not -b's: with -b postcat stops tracking record types while
  // it skips the headers, so the rest of a header line longer than a record (L records, the
  // corpus's long-header message) lands in its body output; the message content is right.
  it('the body is what postcat prints after the headers, for every complete corpus message', () => {
    const whole = oracles.filter((o) => o.variant === '' && o.exitStatus === 0 && entries.get(o.id)!.state !== 'incomplete');
    expect(whole.length).toBeGreaterThan(25);
    for (const o of whole) {
      if (o.expected === '') {
        // An empty file (corrupt-empty): postcat prints nothing, and there is nothing to search.
        expect(readMessageContent(config, entries.get(o.id)!)).toEqual({ headers: [], body: '', truncated: false });
        continue;
      }
      const contents = /\*\*\* MESSAGE CONTENTS \S+ \*\*\*\n([\s\S]*?)\*\*\* HEADER EXTRACTED/.exec(o.expected)?.[1];
      expect(contents, o.id).toBeDefined();
      const content = readMessageContent(config, entries.get(o.id)!);
      expect(content, o.id).not.toBeNull();
      expect(sane(content!.body), o.id).toBe(contents!.slice(contents!.indexOf('\n\n') + 1));
      expect(content!.truncated).toBe(false);
    }
  });

  it('the headers are what postcat -h prints, unfolded, names lower-cased', () => {
    // An incomplete file (cleanup killed: a zero size record) makes postcat -h print the envelope.
    const heads = oracles.filter((o) => o.variant === 'h' && o.exitStatus === 0 && entries.get(o.id)!.state !== 'incomplete');
    expect(heads.length).toBeGreaterThan(30);
    let compared = 0;
    for (const o of heads) {
      const expected = o.expected.replace(/\n[ \t]+/g, ' ').split('\n').filter((l) => l !== '').map((line) => {
        const colon = line.indexOf(':');
        return { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() };
      });
      const got = readMessageContent(config, entries.get(o.id)!)!.headers;
      expect(got.map((h) => h.name), o.id).toEqual(expected.map((h) => h.name));
      for (const [i, h] of expected.entries()) {
        if (h.value.includes('=?')) continue;
        expect(sane(got[i]!.value), `${o.id} ${h.name}`).toBe(h.value);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(150);
  });

  it('decodes RFC 2047 words in header values; cuts a body at the limit and says so', () => {
    const encoded = [...entries.values()].find((e) => e.subject !== null && /=\?/.test(readFileSync(`${copy.spool}/${e.path}`, 'latin1')) && !/=\?/.test(e.subject));
    expect(encoded).toBeDefined();
    const headers = readMessageContent(config, encoded!)!.headers;
    expect(headers.find((h) => h.name === 'subject')!.value).toBe(encoded!.subject);
    const big = [...entries.values()].find((e) => e.queueId === 'E978822C214')!;
    const bytes = readFileSync(`${copy.spool}/${big.path}`);
    const whole = extractMessageContent(new RecordReader(bytes));
    const cut = extractMessageContent(new RecordReader(bytes), 4096);
    expect(cut.truncated).toBe(true);
    expect(cut.body.length).toBeLessThanOrEqual(4096);
    expect(whole.body.startsWith(cut.body)).toBe(true);
    // Read in windows (the path large files take) or whole: the same content.
    expect(readMessageContent(config, big)).toEqual(whole);
  });
});
