/**
 * Parsing single log lines: both timestamp forms (the traditional one's year from the file's
 * mtime, across New Year), tags with instance names, pids, queue ids, severities, fields and
 * links. Lines from the corpus's real Postfix log where there is one.
 */
import { describe, expect, it } from 'vitest';
import { findLink, parseLogFields } from '../../src/logs/parse-fields.js';
import { parseLogLine, traditionalTime } from '../../src/logs/parse-line.js';
import { parseTimeBound } from '../../src/logs/parse-time-bound.js';

const REF = new Date(2026, 10, 28, 20, 0, 0).getTime(); // Nov 28 2026, 20:00 local
const ctx = { referenceTime: REF };

describe('parseLogLine', () => {
  it('reads a traditional line from the corpus log', () => {
    const line = parseLogLine(
      'Nov 28 19:43:12 mx postfix-corpus/smtp[15782]: 749A822C202: to=<bob@lists.example.com>, relay=none, delay=0.06, delays=0.04/0.02/0/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:2599: Connection refused)',
      ctx,
    );
    expect(line.time).toBe(new Date(2026, 10, 28, 19, 43, 12).getTime());
    expect(line).toMatchObject({ host: 'mx', program: 'postfix-corpus/smtp', syslogName: 'postfix-corpus', service: 'smtp', pid: 15782, queueId: '749A822C202', severity: null });
    expect({ ...line.fields }).toEqual({
      to: 'bob@lists.example.com',
      relay: 'none',
      delay: '0.06',
      delays: '0.04/0.02/0/0',
      dsn: '4.4.1',
      status: 'deferred',
      reply: 'connect to 127.0.0.1[127.0.0.1]:2599: Connection refused',
    });
  });

  it('reads RFC 3339 stamps (postlogd, rsyslog on Debian 12+) with fractions and offsets', () => {
    const line = parseLogLine('2026-12-04T15:43:53.123456+01:00 mx postfix-out/qmgr[9358]: 3125320CBF8: removed', ctx);
    expect(line.time).toBe(Date.parse('2026-12-04T14:43:53.123Z'));
    expect(line).toMatchObject({ program: 'postfix-out/qmgr', syslogName: 'postfix-out', service: 'qmgr', queueId: '3125320CBF8', message: 'removed' });
  });

  it('dates traditional stamps after the file mtime in the year before (a file across New Year)', () => {
    const jan2 = new Date(2027, 0, 2, 6, 0, 0).getTime();
    expect(traditionalTime(11, 31, 23, 59, 58, jan2)).toBe(new Date(2026, 11, 31, 23, 59, 58).getTime());
    expect(traditionalTime(0, 1, 0, 0, 1, jan2)).toBe(new Date(2027, 0, 1, 0, 0, 1).getTime());
    // A clock a little ahead of the mtime is not last year.
    expect(traditionalTime(0, 2, 8, 0, 0, jan2)).toBe(new Date(2027, 0, 2, 8, 0, 0).getTime());
    const a = parseLogLine('Dec 31 23:59:58 mx postfix/pickup[1]: 0B91920C152: uid=0 from=<a@b>', { referenceTime: jan2 });
    const b = parseLogLine('Jan  1 00:00:01 mx postfix/cleanup[2]: 0B91920C152: message-id=<x@y>', { referenceTime: jan2 });
    expect(b.time! - a.time!).toBe(3000);
  });

  it('takes the id after a severity, and no id from words or NOQUEUE', () => {
    expect(parseLogLine('Nov 28 19:43:19 mx postfix/qmgr[16050]: warning: E905C22C260: message rejected: missing end record', ctx)).toMatchObject({
      severity: 'warning',
      queueId: 'E905C22C260',
      message: 'message rejected: missing end record',
    });
    expect(parseLogLine('Nov 28 19:43:23 mx postfix/postsuper[16214]: Placed on hold: 1 message', ctx).queueId).toBeNull();
    expect(parseLogLine('Nov 28 19:43:23 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[1.2.3.4]: 554 5.7.1 <a@b>: Relay access denied; from=<a@c> to=<a@b> proto=ESMTP helo=<evil>', ctx)).toMatchObject({
      queueId: null,
      fields: expect.objectContaining({ helo: 'evil', proto: 'ESMTP' }),
    });
  });

  it('keeps a line that is not syslog-shaped, without a time', () => {
    const line = parseLogLine('garbage 0B91920C152 here', ctx);
    expect(line).toMatchObject({ time: null, program: '', queueId: null, message: 'garbage 0B91920C152 here' });
  });

  it('cannot be made to set a prototype through a field name', () => {
    const fields = parseLogFields('__proto__=<x>, constructor=y, to=<a@b>');
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(fields.to).toBe('a@b');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('findLink', () => {
  const link = (raw: string) => {
    const l = parseLogLine(raw, ctx);
    return findLink(l.queueId, l.service, l.message, l.fields);
  };
  it('finds bounce notices, requeues (pickup orig_id) and relayed hops', () => {
    expect(link('Nov 28 19:43:12 mx postfix/bounce[15799]: AE32C22C20E: sender non-delivery notification: C283E22C211')).toEqual({ kind: 'bounce', from: 'AE32C22C20E', to: 'C283E22C211' });
    expect(link('Dec  4 15:44:51 mx postfix/pickup[9357]: 0B91920C152: uid=102 from=<a@client.example> orig_id=3125320CBF8')).toEqual({ kind: 'requeued', from: '3125320CBF8', to: '0B91920C152' });
    expect(link('Dec  4 15:44:51 mx postfix/smtp[1]: 0B91920C152: to=<a@b>, relay=127.0.0.1[127.0.0.1]:10025, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4F2A1C0A2B)')).toEqual({ kind: 'relayed', from: '0B91920C152', to: '4F2A1C0A2B' });
    expect(link('Dec  4 15:44:51 mx postfix/qmgr[1]: 0B91920C152: removed')).toBeNull();
  });
});

describe('parseTimeBound', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  it('reads epochs, durations ago, local dates and RFC 3339', () => {
    expect(parseTimeBound('@1795895003', now)).toBe(1795895003000);
    expect(parseTimeBound('2h', now)).toBe(now - 7_200_000);
    expect(parseTimeBound('2026-12-04', now)).toBe(new Date(2026, 11, 4).getTime());
    expect(parseTimeBound('2026-12-04 15:30', now)).toBe(new Date(2026, 11, 4, 15, 30).getTime());
    expect(parseTimeBound('2026-12-04T15:30:00Z', now)).toBe(Date.parse('2026-12-04T15:30:00Z'));
    expect(parseTimeBound('yesterday', now)).toBeNull();
  });
});
