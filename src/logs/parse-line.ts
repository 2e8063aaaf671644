/**
 * One mail-log line -> LogLine: timestamp, host, program (`postfix/smtp`, `postfix-out/smtp`,
 * `postfix/submission/smtpd`), pid, queue id and the message after it. Both timestamp forms:
 * RFC 3339 (postlogd with maillog_file... and rsyslog on Debian 12+) and the traditional
 * `Mmm dd hh:mm:ss`, whose year is not in the line: the caller passes the file's mtime and
 * parseLogLine dates a line that would fall after it (plus a day of clock slack) in the
 * year before, which is how a file that spans New Year reads right (rotation keeps each
 * file's mtime, so every file carries its own reference).
 *
 * Pure: no I/O. Never throws: a line that is not syslog-shaped comes back with time null,
 * program '' and the whole text as its message (it still matches an id a user searched).
 */
import { looksGenerated } from '../domain/queue-id.js';
import { parseLogFields, type LogFields } from './parse-fields.js';

export interface LogLine {
  /** Epoch milliseconds, or null when the line has no timestamp we understand. */
  time: number | null;
  host: string;
  /** The syslog tag without the pid: `postfix/smtp`, `postfix-out/smtp`. */
  program: string;
  /** The first tag segment (Postfix's syslog_name): `postfix`, `postfix-out`. */
  syslogName: string;
  /** The last tag segment (the daemon): `smtp`, `smtpd`, `qmgr`. */
  service: string;
  pid: number | null;
  /** `warning`, `error`, `fatal`, `panic` or null. */
  severity: string | null;
  queueId: string | null;
  /** The text after `ID: ` (or after the tag when no id leads). */
  message: string;
  fields: LogFields;
  /** The line as read (not sanitized: callers print it through printable()). */
  raw: string;
}

export interface ParseContext {
  /** mtime of the file (epoch ms): the reference for traditional timestamps' year. */
  referenceTime: number;
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) /;
const TRADITIONAL = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) /;
const TAG = /^(\S+) ([^\s[:]+)(?:\[(\d+)\])?: /;
const SEVERITY = /^(warning|error|fatal|panic): /;
const LEADING_ID = /^([A-Za-z0-9]+): /;
/** One day of slack: a clock a little ahead of the file's mtime is not last year. */
const SLACK_MS = 86_400_000;

/** A traditional timestamp's epoch ms, in local time, dated no later than reference + slack. */
export function traditionalTime(month: number, day: number, h: number, m: number, s: number, referenceTime: number): number {
  const year = new Date(referenceTime).getFullYear();
  const t = new Date(year, month, day, h, m, s).getTime();
  return t > referenceTime + SLACK_MS ? new Date(year - 1, month, day, h, m, s).getTime() : t;
}

function parseTime(line: string, context: ParseContext): { time: number | null; rest: string } {
  const iso = RFC3339.exec(line);
  if (iso) {
    const time = Date.parse(iso[1]!);
    return { time: Number.isFinite(time) ? time : null, rest: line.slice(iso[0].length) };
  }
  const trad = TRADITIONAL.exec(line);
  if (trad) {
    const month = MONTHS.indexOf(trad[1]!) / 3;
    if (Number.isInteger(month)) {
      const time = traditionalTime(month, Number(trad[2]!.trim()), Number(trad[3]), Number(trad[4]), Number(trad[5]), context.referenceTime);
      return { time, rest: line.slice(trad[0].length) };
    }
  }
  return { time: null, rest: line };
}

/** Split a syslog tag into its instance name and daemon. */
export function splitProgram(program: string): { syslogName: string; service: string } {
  const first = program.indexOf('/');
  if (first < 0) return { syslogName: program, service: program };
  return { syslogName: program.slice(0, first), service: program.slice(program.lastIndexOf('/') + 1) };
}

/** Parse the part after the tag: severity, leading queue id, fields. */
export function parseMessage(text: string): Pick<LogLine, 'severity' | 'queueId' | 'message' | 'fields'> {
  let message = text;
  const sev = SEVERITY.exec(message);
  const severity = sev ? sev[1]! : null;
  if (sev) message = message.slice(sev[0].length);
  const lead = LEADING_ID.exec(message);
  // `Requeued: 1 message`, `NOQUEUE: reject: ...` lead with words: only a generated name is an id.
  const queueId = lead && looksGenerated(lead[1]!) ? lead[1]! : null;
  if (queueId) message = message.slice(lead![0].length);
  return { severity, queueId, message, fields: parseLogFields(message) };
}

export function parseLogLine(raw: string, context: ParseContext): LogLine {
  const { time, rest } = parseTime(raw, context);
  const tag = time === null ? null : TAG.exec(rest);
  if (!tag) {
    return { time, host: '', program: '', syslogName: '', service: '', pid: null, severity: null, queueId: null, message: rest, fields: parseLogFields(''), raw };
  }
  const program = tag[2]!;
  return {
    time,
    host: tag[1]!,
    program,
    ...splitProgram(program),
    pid: tag[3] === undefined ? null : Number(tag[3]),
    ...parseMessage(rest.slice(tag[0].length)),
    raw,
  };
}
