/**
 * The demo's little internet: recipient domains with how they answer (delivered, or deferred
 * with the reason and DSN status a real Postfix smtp client would log), and the people and
 * programs that send mail. Pure data and decisions over a Random; no I/O.
 */
import type { Random } from './random.js';

export const DEMO_HOSTNAME = 'mx.demo.example';

export interface Failure {
  status: string;
  reason: string;
}

export interface AttemptContext {
  /** The message comes from the deferred queue (this is not its first attempt). */
  retry: boolean;
  /** The message belongs to a bulk (spam) burst. */
  bulk: boolean;
  rnd: Random;
}

export interface DomainProfile {
  domain: string;
  /** Relative share of recipients. */
  weight: number;
  /** Deferred almost always on a first attempt: seeds the initial deferred queue. */
  troubled: boolean;
  /** How long one delivery attempt takes, in milliseconds [min, max]. */
  latency: readonly [number, number];
  /** The chance that one attempt for this recipient is deferred. */
  failRate(recipient: string, ctx: Omit<AttemptContext, 'rnd'>): number;
  /** What the smtp client logs when it is. */
  failure(recipient: string): Failure;
}

/** One attempt for one recipient: null when delivered, else why it was deferred. */
export function attemptDelivery(profile: DomainProfile, recipient: string, ctx: AttemptContext): Failure | null {
  return ctx.rnd.chance(profile.failRate(recipient, ctx)) ? profile.failure(recipient) : null;
}

const said = (host: string, reply: string, stage: string) => `host ${host} said: ${reply} (in reply to ${stage} command)`;

/** A stable small hash, so the same mailbox is always the one that is full. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function healthy(domain: string, weight: number): DomainProfile {
  const ip = `203.0.113.${(hash(domain) % 200) + 20}`;
  return {
    domain,
    weight,
    troubled: false,
    latency: [150, 1500],
    failRate: () => 0.01,
    failure: () => ({ status: '4.4.2', reason: `lost connection with mx.${domain}[${ip}] while sending RCPT TO` }),
  };
}

export const DOMAINS: readonly DomainProfile[] = [
  healthy('example.com', 30),
  healthy('example.org', 20),
  healthy('example.net', 14),
  healthy('partner.example', 8),
  healthy('customers.example', 8),
  healthy('corp.example', 10),
  {
    domain: 'greylist.example',
    weight: 7,
    troubled: true,
    latency: [300, 1200],
    failRate: (_r, ctx) => (ctx.retry ? 0.1 : 0.95),
    failure: (r) => ({
      status: '4.7.1',
      reason: said('mx1.greylist.example[203.0.113.10]', `450 4.7.1 <${r}>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/greylist.example.html`, 'RCPT TO'),
    }),
  },
  {
    domain: 'smallbiz.example',
    weight: 4,
    troubled: true,
    latency: [300, 1500],
    failRate: (_r, ctx) => (ctx.retry ? 0.15 : 0.9),
    failure: (r) => ({ status: '4.7.1', reason: said('mail.smallbiz.example[198.51.100.31]', `451 4.7.1 <${r}>: Recipient address rejected: Try again later`, 'RCPT TO') }),
  },
  {
    domain: 'dead.example',
    weight: 3,
    troubled: true,
    latency: [4000, 9000],
    failRate: () => 1,
    failure: (r) => ({ status: '4.4.1', reason: `connect to mx.dead.example[192.0.2.${(hash(r) % 3) + 17}]:25: Connection timed out` }),
  },
  {
    domain: 'oldcorp.example',
    weight: 2,
    troubled: true,
    latency: [200, 800],
    failRate: () => 1,
    failure: () => ({ status: '4.4.1', reason: 'connect to mail.oldcorp.example[192.0.2.45]:25: Connection refused' }),
  },
  {
    domain: 'bigmail.example',
    weight: 6,
    troubled: true,
    latency: [300, 1500],
    // The same mailboxes are full every time.
    failRate: (r) => (hash(r) % 4 === 0 ? 0.9 : 0.01),
    failure: (r) => ({ status: '4.2.2', reason: said('mx.bigmail.example[198.51.100.25]', `452 4.2.2 <${r}>: Recipient address rejected: Mailbox full`, 'RCPT TO') }),
  },
  {
    domain: 'flaky-dns.example',
    weight: 3,
    troubled: true,
    latency: [50, 400],
    failRate: () => 0.7,
    failure: () => ({ status: '4.4.3', reason: 'Host or domain name not found. Name service error for name=flaky-dns.example type=MX: Host not found, try again' }),
  },
  {
    domain: 'secure-bank.example',
    weight: 2,
    troubled: true,
    latency: [300, 1200],
    failRate: () => 0.85,
    failure: () => ({ status: '4.7.4', reason: 'TLS is required, but was not offered by host mx.secure-bank.example[198.51.100.80]' }),
  },
  {
    domain: 'tls-broken.example',
    weight: 2,
    troubled: true,
    latency: [300, 1500],
    failRate: () => 0.8,
    failure: () => ({ status: '4.7.5', reason: 'Cannot start TLS: handshake failure' }),
  },
  {
    domain: 'bigprovider.example',
    weight: 12,
    troubled: true,
    latency: [300, 2000],
    failRate: (_r, ctx) => (ctx.bulk ? 0.85 : 0.03),
    failure: () => ({
      status: '4.7.28',
      reason: said('mx2.bigprovider.example[203.0.113.66]', '421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.', 'end of DATA'),
    }),
  },
  {
    domain: 'slow.example',
    weight: 3,
    troubled: false,
    latency: [2000, 6000],
    failRate: () => 0.3,
    failure: () => ({ status: '4.4.2', reason: 'conversation with mx.slow.example[203.0.113.90] timed out while receiving the initial server greeting' }),
  },
];

export const TROUBLED_DOMAINS = DOMAINS.filter((d) => d.troubled);

export function profileFor(address: string): DomainProfile | null {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return DOMAINS.find((d) => d.domain === domain) ?? null;
}

const FIRST = ['anna', 'ben', 'chen', 'dana', 'eli', 'fatima', 'gus', 'hana', 'ivo', 'jo', 'kai', 'lena', 'mo', 'nina', 'omar', 'pia', 'raj', 'sara', 'tom', 'uma', 'vic', 'wen', 'yuki', 'zoe'];
const ROLES = ['info', 'sales', 'support', 'billing', 'office', 'hr', 'admin', 'orders'];

export function randomRecipient(rnd: Random, options: { bulk?: boolean; from?: readonly DomainProfile[] } = {}): string {
  const pool = options.from ?? DOMAINS;
  // Bursts go mostly to the big provider, which rate-limits them.
  const weight = (d: DomainProfile) => (options.bulk && d.domain === 'bigprovider.example' ? 60 : d.weight);
  const profile = rnd.weighted(pool.map((d) => [d, weight(d)] as const));
  const local = rnd.chance(0.2) ? rnd.pick(ROLES) : `${rnd.pick(FIRST)}${rnd.chance(0.5) ? rnd.int(1, 99) : ''}`;
  return `${local}@${profile.domain}`;
}

export interface SenderProfile {
  address: string;
  fullName: string | null;
  /** Submitted with sendmail (maildrop, pickup) rather than SMTP. */
  local: boolean;
  /** SMTP client: helo, reverse name, address. */
  client?: { helo: string; name: string; address: string; login?: string };
}

