import { describe, expect, it } from 'vitest';
import { parseBounceLog, parseDeferReasons } from '../../src/spool/defer-log.js';
import { plainDeferReasons } from '../../src/spool/defer-reasons.js';
import * as fz from '../helpers/fuzz.js';
import { listRecipients } from '../../src/spool/showq.js';
import { parseQueueFile } from '../../src/spool/queue-file.js';
import { rec } from '../helpers/records.js';

const entry = (rcpt: string, reason: string, extra = '') =>
  `\n<${rcpt}>: ${reason}\nrecipient=${rcpt}\noffset=100\n${extra}status=4.4.1\naction=delayed\nreason=${reason}\n\n`;

describe('parseBounceLog', () => {
  it('reads entries in file order, keeping duplicates', () => {
    const log = Buffer.from(entry('a@x', 'refused') + entry('b@y', 'timeout') + entry('a@x', 'refused'));
    expect(parseBounceLog(log).map((e) => [e.recipient, e.reason])).toEqual([
      ['a@x', 'refused'],
      ['b@y', 'timeout'],
      ['a@x', 'refused'],
    ]);
  });

  it('later lines override earlier ones; the old-style line alone is enough', () => {
    const log = Buffer.from('\n<old@x>: old reason\nreason=new reason\n\n\n<only@old>: just this\n\n');
    expect(parseBounceLog(log)).toMatchObject([
      { recipient: 'old@x', reason: 'new reason' },
      { recipient: 'only@old', reason: 'just this', status: '4.0.0', action: 'delayed' },
    ]);
  });

  it('sanitizes control bytes to ? as Postfix does, and fills defaults', () => {
    const log = Buffer.from('\nreason=grey \x1b[31mlisted\x07\n\n');
    expect(parseBounceLog(log)).toEqual([
      { recipient: '(recipient address unavailable)', reason: 'grey ?[31mlisted?', status: '4.0.0', action: 'delayed', offset: -1 },
    ]);
    expect(parseBounceLog(Buffer.from('\nrecipient=x@y\n\n'), 'bounce')[0]).toMatchObject({ reason: '(description unavailable)', status: '5.0.0', action: 'failed' });
  });

  it('an entry cut off by the end of the file still counts', () => {
    expect(parseBounceLog(Buffer.from('\nrecipient=x@y\nreason=r'))).toMatchObject([{ recipient: 'x@y', reason: 'r' }]);
  });
});

describe('showq recipient order', () => {
  const file = Buffer.concat([
    rec('T', '1795895002 1'),
    rec('S', 's@x'),
    rec('R', 'bob@b'),
    rec('D', 'done@d'),
    rec('R', 'carol@c'),
    rec('/', 'canceled@c'),
    rec('R', 'dave@d'),
    rec('M'),
    rec('X'),
    rec('E'),
  ]);
  const parsed = parseQueueFile(file, { queueName: 'deferred', skipContent: false });

  it('logged recipients first in log order, then pending R records not logged; D and / never', () => {
    const log = parseBounceLog(Buffer.from(entry('carol@c', 'late') + entry('bob@b', 'late')));
    expect(listRecipients(parsed, log)).toEqual([
      { address: 'carol@c', delayReason: 'late' },
      { address: 'bob@b', delayReason: 'late' },
      { address: 'dave@d', delayReason: '' },
    ]);
  });

  it('past duplicate_filter_limit, logged addresses are listed again from the queue file', () => {
    const log = parseBounceLog(Buffer.from(entry('bob@b', 'x') + entry('carol@c', 'y')));
    expect(listRecipients(parsed, log, 1).map((r) => r.address)).toEqual(['bob@b', 'carol@c', 'carol@c', 'dave@d']);
  });
});

