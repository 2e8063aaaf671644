/**
 * The soak's mail log, written the way Postfix's postlogd writes maillog_file (RFC 3339 time,
 * host, `postfix/DAEMON[PID]: ID: text`), for the pane-log soak (bench/soak.ts --target
 * pane-log): a history written before the console starts (every queued message arrived and
 * was tried a number of times, in time order, so any message's trail fills more than a
 * screen), then the lines of each feeder event (spool-feeder.ts) as they happen. Lines are
 * buffered and appended per feeder tick (every 10 ms), as a busy postlogd does.
 */
import { appendFileSync, writeFileSync } from 'node:fs';

export type LogEvent = 'hold' | 'release' | 'retry' | 'activate' | 'defer' | 'log' | 'arrive' | 'deliver' | 'pinned';

const HOST = 'mx.soak.example';
const PIDS: Record<string, number> = { smtpd: 2101, cleanup: 2102, qmgr: 1042, smtp: 2205, postsuper: 3310 };
const REASONS = [
  'connect to mx.bigprovider.example[192.0.2.25]:25: Connection timed out',
  'host mx.greylist.example[198.51.100.7] said: 450 4.7.1 Recipient address rejected: Greylisted, try again in 297 seconds (in reply to RCPT TO command)',
  'host mx.bigmail.example[203.0.113.9] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)',
];

const stamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const line = (ms: number, daemon: string, id: string, text: string) => `${stamp(ms)} ${HOST} postfix/${daemon}[${PIDS[daemon]}]: ${id}: ${text}\n`;
const rcpt = (id: string) => `user${parseInt(id.slice(-3), 16) % 997}@bigprovider.example`;
const deferred = (ms: number, id: string, n: number) =>
  line(ms, 'smtp', id, `to=<${rcpt(id)}>, relay=none, delay=${30 + (n % 300)}, delays=0.01/0/30/0, dsn=4.4.1, status=deferred (${REASONS[n % REASONS.length]})`);

/** The lines Postfix logs for one event on message `id` at `ms`. */
export function eventLines(event: LogEvent, id: string, ms: number, n: number): string {
  switch (event) {
    case 'hold':
      return line(ms, 'postsuper', id, 'placed on hold');
    case 'release':
      return line(ms, 'postsuper', id, 'released from hold');
    case 'retry':
    case 'activate':
      return line(ms, 'qmgr', id, `from=<sender${n % 97}@corp.example>, size=${1000 + (n % 9000)}, nrcpt=1 (queue active)`);
    case 'defer':
    case 'log':
    case 'pinned':
      return deferred(ms, id, n);
    case 'arrive':
      return line(ms, 'smtpd', id, `client=relay${n % 13}.partner.example[192.0.2.${n % 250}]`) + line(ms, 'cleanup', id, `message-id=<${n}.${id}@partner.example>`);
    case 'deliver':
      return line(ms, 'smtp', id, `to=<${rcpt(id)}>, relay=mx.bigprovider.example[192.0.2.25]:25, delay=2, delays=0.1/0/1/0.9, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4Xk${n})`) + line(ms, 'qmgr', id, 'removed');
  }
}

/**
 * The history of `ids`: each arrived `attempts` tries ago (tries 10 minutes apart, the last
 * a minute ago) and was deferred at each, all lines in time order. Replaces `file`.
 */
export function writeLogHistory(file: string, ids: string[], attempts: number, now = Date.now()): void {
  const lines: Array<[number, string]> = [];
  ids.forEach((id, k) => {
    // Spread over the interval so the messages' lines interleave as on a real server.
    const first = now - 60_000 - attempts * 600_000 + ((k * 7919) % 600_000);
    lines.push([first - 2000, eventLines('arrive', id, first - 2000, k)], [first - 1000, eventLines('activate', id, first - 1000, k)]);
    for (let a = 0; a < attempts; a++) lines.push([first + a * 600_000, deferred(first + a * 600_000, id, k + a)]);
  });
  lines.sort((a, b) => a[0] - b[0]);
  writeFileSync(file, lines.map((l) => l[1]).join(''), { mode: 0o640 });
}

/** Appends event lines to `file`, buffered until flush(). */
export class MailLogWriter {
  private buffer = '';
  private n = 0;
  constructor(private readonly file: string) {}
  note(event: LogEvent, id: string, ms = Date.now()): void {
    this.buffer += eventLines(event, id, ms, this.n++);
  }
  flush(): void {
    if (this.buffer === '') return;
    appendFileSync(this.file, this.buffer);
    this.buffer = '';
  }
}
