/**
 * The pane-log soak's mail log (test/helpers/mail-log-writer.ts) is read by the console as a
 * Postfix log: every line parses with its time, postfix/DAEMON tag and queue id, the history
 * is in time order, and each message gets its arrival, activation and every attempt.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLogLine } from '../../src/logs/parse-line.js';
import { eventLines, writeLogHistory, type LogEvent } from '../helpers/mail-log-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'postq-soak-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const parse = (text: string) => text.trimEnd().split('\n').map((l) => parseLogLine(l, { referenceTime: Date.now() }));

describe('the soak mail log', () => {
  it('writes a history every message can be traced in, in time order', () => {
    const file = join(dir, 'maillog');
    const ids = ['3F1A220C0B1', '9C0D120D5E2', 'A77E020CC13'];
    writeLogHistory(file, ids, 5, Date.UTC(2026, 11, 4, 12));
    const lines = parse(readFileSync(file, 'utf8'));
    // Per message: smtpd and cleanup at arrival, qmgr, and one smtp line per attempt.
    expect(lines).toHaveLength(ids.length * 8);
    const times = lines.map((l) => l.time!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const id of ids) {
      const own = lines.filter((l) => l.queueId === id);
      expect(own.map((l) => l.service)).toEqual(['smtpd', 'cleanup', 'qmgr', 'smtp', 'smtp', 'smtp', 'smtp', 'smtp']);
      expect(own.at(-1)!.message).toContain('status=deferred');
    }
  });

  it('logs each feeder event under its queue id, as Postfix daemons do', () => {
    const events: LogEvent[] = ['hold', 'release', 'retry', 'defer', 'arrive', 'deliver', 'pinned'];
    for (const event of events) {
      const lines = parse(eventLines(event, 'B00B520CA41', Date.UTC(2026, 11, 4, 12), 3));
      for (const l of lines) {
        expect(l.program).toMatch(/^postfix\/(postsuper|qmgr|smtp|smtpd|cleanup)$/);
        expect(l.queueId).toBe('B00B520CA41');
        expect(l.time).toBe(Date.UTC(2026, 11, 4, 12));
      }
    }
    const [sent, removed] = parse(eventLines('deliver', 'B00B520CA41', 0, 1));
    expect(sent!.message).toMatch(/^to=<user\d+@bigprovider\.example>, .*status=sent/);
    expect(removed!.message).toBe('removed');
  });
});