describe('parseDeferReasons (what a listing reads of a defer log)', () => {
  const pairs = (entries: ReadonlyArray<{ recipient: string; reason: string }>) => entries.map((e) => ({ recipient: e.recipient, reason: e.reason }));

  it('gives parseBounceLog\'s recipients and reasons for every corpus log and damaged ones', () => {
    const logs = fz.loadCorpusFiles('log');
    expect(logs.length).toBeGreaterThan(0);
    const rng = fz.createRng(20261205);
    for (const log of logs) {
      expect(pairs(parseDeferReasons(log.bytes))).toEqual(pairs(parseBounceLog(log.bytes)));
      for (let i = 0; i < 40; i++) {
        const bytes = i % 2 === 0 ? fz.flipBytes(log.bytes, rng) : fz.truncate(log.bytes, rng.int(log.bytes.length + 1));
        expect(pairs(parseDeferReasons(bytes))).toEqual(pairs(parseBounceLog(bytes)));
      }
    }
  });

  it('a reason repeated, trimmed or not, old-style or reason=, and defaults', () => {
    const log = Buffer.from(entry('a@x', 'same') + entry('b@y', 'same') + '\n<c@z>: same\n\n' + '\nreason=  same  \n\n' + '\nrecipient=\n\n' + '\nstatus=5.0.0\n\n');
    expect(pairs(parseDeferReasons(log))).toEqual(pairs(parseBounceLog(log)));
    expect(parseDeferReasons(log).map((e) => e.reason)).toEqual(['same', 'same', 'same', 'same', '(description unavailable)', '(description unavailable)']);
  });

  it('gives parseBounceLog\'s recipients and reasons for 3,000 logs made of plain lines in every arrangement, and of lines with one byte that is not plain', () => {
    // Lines that differ in what the one-pass reader looks at: the line's end, its first `=`,
    // its first `>: `, the name before the `=` (spaces around it), blank lines, odd starts.
    const lines = [
      '', '', '<a@x>: why', '<b@y>: why', '<c@z>:why', '<d@w> : why', '<e>: f>: g', '<>: empty', '<h@x>: ', '<<i>>: j',
      'recipient=a@x', 'recipient = b@y ', ' recipient=c@z', 'recipient=', 'recipient', 'recipient==q', 'recipientx=a',
      'reason=why', 'reason =  why  ', 'reason=other', 'reason=', 'reason=a=b', 'reason', 'Reason=caps',
      'status=4.4.1', 'action=delayed', 'offset=12', 'dsn_orig_rcpt=rfc822;a@x', 'x', '=lead', '#comment=1', '9=nine', '>: x',
    ];
    const rng = fz.createRng(20261215);
    for (let i = 0; i < 3000; i++) {
      const picked = Array.from({ length: rng.int(14) }, () => lines[rng.int(lines.length)]!);
      let text = picked.join('\n') + (rng.int(2) === 0 ? '\n' : '');
      if (i % 10 === 9 && text.length > 0) {
        // One byte that is not plain (a TAB, a control, a high byte): the general reader's turn.
        const at = rng.int(text.length);
        text = text.slice(0, at) + String.fromCharCode([0x09, 0x01, 0x7f, 0xe9][rng.int(4)]!) + text.slice(at);
      }
      const log = Buffer.from(text, 'latin1');
      expect(pairs(parseDeferReasons(log)), JSON.stringify(text)).toEqual(pairs(parseBounceLog(log)));
    }
  });

  it('reads a log whose bytes that are not plain lie only in lines it does not keep (status=, action=, offset=, dsn_) the fast way, with the general way\'s result', () => {
    // The general way ignores those lines whatever their bytes: the fast way now skips them
    // unread instead of giving the whole log to the general way (it returned null for these).
    const odd = ['\t', '\x01', '\x7f', '\xe9', '\xc3\xa9', '\r'];
    const rng = fz.createRng(20261206);
    for (let i = 0; i < 600; i++) {
      const byte = odd[i % odd.length]!;
      const ignored = [`status=4.4.1${byte}`, `action=del${byte}ayed`, `offset=1${byte}2`, `dsn_orig_rcpt=rfc822;a${byte}@x`, `x=${byte}`, `=lead${byte}`, ` ${byte}indented`][rng.int(7)]!;
      const lines = ['<a@x>: why', 'recipient=a@x', ignored, 'reason=other', '', '<b@y>: because', ignored, ''];
      const log = Buffer.from(lines.join('\n'), 'latin1');
      const fast = plainDeferReasons(log);
      expect(fast, JSON.stringify(lines)).not.toBeNull();
      expect(pairs(fast!)).toEqual(pairs(parseBounceLog(log)));
      expect(pairs(fast!)).toEqual([{ recipient: 'a@x', reason: 'other' }, { recipient: 'b@y', reason: 'because' }]);
    }
  });

  it('leaves a log to the general way when a byte that is not plain is in a line it keeps or in a name (a tab there is trimmed by the general way)', () => {
    for (const line of ['<a@x>: wh\ty', 'recipient=a\x01@x', 'reason=caf\xe9', 'reason\t=why', 're\x7fason=why', 'status\t=4.4.1']) {
      const log = Buffer.from(`<b@y>: why\n${line}\n\n`, 'latin1');
      expect(plainDeferReasons(log), JSON.stringify(line)).toBeNull();
      expect(pairs(parseDeferReasons(log))).toEqual(pairs(parseBounceLog(log)));
    }
  });
});
