/**
 * Reason clusters on a table of real Postfix defer texts: the corpus's (a real Postfix 3.7
 * wrote them), the demo's (modelled on real smtp(8) logs), and texts from Postfix's sources
 * and public logs with IPv6 peers and SMTPUTF8. Each gets its class, reply code, enhanced
 * status and template; texts that differ only in hosts, addresses, ports, ids or numbers
 * fall into one cluster, and different causes do not.
 */
import { describe, expect, it } from 'vitest';
import { clusterReason, describeCluster } from '../../src/domain/reason-cluster.js';

const CASES: Array<[string, string, string | null, string | null, string]> = [
  // The corpus (defer logs written by Postfix 3.7.11).
  ['connect to 127.0.0.1[127.0.0.1]:2599: Connection refused', 'refused', null, null, 'connect to <host>: Connection refused'],
  ['delivery temporarily suspended: connect to 127.0.0.1[127.0.0.1]:2599: Connection refused', 'refused', null, null, 'connect to <host>: Connection refused'],
  ['Mailbox over quota (simulated by transport_maps)', 'mailbox full', null, null, 'Mailbox over quota (simulated by transport_maps)'],
  ['greylisted ?[2J?]0;gotcha??[31mcome back later?[0m', 'greylisting', null, null, 'greylisted ?[<n>J?]<n>;gotcha??[<n>mcome back later?[<n>m'],
  // The demo.
  ['host mx1.greylist.example[203.0.113.10] said: 450 4.7.1 <anna5@greylist.example>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/greylist.example.html (in reply to RCPT TO command)',
    'greylisting', '450', '4.7.1', 'host <host> said: <addr>: Recipient address rejected: Greylisted, see <url> (in reply to RCPT TO command)'],
  ['host mail.smallbiz.example[198.51.100.31] said: 451 4.7.1 <gus@smallbiz.example>: Recipient address rejected: Try again later (in reply to RCPT TO command)',
    'greylisting', '451', '4.7.1', 'host <host> said: <addr>: Recipient address rejected: Try again later (in reply to RCPT TO command)'],
  ['connect to mx.dead.example[192.0.2.18]:25: Connection timed out', 'timeout', null, null, 'connect to <host>: Connection timed out'],
  ['host mx.bigmail.example[198.51.100.25] said: 452 4.2.2 <chen@bigmail.example>: Recipient address rejected: Mailbox full (in reply to RCPT TO command)',
    'mailbox full', '452', '4.2.2', 'host <host> said: <addr>: Recipient address rejected: Mailbox full (in reply to RCPT TO command)'],
  ['Host or domain name not found. Name service error for name=flaky-dns.example type=MX: Host not found, try again', 'DNS', null, null,
    'Host or domain name not found. Name service error for name=<host> type=MX: Host not found, try again'],
  ['TLS is required, but was not offered by host mx.secure-bank.example[198.51.100.80]', 'TLS', null, null, 'TLS is required, but was not offered by host <host>'],
  ['Cannot start TLS: handshake failure', 'TLS', null, null, 'Cannot start TLS: handshake failure'],
  ['host mx2.bigprovider.example[203.0.113.66] said: 421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. (in reply to end of DATA command)',
    'rate limiting', '421', '4.7.28', 'host <host> said: Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. (in reply to end of DATA command)'],
  ['conversation with mx.slow.example[203.0.113.90] timed out while receiving the initial server greeting', 'timeout', null, null, 'conversation with <host> timed out while receiving the initial server greeting'],
  ['lost connection with mx.lossy.example[192.0.2.77] while sending RCPT TO', 'connection lost', null, null, 'lost connection with <host> while sending RCPT TO'],
  // IPv6 peers.
  ['connect to mx.v6.example[2001:db8:1::25]:25: Network is unreachable', 'connection lost', null, null, 'connect to <host>: Network is unreachable'],
  ['host mx.v6.example[2001:db8::a:25] said: 550-5.7.1 [2001:db8:77::9] The IP you are using to send mail is not authorized to send email directly to our servers. (in reply to end of DATA command)',
    'policy/blocklist', '550', '5.7.1', 'host <host> said: [<ip>] The IP you are using to send mail is not authorized to send email directly to our servers. (in reply to end of DATA command)'],
  ['host mx.example.net[2001:db8::25] said: 554 5.7.1 Service unavailable; Client host [192.0.2.99] blocked using zen.spamhaus.org (in reply to RCPT TO command)',
    'policy/blocklist', '554', '5.7.1', 'host <host> said: Service unavailable; Client host [<ip>] blocked using zen.spamhaus.org (in reply to RCPT TO command)'],
  // SMTPUTF8.
  ['SMTPUTF8 is required, but was not offered by host mx.old.example[192.0.2.40]', 'other', null, null, 'SMTPUTF8 is required, but was not offered by host <host>'],
  ['host mx.παράδειγμα.example[192.0.2.41] said: 553 5.6.7 <δοκιμή@παράδειγμα.example>: Recipient address rejected: non-ASCII address (in reply to RCPT TO command)',
    'policy/blocklist', '553', '5.6.7', 'host <host> said: <addr>: Recipient address rejected: non-ASCII address (in reply to RCPT TO command)'],
  // Queue ids and numbers in the remote's reply.
  ['host mx.b.example[192.0.2.5] said: 452 4.5.3 Too many recipients in this session, queued as 4F2A19C3D1 after 100 (in reply to RCPT TO command)',
    'rate limiting', '452', '4.5.3', 'host <host> said: Too many recipients in this session, queued as <id> after <n> (in reply to RCPT TO command)'],
  ['host mx.c.example[192.0.2.6] said: 550 5.1.1 <nobody@c.example>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)',
    'user unknown', '550', '5.1.1', 'host <host> said: <addr>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)'],
];

