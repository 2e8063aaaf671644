/**
 * The message pane's document from real corpus files: postcat's text (the oracle is Postfix's
 * own postcat output), sanitized hostile bytes, damaged and corrupt files with the offset and
 * the problem, gone and unreadable files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { SpoolAccessError } from '../../src/domain/errors.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { scanQueues } from '../../src/watch/scan.js';
import { readMessageBytes } from '../../src/watch/read-message.js';
import { dumpRecords } from '../../src/spool/record-dump.js';
import { buildMessageDocument, describeClient, recipientLines } from '../../src/ui/message-document.js';
import { emptyClientAttributes } from '../../src/spool/client-attributes.js';
import { copyCorpusSpool } from '../helpers/corpus.js';

const copy = copyCorpusSpool('basic');
afterAll(() => copy.cleanup());
const config = resolveSpoolConfig({ spool: copy.spool });
const entries = new Map(scanQueues(config, QUEUE_NAMES).map((e) => [e.queueId, e]));
const fullDoc = (id: string, view: 'postcat' | 'records' = 'postcat') => {
  const entry = entries.get(id)!;
  return buildMessageDocument(entry, () => readMessageBytes(config, entry), view, dumpRecords);
};
/** The document without its recipients block (tested on its own below): postcat's part. */
const doc = (id: string, view: 'postcat' | 'records' = 'postcat') => {
  const d = fullDoc(id, view);
  return view === 'records' ? d : { ...d, lines: d.lines.slice(recipientLines(entries.get(id)!).length) };
};
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('buildMessageDocument', () => {
  it('a plain message is postcat -q, line for line', () => {
    const d = doc('749A822C202');
    const oracle = readFileSync(join(copy.oracle, 'postcat', '749A822C202.txt'), 'utf8').split('\n');
    if (oracle[oracle.length - 1] === '') oracle.pop();
    expect(d.lines.map((l) => l.text)).toEqual(oracle);
    expect(d.problem).toBeNull();
    expect(d.title).toContain('deferred/7/749A822C202');
  });

  it('hostile messages: every control byte becomes visible text, in every line', () => {
    for (const id of ['0558022C217', '0D61522C218', 'F346F22C270']) {
      const d = doc(id);
      const all = d.lines.map((l) => l.text).join('\n');
      expect(all).not.toMatch(CONTROL);
      expect(all).toContain('^[');
    }
  });

  it('corrupt and damaged files: where postcat stops, then the record dump', () => {
    const d = doc('F027622C261');
    expect(d.problem).toMatch(/^offset 97 record 84: unexpected EOF/);
    const text = d.lines.map((l) => l.text);
    expect(text).toContain('*** postcat stops here: offset 97 record 84: unexpected EOF in data, record type 84 length 268435455 ***');
    expect(text.some((l) => /^\s+97 !! damaged here/.test(l))).toBe(true);
    const records = doc('F027622C261', 'records');
    expect(records.lines[0]!.text).toMatch(/^\s+0 'C' \(67\)/);
    const empty = doc('10A5722C264');
    expect(empty.lines.length).toBeGreaterThan(0);
    expect(empty.problem).not.toBeNull();
  });

  it('a message that left the spool says so; an unreadable one says why', () => {
    const entry = entries.get('749A822C202')!;
    const gone = buildMessageDocument(entry, () => null, 'postcat', dumpRecords);
    expect(gone.lines[0]!.text).toMatch(/^gone: /);
    const denied = buildMessageDocument(entry, () => {
      throw new SpoolAccessError('permission denied reading /x\x1b[2J', '/x', 'EACCES');
    }, 'postcat', dumpRecords);
    expect(denied.lines[0]!.text).toBe('cannot read the file: permission denied reading /x^[[2J');
  });
});

describe('recipients, each with its status and delay reason as mailq lists them', () => {
  it('a message deferred for different reasons per recipient (mixed-reasons)', () => {
    const id = '2887322C21A';
    const lines = fullDoc(id).lines.map((l) => l.text);
    expect(lines[0]).toBe('*** RECIPIENTS 3 (as mailq lists them) ***');
    // The oracle: mailq's block for this id, reason lines "(...)" above the recipients they cover.
    const mailq = readFileSync(join(copy.oracle, 'mailq.txt'), 'utf8').split('\n');
    const at = mailq.findIndex((l) => l.startsWith(id));
    let reason = '';
    const expected: string[] = [];
    for (const line of mailq.slice(at + 1)) {
      if (line === '') break;
      const r = /^\s*\((.*)\)$/.exec(line);
      if (r) reason = r[1]!;
      else expected.push(`${line.trim()}  [deferred]  (${reason.replace(/\?/g, '\u0000')})`);
    }
    expect(expected).toHaveLength(3);
    // mailq shows control bytes in reasons as `?`; the pane as ^[ and the like.
    const shown = lines.slice(1, 4);
    shown.forEach((line, i) => {
      const want = expected[i]!.split('\u0000');
      let pos = 0;
      for (const part of want) {
        const found = line.indexOf(part, pos);
        expect(found, `${line} has ${part}`).toBeGreaterThanOrEqual(pos);
        pos = found + part.length;
      }
    });
    expect(new Set(shown.map((l) => /\((.*)\)$/.exec(l)?.[1]?.slice(0, 12))).size).toBe(3);
    expect(shown.join('\n')).not.toMatch(CONTROL);
  });

  it('held, active and not yet tried messages say so', () => {
    const status = (id: string) => fullDoc(id).lines[1]!.text;
    expect(status('5FAAF22C222')).toMatch(/\[on hold/);
    expect(status('6A33E22C224')).toMatch(/\[in delivery/);
    expect(status('2AA4722C267')).toMatch(/\[not tried yet\]/);
  });
});

describe('encoded words (RFC 2047)', () => {
  it('the pane shows Subject and From decoded (utf8-2047), postq cat stays raw', () => {
    const text = doc('B248722C20F').lines.map((l) => l.text);
    expect(text).toContain('Subject: Grüße aus Köln – Straßenfest am Wochenende ✓');
    expect(text).toContain('From: Jürgen Müller-Lüdenscheidt <mallory@remote.example>');
    expect(entries.get('B248722C20F')!.subject).toBe('Grüße aus Köln – Straßenfest am Wochenende ✓');
  });
});

describe('the envelope says who sent it', () => {
  it('smtpd mail: a who line right under the envelope marker, then postcat line for line', () => {
    const d = doc('3949122C21D');
    const oracle = readFileSync(join(copy.oracle, 'postcat', '3949122C21D.txt'), 'utf8').split('\n');
    if (oracle[oracle.length - 1] === '') oracle.pop();
    const text = d.lines.map((l) => l.text);
    expect(text[1]).toBe('who: client localhost[127.0.0.1]:42520, helo client.basic-corpus.test, ESMTP');
    expect([text[0], ...text.slice(2)]).toEqual(oracle);
  });

  it('a hostile HELO name is made visible, not executed', () => {
    const line = describeClient({ ...emptyClientAttributes(), clientAddress: '192.0.2.1', heloName: 'evil\u001b[2J\u009bx', saslUsername: 'bob', saslMethod: 'PLAIN' });
    expect(line).toBe('who: client unknown[192.0.2.1], helo evil^[[2J<U+009B>x, sasl bob (PLAIN)');
  });
});