export const SENDERS: ReadonlyArray<readonly [SenderProfile, number]> = [
  [{ address: 'alice@corp.example', fullName: null, local: false, client: { helo: 'laptop-alice', name: 'vpn-12.corp.example', address: '10.8.0.12', login: 'alice' } }, 8],
  [{ address: 'bob@corp.example', fullName: null, local: false, client: { helo: 'bobs-mac.local', name: 'vpn-31.corp.example', address: '10.8.0.31', login: 'bob' } }, 6],
  [{ address: 'carol@corp.example', fullName: null, local: false, client: { helo: 'carol-pc', name: 'office-gw.corp.example', address: '10.0.0.1', login: 'carol' } }, 6],
  [{ address: 'billing@corp.example', fullName: null, local: false, client: { helo: 'erp.corp.example', name: 'erp.corp.example', address: '10.0.2.5' } }, 8],
  [{ address: 'noreply@corp.example', fullName: null, local: false, client: { helo: 'app1.corp.example', name: 'app1.corp.example', address: '10.0.2.10' } }, 12],
  [{ address: 'www-data@mx.demo.example', fullName: 'www-data', local: true }, 8],
  [{ address: 'root@mx.demo.example', fullName: 'root', local: true }, 3],
  [{ address: 'nagios@mx.demo.example', fullName: 'Nagios Monitoring', local: true }, 3],
  [{ address: 'newsletter@corp.example', fullName: null, local: false, client: { helo: 'lists.corp.example', name: 'lists.corp.example', address: '10.0.2.20' } }, 4],
];

/** Senders of the bursts: a compromised account and a customer's runaway mailing script. */
export const BULK_SENDERS: readonly SenderProfile[] = [
  { address: 'kevin@corp.example', fullName: null, local: false, client: { helo: 'DESKTOP-7QX2K', name: 'unknown', address: '198.51.100.199', login: 'kevin' } },
  { address: 'promo@deals.corp.example', fullName: null, local: false, client: { helo: 'mailer.deals.corp.example', name: 'mailer.deals.corp.example', address: '10.0.3.7' } },
];