describe('clusterReason on real defer texts', () => {
  it.each(CASES)('%s', (text, reasonClass, code, status, template) => {
    const c = clusterReason(text);
    expect({ reasonClass: c.reasonClass, code: c.code, status: c.status, template: c.template }).toEqual({ reasonClass, code, status, template });
    expect(c.id).toMatch(/^[0-9a-f]{8}$/);
  });

  it('the same cause on other hosts, addresses, ports and ids is one cluster', () => {
    const same = [
      ['connect to mx1.a.example[192.0.2.1]:25: Connection timed out', 'connect to mx2.a.example[192.0.2.2]:25: Connection timed out', 'connect to mx.b.example[2001:db8::1]:587: Connection timed out'],
      ['host mx1.greylist.example[203.0.113.10] said: 450 4.7.1 <a@greylist.example>: Recipient address rejected: Greylisted (in reply to RCPT TO command)',
        'host mx2.greylist.example[203.0.113.11] said: 450 4.7.1 <b.c@greylist.example>: Recipient address rejected: Greylisted (in reply to RCPT TO command)'],
      ['connect to 127.0.0.1[127.0.0.1]:2599: Connection refused', 'delivery temporarily suspended: connect to 10.1.2.3[10.1.2.3]:25: Connection refused'],
    ];
    for (const group of same) expect(new Set(group.map((t) => clusterReason(t).key)).size).toBe(1);
  });

  it('different causes, codes or stages are different clusters', () => {
    const different = [
      'connect to mx1.a.example[192.0.2.1]:25: Connection timed out',
      'connect to mx1.a.example[192.0.2.1]:25: Connection refused',
      'host mx[192.0.2.1] said: 450 4.7.1 Greylisted (in reply to RCPT TO command)',
      'host mx[192.0.2.1] said: 451 4.7.1 Greylisted (in reply to RCPT TO command)',
      'host mx[192.0.2.1] said: 450 4.7.1 Greylisted (in reply to MAIL FROM command)',
    ];
    expect(new Set(different.map((t) => clusterReason(t).key)).size).toBe(different.length);
  });

  it('a host name is not a cause: flaky-dns.example refusing is "refused", not DNS', () => {
    expect(clusterReason('connect to mx.flaky-dns.example[192.0.2.9]:25: Connection refused').reasonClass).toBe('refused');
    expect(describeCluster(clusterReason('host mx[192.0.2.1] said: 450 4.7.1 Greylisted'))).toBe('greylisting 450 4.7.1 host <host> said: Greylisted');
  });
});
