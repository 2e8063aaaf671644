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

const LOG = `Dec  4 10:00:01 mx postfix/smtpd[100]: connect from client.example[192.0.2.7]
Dec  4 10:00:01 mx postfix/smtpd[100]: 4A1B2C3D4E: client=client.example[192.0.2.7], sasl_method=PLAIN, sasl_username=alice
Dec  4 10:00:01 mx postfix/cleanup[101]: 4A1B2C3D4E: message-id=<m1@client.example>
Dec  4 10:00:01 mx postfix/qmgr[102]: 4A1B2C3D4E: from=<alice@client.example>, size=900, nrcpt=1 (queue active)
Dec  4 10:00:02 mx postfix/smtpd[100]: disconnect from client.example[192.0.2.7] ehlo=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6
2026-12-04T10:00:02.500000+00:00 mx postfix-out/smtpd[200]: connect from localhost[127.0.0.1]
2026-12-04T10:00:02.600000+00:00 mx postfix-out/smtpd[200]: 9F8E7D6C5B: client=localhost[127.0.0.1]
2026-12-04T10:00:02.700000+00:00 mx postfix-out/cleanup[201]: 9F8E7D6C5B: message-id=<m1@client.example>
2026-12-04T10:00:02.800000+00:00 mx postfix-out/qmgr[202]: 9F8E7D6C5B: from=<alice@client.example>, size=1100, nrcpt=1 (queue active)
2026-12-04T10:00:02.900000+00:00 mx postfix/smtp[103]: 4A1B2C3D4E: to=<bob@far.example>, relay=127.0.0.1[127.0.0.1]:10026, delay=1.9, delays=0.1/0/0.1/1.7, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C5B)
2026-12-04T10:00:03.000000+00:00 mx postfix/qmgr[102]: 4A1B2C3D4E: removed
2026-12-04T10:00:03.000000+00:00 mx postfix-out/smtpd[200]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
2026-12-04T10:00:04.000000+00:00 mx postfix-out/smtp[203]: 9F8E7D6C5B: to=<bob@far.example>, relay=mx.far.example[198.51.100.9]:25, delay=1.2, delays=0/0/0.5/0.7, dsn=2.0.0, status=sent (250 ok)
2026-12-04T10:00:04.100000+00:00 mx postfix-out/qmgr[202]: 9F8E7D6C5B: removed
`;

describe('a multi-instance log with both timestamp forms', () => {
  it('follows the relay hop into the other instance, sessions and times included', async () => {
    const path = join(dir, 'mail.log');
    writeFileSync(path, LOG);
    utimesSync(path, new Date('2026-12-04T10:00:05Z'), new Date('2026-12-04T10:00:05Z'));
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
