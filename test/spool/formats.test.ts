import { describe, expect, it } from 'vitest';
import { formatJsonEntry, jsonString } from '../../src/spool/json-format.js';
import { formatMailq } from '../../src/spool/mailq-format.js';
import { sampleEntry } from '../helpers/sample-entry.js';

process.env.TZ = 'UTC';

const entry = sampleEntry;

describe('mailq format', () => {
  it('puts markers inside the id column, shifting the line when it overflows', () => {
    const text = formatMailq(
      [entry({ queueName: 'hold', forcedExpire: true, queueId: '1E2812260ED' }), entry({ queueName: 'active', queueId: 'ABCDE1' })],
      { longQueueIds: false },
    );
    expect(text.split('\n')).toEqual([
      '-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------',
      '1E2812260ED!#     420 Sat Nov 28 19:43:13  alice@example.org',
      '                                         bob@example.com',
      '',
      'ABCDE1*         420 Sat Nov 28 19:43:13  alice@example.org',
      '                                         bob@example.com',
      '',
      '-- 0 Kbytes in 2 Requests.',
      '',
    ]);
  });

  it('prints a reason line on change, "(reason unavailable)" on a change to none, long reasons from column 0', () => {
    const long = 'x'.repeat(90);
    const text = formatMailq(
      [
        entry({
          recipients: [
            { address: 'r1@a', delayReason: 'try later' },
            { address: 'r2@a', delayReason: 'try later' },
            { address: 'r3@b', delayReason: '' },
            { address: 'r4@c', delayReason: long },
          ],
          messageSize: 2048,
        }),
      ],
      { longQueueIds: false },
    );
    const lines = text.split('\n');
    expect(lines[2]).toBe(' '.repeat(76 - 9) + '(try later)');
    expect(lines[5]).toBe(' '.repeat(76 - 18) + '(reason unavailable)');
    expect(lines[7]).toBe(`(${long})`);
    expect(lines.at(-2)).toBe('-- 2 Kbytes in 1 Request.');
  });

  it('uses the long-id layout when enable_long_queue_ids is on', () => {
    const text = formatMailq([entry({ queueId: '4jcGf03fq4zJyDQ', messageSize: 18 })], { longQueueIds: true });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '----Queue ID----- --Size-- ---Arrival Time---- --Sender/Recipient------',
      '4jcGf03fq4zJyDQ         18 Sat Nov 28 19:43:13 alice@example.org',
      ' '.repeat(47) + 'bob@example.com',
    ]);
  });

  it('says the queue is empty', () => {
    expect(formatMailq([], { longQueueIds: false })).toBe('Mail queue is empty\n');
  });
});

describe('postqueue -j format', () => {
  it('has postqueue members in order, delay_reason only when set, extras under "postq"', () => {
    const line = formatJsonEntry(entry({ recipients: [{ address: 'a@b', delayReason: 'r' }, { address: 'c@d', delayReason: '' }] }));
    expect(line.startsWith('{"queue_name": "deferred", "queue_id": "749A822C202", "arrival_time": 1795894993, "message_size": 420, "forced_expire": false, "sender": "alice@example.org", "recipients": [{"address": "a@b", "delay_reason": "r"}, {"address": "c@d"}], "postq": {')).toBe(true);
    const parsed = JSON.parse(line);
    expect(parsed.postq).toMatchObject({ state: 'ok', next_retry: 1795895300, subject: 'hi', mode: '0700' });
    expect(JSON.parse(formatJsonEntry(entry({}), { extras: false }))).not.toHaveProperty('postq');
  });

  it('escapes quotes, backslashes, controls and bidi characters; the value survives', () => {
    const nasty = 'a"b\\c\x1b[2J\u202E\u0085';
    const encoded = jsonString(nasty);
    expect(encoded).toBe('"a\\"b\\\\c\\u001B[2J\\u202E\\u0085"');
    expect(JSON.parse(encoded)).toBe(nasty);
  });
});
