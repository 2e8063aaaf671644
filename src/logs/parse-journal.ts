/**
 * One `journalctl -o json` record -> LogLine. journald keeps the syslog tag apart
 * (SYSLOG_IDENTIFIER `postfix/smtp`, SYSLOG_PID) and the time in microseconds
 * (__REALTIME_TIMESTAMP); MESSAGE is a string, or an array of bytes when it was not UTF-8.
 * The raw text is rebuilt as an RFC 3339 syslog line so every printer treats both sources
 * alike.
 *
 * Pure; never throws: a record that is not JSON or has no MESSAGE gives null.
 */
import { parseMessage, splitProgram, type LogLine } from './parse-line.js';

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) return Buffer.from(value as number[]).toString('utf8');
  return null;
}

export function parseJournalRecord(json: string): LogLine | null {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object') return null;
    record = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const message = text(record.MESSAGE);
  if (message === null) return null;
  const program = text(record.SYSLOG_IDENTIFIER) ?? '';
  const pidText = text(record.SYSLOG_PID) ?? text(record._PID);
  const pid = pidText !== null && /^\d+$/.test(pidText) ? Number(pidText) : null;
  const usec = text(record.__REALTIME_TIMESTAMP);
  const time = usec !== null && /^\d+$/.test(usec) ? Math.floor(Number(usec) / 1000) : null;
  const host = text(record._HOSTNAME) ?? '';
  const stamp = time === null ? '-' : new Date(time).toISOString();
  const raw = `${stamp} ${host} ${program}${pid === null ? '' : `[${pid}]`}: ${message}`;
  return { time, host, program, ...splitProgram(program), pid, ...parseMessage(message), raw };
}

/** Is this a line of the Postfix instance whose syslog_name is given (any Postfix if null)? */
export function isPostfixProgram(program: string, syslogName: string | null): boolean {
  if (syslogName !== null) return program.startsWith(`${syslogName}/`);
  return /^postfix(?:-[^/]+)?\//.test(program);
}
