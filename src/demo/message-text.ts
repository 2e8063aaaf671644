/**
 * The demo's messages: who sends what to whom, and the text cleanup stores for it (its
 * Received header, the headers, a body; now and then a line longer than 2048 bytes or an
 * attachment, so sizes and L records vary). Pure over a Random; no I/O.
 */
import { BULK_SENDERS, DEMO_HOSTNAME, randomRecipient, SENDERS, type SenderProfile } from './domains.js';
import type { Random } from './random.js';

export interface DemoMessage {
  /** Envelope sender; the empty string is the null sender of a bounce. */
  sender: string;
  fullName: string | null;
  /** Submitted with sendmail (maildrop, then pickup) rather than over SMTP. */
  local: boolean;
  client: SenderProfile['client'] | null;
  recipients: string[];
  subject: string;
  bulk: boolean;
  /** Headers the author wrote and the body, `\n` line ends, no Received header yet. */
  text: string;
  arrival: { seconds: number; microseconds: number };
}

const SUBJECTS = [
  'Invoice {n} for November', 'Re: meeting notes', 'Your order #{n} has shipped', 'Weekly report', 'Password reset request',
  '[nagios] PROBLEM: disk /var on db2 is WARNING', 'Cron <root@mx> /usr/local/bin/backup.sh', 'Re: Re: contract draft v{n}',
  'Quarterly figures', 'Welcome to the team!', 'Reminder: timesheets due Friday', 'Your ticket #{n} was updated',
  'Newsletter: what is new in December', 'Fwd: travel plans', 'Build {n} failed', 'Lunch?',
];
const BULK_SUBJECTS = ['LAST CHANCE: 90% off everything', 'You have won a prize!!!', 'Urgent: verify your account now', 'Cheap watches, best prices'];
const WORDS = (
  'the a budget meeting invoice attached please review schedule quarterly report thanks regards team update project ' +
  'deadline customer order shipment approved pending figures summary next week office minutes agenda travel ' +
  'estimate vendor contract draft signed growth status action item follow up today tomorrow morning call'
).split(' ');

