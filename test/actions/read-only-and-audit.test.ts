import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('appends one JSON line per run, with time, user, backend, commands, ids and outcomes', async () => {
    const path = join(dir, 'state', 'postq', 'audit.log');
    const inner: QueueBackend = {
      kind: 'postsuper',
      disabledReason: null,
      supports: () => true,
      describe: () => 'postsuper -h - deferred',
      run: async (action, targets) => ({
        action,
        outcomes: targets.map((t, i) => (i === 0 ? { queueId: t.queueId, status: 'done' as const } : { queueId: t.queueId, status: 'not-found' as const })),
        commands: [['postsuper', '-h', '-', 'deferred']],
      }),
    };
    const backend = withAuditLog(inner, { path, user: 'alice', now: () => new Date('2026-11-28T20:00:00Z') });
    await backend.run('hold', [{ queueId: 'AAAAA11', queueName: 'deferred' }, { queueId: 'BBBBB22', queueName: 'deferred' }]);
    await backend.run('delete', [{ queueId: 'CCCCC33', queueName: 'hold' }]);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2026-11-28T20:00:00.000Z',
      user: 'alice',
      backend: 'postsuper',
      action: 'hold',
      commands: [['postsuper', '-h', '-', 'deferred']],
      ids: ['AAAAA11', 'BBBBB22'],
      outcomes: [
        { queueId: 'AAAAA11', status: 'done' },
        { queueId: 'BBBBB22', status: 'not-found' },
      ],
    });
    const recent = readAuditLog(1, path);
    expect(recent.map((e) => e.action)).toEqual(['delete']);
  });

  it('the reader skips torn lines; a missing log is empty', () => {
    const path = join(dir, 'audit.log');
    expect(readAuditLog(10, path)).toEqual([]);
    writeFileSync(path, '{"time":"t","outcomes":[],"action":"hold"}\n{"time":"t2","outc\n');
    expect(readAuditLog(10, path).map((e) => e.time)).toEqual(['t']);
  });

  it('a log that cannot be written is a warning, the result still comes back', async () => {
    const warnings: string[] = [];
    // A regular file where the log's directory should be: ENOTDIR/EEXIST.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const path = join(dir, 'not-a-dir', 'audit.log');
    const backend = withAuditLog(createReadOnlyBackend('ro'), { path, onError: (m) => warnings.push(m) });
    const result = await backend.run('hold', [{ queueId: 'AAAAA11', queueName: 'deferred' }]);
    expect(result.outcomes).toHaveLength(1);
    expect(warnings[0]).toContain('audit log not written');
  });
});
