/**
 * A log written by two Postfix instances (postfix/ and postfix-out/, as with a content filter
 * or postmulti) in both timestamp forms (an rsyslog change of template mid-file): the hop
 * from one instance to the other (`queued as NEWID` in the relay's reply) is followed and
 * each line is dated right whichever form it has.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchLog } from '../../src/logs/search-log.js';
import { filePlan } from './fixtures.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'postq-multi-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An RFC 3339 stamp for 2026-12-04 at a local time, with the local offset (any TZ). */
function local(h: number, m: number, sec: number, frac: string): string {
  const d = new Date(2026, 11, 4, h, m, sec);
  const off = -d.getTimezoneOffset();
  const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
  const mm = String(Math.abs(off) % 60).padStart(2, '0');
  const p = (n: number) => String(n).padStart(2, '0');
  return `2026-12-04T${p(h)}:${p(m)}:${p(sec)}.${frac}${off < 0 ? '-' : '+'}${hh}:${mm}`;
}

const LOG = `Dec  4 10:00:01 mx postfix/smtpd[100]: connect from client.example[192.0.2.7]
Dec  4 10:00:01 mx postfix/smtpd[100]: 4A1B2C3D4E: client=client.example[192.0.2.7], sasl_method=PLAIN, sasl_username=alice
Dec  4 10:00:01 mx postfix/cleanup[101]: 4A1B2C3D4E: message-id=<m1@client.example>
Dec  4 10:00:01 mx postfix/qmgr[102]: 4A1B2C3D4E: from=<alice@client.example>, size=900, nrcpt=1 (queue active)
Dec  4 10:00:02 mx postfix/smtpd[100]: disconnect from client.example[192.0.2.7] ehlo=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6
${local(10, 0, 2, '500000')} mx postfix-out/smtpd[200]: connect from localhost[127.0.0.1]
${local(10, 0, 2, '600000')} mx postfix-out/smtpd[200]: 9F8E7D6C5B: client=localhost[127.0.0.1]
${local(10, 0, 2, '700000')} mx postfix-out/cleanup[201]: 9F8E7D6C5B: message-id=<m1@client.example>
${local(10, 0, 2, '800000')} mx postfix-out/qmgr[202]: 9F8E7D6C5B: from=<alice@client.example>, size=1100, nrcpt=1 (queue active)
${local(10, 0, 2, '900000')} mx postfix/smtp[103]: 4A1B2C3D4E: to=<bob@far.example>, relay=127.0.0.1[127.0.0.1]:10026, delay=1.9, delays=0.1/0/0.1/1.7, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C5B)
${local(10, 0, 3, '000000')} mx postfix/qmgr[102]: 4A1B2C3D4E: removed
${local(10, 0, 3, '000000')} mx postfix-out/smtpd[200]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
${local(10, 0, 4, '000000')} mx postfix-out/smtp[203]: 9F8E7D6C5B: to=<bob@far.example>, relay=mx.far.example[198.51.100.9]:25, delay=1.2, delays=0/0/0.5/0.7, dsn=2.0.0, status=sent (250 ok)
${local(10, 0, 4, '100000')} mx postfix-out/qmgr[202]: 9F8E7D6C5B: removed
`;

describe('a multi-instance log with both timestamp forms', () => {
  it('follows the relay hop into the other instance, sessions and times included', async () => {
    const path = join(dir, 'mail.log');
    writeFileSync(path, LOG);
    utimesSync(path, new Date(2026, 11, 4, 10, 0, 5), new Date(2026, 11, 4, 10, 0, 5));
    const r = await searchLog(filePlan(path), { ids: ['4A1B2C3D4E'], follow: true });
    expect(r.trail.links).toEqual([{ kind: 'relayed', from: '4A1B2C3D4E', to: '9F8E7D6C5B' }]);
    const [a, b] = r.trail.transactions;
    expect(a!.entries.map((e) => `${e.line.program} ${e.stage}`)).toEqual([
      'postfix/smtpd session',
      'postfix/smtpd session',
      'postfix/cleanup cleanup',
      'postfix/qmgr qmgr',
      'postfix/smtpd session',
      'postfix/smtp delivery',
      'postfix/qmgr qmgr',
    ]);
    expect(a!.entries[1]!.line.fields).toMatchObject({ sasl_method: 'PLAIN', sasl_username: 'alice' });
    expect(b!.queueId).toBe('9F8E7D6C5B');
    // The other instance's session is found by its pid before the link named the id.
    expect(b!.entries.map((e) => `${e.line.program} ${e.stage}`)).toEqual([
      'postfix-out/smtpd session',
      'postfix-out/smtpd session',
      'postfix-out/cleanup cleanup',
      'postfix-out/qmgr qmgr',
      'postfix-out/smtpd session',
      'postfix-out/smtp delivery',
      'postfix-out/qmgr qmgr',
    ]);
    const times = r.trail.transactions.flatMap((t) => t.entries).sort((x, y) => x.position - y.position).map((e) => e.line.time!);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(new Date(times[0]!).toISOString()).toBe(new Date(2026, 11, 4, 10, 0, 1).toISOString());
  });
});
