/**
 * Following a log: lines appended to the live file reach the trail; a file rotated while it
 * is tailed (logrotate's rename + create, and copytruncate) loses nothing written before or
 * after; a linked id found while following is followed too. Polls are driven by the test
 * (tail.poll()), not the clock.
 */
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailLogFile } from '../../src/logs/tail-file.js';
import { waitFor } from '../helpers/wait-for.js';
import { createTrailCollator } from '../../src/logs/trail-collate.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'postq-tail-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const L = (s: number, rest: string) => `2026-12-04T15:44:${String(s).padStart(2, '0')}.000000+00:00 mx ${rest}\n`;

describe('tailLogFile', () => {
  it('keeps every new line of the trail across a rename rotation and a copytruncate', async () => {
    const path = join(dir, 'maillog');
    writeFileSync(path, L(0, 'postfix/qmgr[1]: 0ABCDEF1234: from=<a@b>, size=1, nrcpt=1 (queue active)'));
    const added: string[] = [];
    const collator = createTrailCollator(['0ABCDEF1234'], { follow: true, onEntry: (id, e) => added.push(`${id} ${e.line.message}`) });
    const tail = tailLogFile(path, 0, collator, { positionBase: 0, intervalMs: 3_600_000 });
    try {
      await tail.poll();
      appendFileSync(path, L(1, 'postfix/smtp[2]: 0ABCDEF1234: to=<c@d>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (refused)'));
      appendFileSync(path, L(2, 'postfix/smtp[2]: 0FFFFFF9999: to=<x@y>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (other)'));
      // Written to the old file after the last poll, then rotated away before the next one.
      appendFileSync(path, L(3, 'postfix/postsuper[3]: 0ABCDEF1234: expired'));
      renameSync(path, `${path}.1`);
      writeFileSync(path, L(4, 'postfix/bounce[4]: 0ABCDEF1234: sender non-delivery notification: 0BBBBBB5678'));
      await tail.poll();
      appendFileSync(path, L(5, 'postfix/qmgr[1]: 0BBBBBB5678: from=<>, size=2, nrcpt=1 (queue active)'));
      await tail.poll();
      truncateSync(path, 0);
      appendFileSync(path, L(6, 'postfix/qmgr[1]: 0BBBBBB5678: removed'));
      await tail.poll();
    } finally {
      await tail.stop();
    }
    expect(added).toEqual([
      '0ABCDEF1234 from=<a@b>, size=1, nrcpt=1 (queue active)',
      '0ABCDEF1234 to=<c@d>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (refused)',
      '0ABCDEF1234 expired',
      '0ABCDEF1234 sender non-delivery notification: 0BBBBBB5678',
      '0BBBBBB5678 from=<>, size=2, nrcpt=1 (queue active)',
      '0BBBBBB5678 removed',
    ]);
  });

  it('reports a missing log and picks it up when it comes back', async () => {
    const path = join(dir, 'maillog');
    const problems: string[] = [];
    const added: string[] = [];
    const collator = createTrailCollator(['0ABCDEF1234'], { follow: false, onEntry: (_id, e) => added.push(e.line.message) });
    const tail = tailLogFile(path, 0, collator, { positionBase: 0, intervalMs: 3_600_000, onProblem: (m) => problems.push(m) });
    try {
      await tail.poll();
      expect(problems).toEqual([`${path}: no such file`]);
      writeFileSync(path, L(1, 'postfix/qmgr[1]: 0ABCDEF1234: removed'));
      await tail.poll();
    } finally {
      await tail.stop();
    }
    expect(added).toEqual(['removed']);
  });

  it('wakes on a write through the directory watch, with no poll due', async () => {
    const path = join(dir, 'maillog');
    writeFileSync(path, '');
    const added: string[] = [];
    const collator = createTrailCollator(['0ABCDEF1234'], { follow: false, onEntry: (_id, e) => added.push(e.line.message) });
    const tail = tailLogFile(path, 0, collator, { positionBase: 0, intervalMs: 3_600_000 });
    try {
      appendFileSync(path, L(1, 'postfix/qmgr[1]: 0ABCDEF1234: removed'));
      await waitFor(() => added.length === 1, { what: 'the appended line' });
    } finally {
      await tail.stop();
    }
    expect(added).toEqual(['removed']);
  });

  it('reads a burst of writes in one poll: a watch event arms one poll, the writes until it runs ride along', async () => {
    const path = join(dir, 'maillog');
    writeFileSync(path, '');
    const added: string[] = [];
    const armed: Array<() => void> = [];
    let polls = 0;
    const collator = createTrailCollator(['0ABCDEF1234'], { follow: false, onEntry: (_id, e) => added.push(e.line.message) });
    const tail = tailLogFile(path, 0, collator, {
      positionBase: 0, intervalMs: 3_600_000, onPoll: () => polls++,
      schedule: (run) => (armed.push(run), () => armed.splice(armed.indexOf(run), 1)),
    });
    try {
      for (let i = 0; i < 20; i++) {
        appendFileSync(path, L(i, `postfix/smtp[2]: 0ABCDEF1234: to=<c${i}@d>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (refused)`));
        await new Promise((r) => setTimeout(r, 10)); // each write's inotify event is delivered on its own
      }
      expect(polls).toBe(0);
      await waitFor(() => armed.length > 0, { what: 'a watch event to arm the poll' });
      // Twenty writes, twenty events: one poll armed, none run yet.
      expect(armed.length).toBe(1);
      armed.shift()!();
      await waitFor(() => polls === 1, { what: 'the armed poll' });
      expect(added.length).toBe(20);
      appendFileSync(path, L(30, 'postfix/qmgr[1]: 0ABCDEF1234: removed'));
      await waitFor(() => armed.length === 1, { what: 'the next write to arm a poll again' });
      armed.shift()!();
      await waitFor(() => polls === 2, { what: 'the second poll' });
    } finally {
      await tail.stop();
    }
    expect(added.at(-1)).toBe('removed');
    expect(added.length).toBe(21);
  });
});
