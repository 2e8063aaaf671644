/**
 * A minimal SMTP client for tests: one session to a private instance's smtpd (optionally with
 * XCLIENT, which Postfix lets authorized clients use to set the client address, name, HELO and
 * SASL login it records), one message. Resolves with the queue id smtpd assigned; rejects with
 * the dialogue when a reply is not the one expected.
 */
import { connect } from 'node:net';

export interface SmtpMessage {
  /** XCLIENT attributes (ADDR, NAME, HELO, PROTO, LOGIN, ...), sent before EHLO. */
  xclient?: Record<string, string>;
  helo: string;
  /** Greet with HELO (smtpd records protocol SMTP) instead of EHLO (ESMTP). */
  plainHelo?: boolean;
  from: string;
  to: string[];
  /** Headers + blank line + body, LF line ends. */
  data: string;
}

export function sendSmtp(port: number, message: SmtpMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const log: string[] = [];
    let buffer = '';
    const steps: Array<[string | null, RegExp]> = [[null, /^220/]];
    if (message.xclient) {
      steps.push([`EHLO ${message.helo}`, /^250/]);
      steps.push([`XCLIENT ${Object.entries(message.xclient).map(([k, v]) => `${k}=${v}`).join(' ')}`, /^220/]);
    }
    steps.push([`${message.plainHelo ? 'HELO' : 'EHLO'} ${message.helo}`, /^250/], [`MAIL FROM:<${message.from}>`, /^250/]);
    for (const rcpt of message.to) steps.push([`RCPT TO:<${rcpt}>`, /^250/]);
    const body = message.data.replace(/\n/g, '\r\n').replace(/^\./gm, '..');
    steps.push(['DATA', /^354/], [`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.`, /^250/], ['QUIT', /^221/]);
    let queueId = '';
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`${why}\n${log.join('\n')}`));
    };
    const next = () => {
      const step = steps[0];
      if (!step) return;
      if (step[0] !== null) {
        log.push(`> ${step[0].split('\r\n')[0]}`);
        socket.write(step[0] + '\r\n');
      }
    };
    socket.setEncoding('latin1');
    socket.setTimeout(30_000, () => fail('no reply in 30 s'));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // A reply ends with a line "NNN text" (multi-line replies use "NNN-").
      for (let m = /(?:^|\n)(\d{3}) [^\n]*\r?\n/.exec(buffer); m; m = /(?:^|\n)(\d{3}) [^\n]*\r?\n/.exec(buffer)) {
        const reply = buffer.slice(0, m.index + m[0].length);
        buffer = buffer.slice(m.index + m[0].length);
        log.push(`< ${reply.trim()}`);
        const step = steps.shift();
        if (!step || !step[1].test(reply.split('\n').at(-2) ?? reply)) return fail(`unexpected reply: ${reply.trim()}`);
        const queued = /queued as ([0-9A-Za-z]+)/.exec(reply);
        if (queued) queueId = queued[1]!;
        if (steps.length === 0) {
          socket.end();
          return resolve(queueId);
        }
        next();
      }
    });
    socket.on('error', (error) => fail(error.message));
    socket.on('close', () => steps.length > 0 && fail('connection closed'));
  });
}
