/**
 * Who sent it, against a REAL private Postfix: mail comes in over SMTP to the instance's own
 * smtpd (XCLIENT, which smtpd allows its authorized clients, sets the client address, name,
 * HELO and SASL login smtpd records, including an IPv6 client), plus one message through
 * sendmail. Then client:, helo:, sasl:, proto: and origin: must select exactly those messages,
 * and `postq list --json` must carry the attributes exactly as postcat -e shows them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { closedPort } from '../helpers/postfix-config.js';
import { createPostfixInstance, type PostfixInstance } from '../helpers/postfix-instance.js';
import { ensureBuilt, runPostq } from '../helpers/postq-cli.js';
import { postqInProcess } from '../helpers/postq-in-process.js';
import { sendSmtp, type SmtpMessage } from '../helpers/smtp-client.js';

let pf: PostfixInstance;
const ids = new Map<string, string>();

const data = (subject: string) => `Subject: ${subject}\n\nHello.\n`;
/** Sender -> session; the sender is unique per message. */
const SESSIONS: Record<string, Omit<SmtpMessage, 'from' | 'data'>> = {
  'plain@shop.example': { helo: 'mail.shop.example', plainHelo: true, to: ['a@remote.example'] },
  'v4@shop.example': { xclient: { ADDR: '203.0.113.9', NAME: 'out.shop.example' }, helo: 'out.shop.example', to: ['b@remote.example'] },
  'v6@v6.example': { xclient: { ADDR: 'IPV6:2001:db8:1::25', NAME: 'mx.v6.example' }, helo: 'mx.v6.example', to: ['c@remote.example'] },
  'login@corp.example': { xclient: { ADDR: '198.51.100.77', NAME: '[UNAVAILABLE]', LOGIN: 'bob@corp.example' }, helo: '[198.51.100.77]', to: ['d@remote.example', 'e@remote.example'] },
};

beforeAll(async () => {
  await ensureBuilt();
  const smtpdPort = await closedPort();
  pf = await createPostfixInstance({
    label: 'who',
    smtpdPort,
    config: {
      smtpd_authorized_xclient_hosts: '127.0.0.0/8',
      // XCLIENT sets addresses from anywhere: every client may relay to the closed port.
      mynetworks: '0.0.0.0/0 [::]/0',
      smtpd_relay_restrictions: 'permit_mynetworks, reject',
      // XCLIENT LOGIN is recorded only with SASL on (Cyrus, no mechanism is ever used here).
      smtpd_sasl_auth_enable: 'yes',
      smtpd_sasl_type: 'cyrus',
      smtpd_peername_lookup: 'no',
      // XCLIENT takes an IPv6 ADDR only when smtpd speaks IPv6 (the listener stays 127.0.0.1).
      inet_protocols: 'all',
    },
  });
  for (const [from, s] of Object.entries(SESSIONS)) ids.set(from, await waitForSmtpd(smtpdPort, { ...s, from, data: data(from) }));
  pf.sendmail('local@corp.example', ['f@remote.example'], data('local'));
  const listing = await pf.waitForDeferred(Object.keys(SESSIONS).length + 1);
  ids.set('local@corp.example', listing.find((e) => e.sender === 'local@corp.example')!.queue_id);
}, 180_000);
afterAll(() => pf?.stop());

/** The master may take a moment to open the listener after start. */
async function waitForSmtpd(port: number, message: SmtpMessage): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendSmtp(port, message);
    } catch (error) {
      if (attempt > 50 || !/ECONNREFUSED/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A dry run through runMain in process (postq-in-process.ts); list --json below runs the built CLI. */
const selected = async (filter: string) => {
  const r = await postqInProcess(['hold', '--filter', filter, '-c', pf.configDir, '--dry-run'], pf.env);
  expect(r.status, r.stderr).toBe(0);
  const found = new Set(r.stdout.match(/\b[0-9A-F]{10,12}\b/g) ?? []);
  return [...ids].filter(([, id]) => found.has(id)).map(([from]) => from).sort();
};

describe('who, on mail a real smtpd received', () => {
  test('client:, helo:, sasl:, proto:, origin: select exactly those messages', async () => {
    expect(await selected('client:203.0.113.0/24')).toEqual(['v4@shop.example']);
    expect(await selected('client:2001:db8::/32')).toEqual(['v6@v6.example']);
    expect(await selected('client:127.0.0.1')).toEqual(['plain@shop.example']);
    expect(await selected('client:out.shop.example')).toEqual(['v4@shop.example']);
    expect(await selected('helo:"[198.51.100.77]"')).toEqual(['login@corp.example']);
    expect(await selected('helo:shop.example')).toEqual(['plain@shop.example', 'v4@shop.example']);
    expect(await selected('sasl:bob@corp.example')).toEqual(['login@corp.example']);
    expect(await selected('proto:/^smtp$/')).toEqual(['plain@shop.example']);
    expect(await selected('proto:esmtp')).toEqual(['login@corp.example', 'v4@shop.example', 'v6@v6.example']);
    expect(await selected('origin:smtp')).toEqual(['login@corp.example', 'plain@shop.example', 'v4@shop.example', 'v6@v6.example']);
    expect(await selected('origin:local')).toEqual(['local@corp.example']);
    expect(await selected('origin:smtp !sasl:bob (client:10.0.0.0/8 or client:::/0)')).toEqual(['v6@v6.example']);
  });

  test('list --json carries the attributes as postcat -e shows them', () => {
    const json = runPostq(['list', '--json', '-c', pf.configDir], pf.env).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const NAMES = ['client_name', 'client_address', 'client_port', 'helo_name', 'protocol_name', 'sasl_method', 'sasl_username', 'sasl_sender'];
    let checked = 0;
    for (const [from, id] of ids) {
      const postcat = pf.run('postcat', ['-c', pf.configDir, '-e', '-q', id]).stdout;
      const plain: Record<string, string> = {};
      const log: Record<string, string> = {};
      for (const m of postcat.matchAll(/^named_attribute: (log_)?([a-z_]+)=(.*)$/gm)) {
        if (NAMES.includes(m[2]!)) (m[1] ? log : plain)[m[2]!] ??= m[3]!;
      }
      const want = { ...log, ...plain };
      const entry = json.find((e) => e.queue_id === id);
      const got = Object.fromEntries(NAMES.filter((n) => n in entry.postq).map((n) => [n, entry.postq[n]]));
      expect(got, from).toEqual(want);
      expect(entry.postq.origin, from).toBe(from === 'local@corp.example' ? 'local' : 'smtp');
      checked++;
    }
    expect(checked).toBe(5);
    const login = json.find((e) => e.queue_id === ids.get('login@corp.example'));
    expect(login.postq).toMatchObject({ client_address: '198.51.100.77', sasl_username: 'bob@corp.example', helo_name: '[198.51.100.77]' });
    expect(json.find((e) => e.queue_id === ids.get('v6@v6.example')).postq.client_address).toBe('2001:db8:1::25');
  });
});
