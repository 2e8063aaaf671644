import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLogPath, readAuditLog, withAuditLog } from '../../src/actions/audit-log.js';
import { createReadOnlyBackend } from '../../src/actions/read-only-backend.js';
import type { QueueBackend } from '../../src/domain/backend.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'postq-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('read-only backend', () => {
  it('refuses every action with the reason the console shows', async () => {
    const backend = createReadOnlyBackend('spool is a snapshot');
    expect(backend.disabledReason).toBe('spool is a snapshot');
    expect(backend.supports('hold')).toBe(false);
    const result = await backend.run('delete', [{ queueId: 'AAAAA11', queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([{ queueId: 'AAAAA11', status: 'failed', reason: 'spool is a snapshot' }]);
    expect(result.commands).toEqual([]);
  });
});

describe('audit log', () => {
  it('path: POSTQ_AUDIT_LOG, else XDG_STATE_HOME, else ~/.local/state', () => {
    expect(auditLogPath({ POSTQ_AUDIT_LOG: '/x/a.log', XDG_STATE_HOME: '/s' })).toBe('/x/a.log');
    expect(auditLogPath({ XDG_STATE_HOME: '/s', HOME: '/h' })).toBe('/s/postq/audit.log');
    expect(auditLogPath({ HOME: '/h' })).toBe('/h/.local/state/postq/audit.log');
  });

  it('writes the intent before the run and the result after, as JSON lines tied by a run id', async () => {
    const path = join(dir, 'state', 'postq', 'audit.log');
    const inner: QueueBackend = {
      kind: 'postsuper',
      disabledReason: null,
      supports: () => true,
      describe: () => 'postsuper -h - deferred',
      run: async (action, targets) => {
        // The intent is on disk before the backend does anything.
        expect(readFileSync(path, 'utf8')).toContain('"phase":"intent"');
        return {
          action,
          outcomes: targets.map((t, i) => (i === 0 ? { queueId: t.queueId, status: 'done' as const } : { queueId: t.queueId, status: 'not-found' as const })),
          commands: [['postsuper', '-h', '-', 'deferred']],
        };
      },
    };
    const backend = withAuditLog(inner, { path, user: 'alice', now: () => new Date('2026-11-28T20:00:00Z') });
    await backend.run('hold', [{ queueId: 'AAAAA11', queueName: 'deferred' }, { queueId: 'BBBBB22', queueName: 'deferred' }]);
    await backend.run('delete', [{ queueId: 'CCCCC33', queueName: 'hold' }]);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    const { run, ...intent } = lines[0];
    expect(intent).toEqual({ time: '2026-11-28T20:00:00.000Z', phase: 'intent', user: 'alice', backend: 'postsuper', action: 'hold', ids: ['AAAAA11', 'BBBBB22'], outcomes: [] });
    expect(lines[1]).toEqual({
      time: '2026-11-28T20:00:00.000Z',
      run,
      phase: 'done',
      backend: 'postsuper',
      action: 'hold',
      commands: [['postsuper', '-h', '-', 'deferred']],
      counts: { done: 1, notFound: 1, failed: 0 },
      outcomes: [
        { queueId: 'AAAAA11', status: 'done' },
        { queueId: 'BBBBB22', status: 'not-found' },
      ],
    });
    const recent = readAuditLog(1, path);
    expect(recent.map((e) => [e.action, e.phase])).toEqual([['delete', 'done']]);
  });

  it('the reader skips torn lines; a missing log is empty', () => {
    const path = join(dir, 'audit.log');
    expect(readAuditLog(10, path)).toEqual([]);
    writeFileSync(path, '{"time":"t","outcomes":[],"action":"hold"}\n{"time":"t2","outc\n');
    expect(readAuditLog(10, path).map((e) => e.time)).toEqual(['t']);
  });

  it('the reader refuses a symlinked or FIFO log instead of following it or waiting on it', () => {
    const link = join(dir, 'linked.log');
    symlinkSync(join(dir, 'audit.log'), link);
    expect(() => readAuditLog(10, link)).toThrow(/symbolic link: not read through/);
    const fifo = join(dir, 'fifo.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(() => readAuditLog(10, fifo)).toThrow(/not a regular file/);
  });

  it('a log that cannot be opened refuses the action, with the reason, and runs nothing', async () => {
    // A regular file where the log's directory should be: ENOTDIR/EEXIST.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const path = join(dir, 'not-a-dir', 'audit.log');
    let ran = false;
    const inner = { ...createReadOnlyBackend('ro'), run: async () => ((ran = true), { action: 'hold' as const, outcomes: [], commands: [] }) };
    const result = await withAuditLog(inner, { path }).run('hold', [{ queueId: 'AAAAA11', queueName: 'deferred' }]);
    expect(ran).toBe(false);
    expect(result.outcomes).toEqual([{ queueId: 'AAAAA11', status: 'failed', reason: expect.stringContaining('nothing done (--no-audit') }]);
    expect(result.error).toContain(`audit log ${path}: cannot create`);
  });
});