const pad2 = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Postfix's mail_date() in UTC: `Sat, 28 Nov 2026 19:43:12 +0000 (UTC)` (day space-padded). */
export function mailDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]}, ${String(d.getUTCDate()).padStart(2, ' ')} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} +0000 (UTC)`;
}

function sentence(rnd: Random): string {
  const words = Array.from({ length: rnd.int(6, 14) }, () => rnd.pick(WORDS));
  const text = words.join(' ');
  return text[0]!.toUpperCase() + text.slice(1) + '.';
}

function paragraph(rnd: Random, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  while (out.length < lines) {
    const s = sentence(rnd);
    if (line.length + s.length + 1 > 72 && line) {
      out.push(line);
      line = s;
    } else {
      line = line ? `${line} ${s}` : s;
    }
  }
  return out;
}

function body(rnd: Random, bulk: boolean): string[] {
  const lines = paragraph(rnd, rnd.int(3, 14));
  if (bulk || rnd.chance(0.04)) {
    // An HTML mailer's one-line body: longer than line_length_limit, stored as L + N records.
    lines.push('', `<html><body>${Array.from({ length: rnd.int(60, 160) }, () => `<p>${sentence(rnd)}</p>`).join('')}</body></html>`);
  }
  if (!bulk && rnd.chance(0.03)) {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const row = Array.from({ length: 76 }, () => rnd.pick([...chars])).join('');
    lines.push('', '--- attachment: report.pdf (base64) ---', ...Array.from({ length: rnd.int(200, 3000) }, () => row));
  }
  return lines;
}

export function recipientCount(rnd: Random): number {
  return rnd.weighted([[1, 70], [2, 15], [3, 10], [5, 4], [12, 1]] as const);
}

export interface ComposeOptions {
  now: number;
  bulkSender?: SenderProfile;
  recipients?: string[];
}

export function composeMessage(rnd: Random, options: ComposeOptions): DemoMessage {
  const bulk = options.bulkSender !== undefined;
  const profile = options.bulkSender ?? rnd.weighted(SENDERS);
  const recipients = options.recipients ?? Array.from({ length: recipientCount(rnd) }, () => randomRecipient(rnd, { bulk }));
  const subject = (bulk ? rnd.pick(BULK_SUBJECTS) : rnd.pick(SUBJECTS)).replace('{n}', String(rnd.int(1000, 99999)));
  const headers = [`From: ${profile.fullName ? `${profile.fullName} <${profile.address}>` : profile.address}`, `To: ${recipients.join(', ')}`, `Subject: ${subject}`];
  // Local programs often leave Date and Message-ID to cleanup; mail clients write them.
  if (!profile.local) {
    headers.push(`Date: ${mailDate(options.now - rnd.int(0, 5))}`, `Message-ID: <${rnd.int(1e8, 9e8).toString(36)}.${rnd.int(1e5, 9e5)}@${profile.address.split('@')[1]}>`);
  }
  headers.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8');
  return {
    sender: profile.address,
    fullName: profile.fullName,
    local: profile.local,
    client: profile.client ?? null,
    recipients,
    subject,
    bulk,
    text: [...headers, '', ...body(rnd, bulk)].join('\n') + '\n',
    arrival: { seconds: Math.floor(options.now), microseconds: rnd.int(0, 999_999) },
  };
}

export function pickBulkSender(rnd: Random): SenderProfile {
  return rnd.pick(BULK_SENDERS);
}

/** The A records smtpd hands cleanup after the sender, in the order cleanup stores them. */
export function smtpAttributes(msg: DemoMessage, port: number): Array<[string, string]> {
  const c = msg.client;
  if (!c) return [];
  const proto = c.login ? 'ESMTPSA' : 'ESMTP';
  const attrs: Array<[string, string]> = [
    ['log_client_name', c.name], ['log_client_address', c.address], ['log_client_port', String(port)],
    ['log_message_origin', `${c.name}[${c.address}]`], ['log_helo_name', c.helo], ['log_protocol_name', proto],
    ['client_name', c.name], ['reverse_client_name', c.name], ['client_address', c.address], ['client_port', String(port)],
    ['server_address', '203.0.113.5'], ['server_port', c.login ? '587' : '25'],
    ['helo_name', c.helo], ['protocol_name', proto], ['client_address_type', '2'],
  ];
  if (c.login) attrs.push(['sasl_method', 'PLAIN'], ['sasl_username', c.login]);
  return attrs;
}

/** smtpd's Received header for a message it received. */
export function smtpReceived(msg: DemoMessage, id: string): string {
  const c = msg.client!;
  const forClause = msg.recipients.length === 1 ? `\n\tfor <${msg.recipients[0]}>` : '';
  const proto = c.login ? 'ESMTPSA' : 'ESMTP';
  return `Received: from ${c.helo} (${c.name} [${c.address}])\n\tby ${DEMO_HOSTNAME} (Postfix) with ${proto} id ${id}${forClause}; ${mailDate(msg.arrival.seconds)}\n`;
}

/** pickup's Received header for a local submission (uid of the submitting user). */
export function pickupReceived(id: string, uid: number, mtime: number): string {
  return `Received: by ${DEMO_HOSTNAME} (Postfix, from userid ${uid})\n\tid ${id}; ${mailDate(mtime)}\n`;
}

/** The headers cleanup adds to local mail that lacks them, at the end of the header block. */
export function addMissingHeaders(text: string, id: string, seconds: number): string {
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split + 1);
  const rest = split < 0 ? '' : text.slice(split + 1);
  const d = new Date(seconds * 1000);
  const stamp = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
  let added = '';
  if (!/^message-id:/im.test(head)) added += `Message-Id: <${stamp}.${id}@${DEMO_HOSTNAME}>\n`;
  if (!/^date:/im.test(head)) added += `Date: ${mailDate(seconds)}\n`;
  return head + added + rest;
}

/** The non-delivery notice qmgr's bounce service sends when a message expires. */
export function bounceText(original: { id: string; sender: string; reasons: Array<[string, string]> }, seconds: number): string {
  const lines = [
    `From: MAILER-DAEMON@${DEMO_HOSTNAME} (Mail Delivery System)`,
    'Subject: Undelivered Mail Returned to Sender',
    `To: ${original.sender}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    `Date: ${mailDate(seconds)}`,
    '',
    `This is the mail system at host ${DEMO_HOSTNAME}.`,
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients. It is attached below.',
    '',
    ...original.reasons.map(([rcpt, reason]) => `<${rcpt}>: ${reason}`),
  ];
  return lines.join('\n') + '\n';
}
