/**
 * Where the lines come from: a log split over rotated and gzipped files reads as the whole
 * log did (a hop in an old file is followed into newer ones); a damaged gzip is a warning;
 * symlinks and FIFOs are refused; discovery follows postconf, then the system files, then
 * journald, and says when there is nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLogSources } from '../../src/logs/find-log.js';
import { listRotations } from '../../src/logs/log-files.js';
import { searchLog } from '../../src/logs/search-log.js';
import { CORPUS_LOG, corpusLogText, filePlan, leadingIds } from './fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'postq-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rawLines = (r: Awaited<ReturnType<typeof searchLog>>) => r.trail.transactions.flatMap((t) => t.entries.map((e) => e.line.raw));

describe('rotated and gzipped logs', () => {
  it('lists rotations oldest first (numbered and dated), then the live file', () => {
    for (const name of ['mail.log', 'mail.log.1', 'mail.log.2.gz', 'mail.log.10.gz', 'mail.log.old', 'mail.log-20261201.gz', 'mail.log-20261130', 'other.log.1']) writeFileSync(join(dir, name), '');
    expect(listRotations(join(dir, 'mail.log')).map((p) => p.slice(dir.length + 1))).toEqual([
      'mail.log-20261130',
      'mail.log-20261201.gz',
      'mail.log.10.gz',
      'mail.log.2.gz',
      'mail.log.1',
      'mail.log',
    ]);
  });

  it('reads a log split into .2.gz, .1 and the live file exactly as the whole file', async () => {
    const lines = corpusLogText().split('\n');
    const third = Math.floor(lines.length / 3);
    const live = join(dir, 'maillog');
    writeFileSync(`${live}.2.gz`, gzipSync(lines.slice(0, third).join('\n') + '\n'));
    writeFileSync(`${live}.1`, lines.slice(third, 2 * third).join('\n') + '\n');
    writeFileSync(live, lines.slice(2 * third).join('\n'));
    const ids = leadingIds(corpusLogText());
    const whole = await searchLog(filePlan(CORPUS_LOG), { ids, follow: true });
    const split = await searchLog({ sources: [{ kind: 'file', path: live, files: listRotations(live) }], how: 'test', looked: [] }, { ids, follow: true });
    expect(split.read.map((r) => [r.source.slice(dir.length + 1), r.compressed])).toEqual([['maillog.2.gz', true], ['maillog.1', false], ['maillog', false]]);
    expect(split.failed).toEqual([]);
    expect(rawLines(split)).toEqual(rawLines(whole));
  });

  it('reports a damaged gzip file as a warning and keeps what it could read', async () => {
    const gz = gzipSync(corpusLogText());
    const path = join(dir, 'maillog.2.gz');
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await searchLog(filePlan(path), { ids: ['749A822C202'], follow: false });
    expect(r.warnings.join()).toMatch(/gzip stream damaged/);
    expect(rawLines(r).length).toBeGreaterThan(0);
  });

  it('dates traditional stamps by each file mtime, so a log across New Year stays in order', async () => {
    const path = join(dir, 'maillog');
    writeFileSync(path, 'Dec 31 23:59:59 mx postfix/pickup[1]: 0B91920C152: uid=0 from=<a@b>\nJan  1 00:00:02 mx postfix/qmgr[2]: 0B91920C152: removed\n');
    utimesSync(path, new Date(2027, 0, 1, 1, 0, 0), new Date(2027, 0, 1, 1, 0, 0));
    const r = await searchLog(filePlan(path), { ids: ['0B91920C152'], follow: false });
    const times = r.trail.transactions[0]!.entries.map((e) => e.line.time!);
    expect(new Date(times[0]!).getFullYear()).toBe(2026);
    expect(times[1]! - times[0]!).toBe(3000);
  });
});

describe('refusing what is not a regular file', () => {
  it('does not follow a symlink at the log path, and opens no FIFO or device', async () => {
    const link = join(dir, 'maillog');
    symlinkSync(CORPUS_LOG, link);
    const fifo = join(dir, 'fifo.log');
    execFileSync('mkfifo', [fifo]);
    const r = await searchLog(filePlan(link, fifo, '/dev/zero'), { ids: ['749A822C202'], follow: false });
    expect(r.read).toEqual([]);
    expect(r.failed).toEqual([
      { source: link, reason: 'is a symbolic link (not followed)' },
      { source: fifo, reason: 'is a FIFO, not a regular file (not opened)' },
      { source: '/dev/zero', reason: 'is a character device, not a regular file (not opened)' },
    ]);
  });
});

describe('finding the log', () => {
  const none = () => null;
  it('takes --log as given (files with rotations, the journal)', () => {
    writeFileSync(join(dir, 'm.log'), '');
    writeFileSync(join(dir, 'm.log.1'), '');
    const plan = findLogSources({ logs: [join(dir, 'm.log'), 'journal'], configDir: null, postconf: () => ({ maillogFile: '', syslogName: 'postfix-out' }) });
    expect(plan.sources).toEqual([
      { kind: 'file', path: join(dir, 'm.log'), files: [join(dir, 'm.log.1'), join(dir, 'm.log')] },
      { kind: 'journal', syslogName: 'postfix-out' },
    ]);
  });

  it('prefers maillog_file, then the system files, then journald; else says where it looked', () => {
    const sys = join(dir, 'mail.log');
    const conf = () => ({ maillogFile: join(dir, 'pf.log'), syslogName: 'postfix' });
    expect(findLogSources({ logs: [], configDir: null, postconf: conf }).how).toBe('maillog_file from postconf');
    expect(findLogSources({ logs: [], configDir: null, postconf: () => ({ maillogFile: '/dev/stdout', syslogName: 'postfix' }), defaultFiles: [sys], pathEnv: '' }).how).toBe('none found');
    writeFileSync(sys, '');
    expect(findLogSources({ logs: [], configDir: null, postconf: none, defaultFiles: [sys], pathEnv: '' }).sources).toEqual([{ kind: 'file', path: sys, files: [sys] }]);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'journalctl'), '');
    const viaJournal = findLogSources({ logs: [], configDir: null, postconf: none, defaultFiles: [join(dir, 'nope')], pathEnv: bin });
    expect(viaJournal).toMatchObject({ sources: [{ kind: 'journal', syslogName: null }], how: 'journald (no mail log file found)' });
    const nothing = findLogSources({ logs: [], configDir: null, postconf: none, defaultFiles: [join(dir, 'nope')], pathEnv: '' });
    expect(nothing).toEqual({ sources: [], how: 'none found', looked: ['postconf (not available)', join(dir, 'nope'), 'journalctl (not installed)'] });
  });
});
