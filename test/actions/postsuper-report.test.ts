import { describe, expect, it } from 'vitest';
import { outcomesFromReport, parsePostsuperStderr } from '../../src/actions/postsuper-report.js';

describe('parsePostsuperStderr', () => {
  it('reads per-id lines, summaries and invalid-id warnings as postsuper 3.7 writes them', () => {
    // Captured from `printf 'ABCDEF123\nbad*\n\n' | postsuper -h - deferred` plus per-id lines.
    const stderr = [
      'postsuper: warning: invalid mail queue id: bad*',
      'postsuper: warning: invalid mail queue id: ',
      'postsuper: 3F1A2B4C5D: placed on hold',
      'postsuper: Placed on hold: 1 message',
      '',
    ].join('\n');
    const report = parsePostsuperStderr(stderr, 'placed on hold', new Set(['3F1A2B4C5D', 'ABCDEF123']));
    expect([...report.done]).toEqual(['3F1A2B4C5D']);
    expect(report.failed.get('bad*')).toBe('invalid queue id (postsuper)');
    expect(report.summaries.get('Placed on hold')).toBe(1);
    expect(report.fatal).toBeNull();
    expect(outcomesFromReport(['3F1A2B4C5D', 'ABCDEF123'], report)).toEqual([
      { queueId: '3F1A2B4C5D', status: 'done' },
      { queueId: 'ABCDEF123', status: 'not-found' },
    ]);
  });

  it('counts only the verb asked for (-f reports expired and released)', () => {
    const report = parsePostsuperStderr('postsuper: AAAAA11: expired\npostsuper: AAAAA11: released from hold\n', 'expired', new Set(['AAAAA11']));
    expect([...report.done]).toEqual(['AAAAA11']);
    const other = parsePostsuperStderr('postsuper: AAAAA11: released from hold\n', 'removed', new Set(['AAAAA11']));
    expect(other.done.size).toBe(0);
  });

  it('reads plural and singular summaries, fatals and unknown lines', () => {
    const report = parsePostsuperStderr(
      'postsuper: Deleted: 12 messages\npostsuper: Requeued: 1 message\npostsuper: fatal: invalid directory name: corrupt\nsomething else\n',
      'removed',
      new Set(),
    );
    expect(report.summaries.get('Deleted')).toBe(12);
    expect(report.summaries.get('Requeued')).toBe(1);
    expect(report.fatal).toBe('invalid directory name: corrupt');
    expect(report.unparsed).toEqual(['something else']);
  });

  it('accepts the program named by path and with a pid, as in syslog form', () => {
    const report = parsePostsuperStderr('/usr/sbin/postsuper: AAAAA11: removed\npostfix/postsuper[123]: BBBBB22: removed\n', 'removed', new Set());
    expect([...report.done].sort()).toEqual(['AAAAA11', 'BBBBB22']);
  });
});
