/**
 * Queue ids are reused. Between what the admin saw (the console's frame, the CLI's own listing)
 * and the action, an id can come to name another file. Each target is checked again just
 * before acting (same queue, inode, arrival time); changed ones are skipped and reported.
 * Real files on a corpus copy, the direct backend, the console's own backend wiring.
 */
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runActionCommand } from '../../src/cli/action-command.js';
import { consoleBackend } from '../../src/cli/console-command.js';
import { createDirectBackend } from '../../src/actions/direct-backend.js';
import { queuePath, resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { scanQueues } from '../../src/watch/scan.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { whereAll } from './backend-contract.js';
import { readyIds } from './spool-fixtures.js';

let copy: CorpusCopy;
let config: SpoolConfig;
let stateDir: string;

beforeEach(() => {
  copy = copyCorpusSpool('basic');
  config = resolveSpoolConfig({ spool: copy.spool });
  stateDir = mkdtempSync(join(tmpdir(), 'postq-state-'));
  process.env.POSTQ_AUDIT_LOG = join(stateDir, 'audit.log');
});
afterEach(() => {
  copy.cleanup();
  rmSync(stateDir, { recursive: true, force: true });
  delete process.env.POSTQ_AUDIT_LOG;
});

/** Another message takes the id: a new file (new inode, another message's bytes) renamed over it. */
function reuseId(id: string, from: string): void {
  const path = join(copy.spool, queuePath(config, 'deferred', id));
  const tmp = `${path}.new`;
  copyFileSync(join(copy.spool, queuePath(config, 'deferred', from)), tmp);
  renameSync(tmp, path);
}

describe('an id that names another file since it was seen is not touched', () => {
  it('console: marked rows, one id reused before y; the other is held, the flash says so', async () => {
    const [a, b, donor] = readyIds(config, 'deferred');
    const store = createConsoleStore({ backend: consoleBackend(createDirectBackend({ config }), config, false) });
    store.getState().applySpoolBatch({ upserts: scanQueues(config, QUEUE_NAMES), removals: [], full: true, firstEventAt: null });
    store.getState().setCursorId(a!);
    store.getState().toggleMark(false);
    store.getState().setCursorId(b!);
    store.getState().toggleMark(false);
    store.getState().requestAction('hold');
    expect(store.getState().confirmation?.count).toBe(2);
    reuseId(a!, donor!);
    const result = await store.getState().confirmAction();
    expect(result?.outcomes.find((o) => o.queueId === a)).toMatchObject({ status: 'failed', reason: 'changed since you looked; not touched' });
    expect(store.getState().flash?.text).toBe('held 1 of 2; 1 changed since you looked; not touched');
    expect(whereAll(config).get(a!)).toEqual(['deferred']);
    expect(whereAll(config).get(b!)).toEqual(['hold']);
  });

  it('CLI: ids reused between its listing and the action are skipped and named; exit 1', async () => {
    const [a, b, c, donor] = readyIds(config, 'deferred');
    const out: string[] = [];
    const code = await runActionCommand(
      config,
      { action: 'hold', queues: null, filter: null, ids: [a!, b!, c!], dryRun: false, yes: true, backend: 'direct', bareSpool: true },
      { out: (t) => out.push(t), err: () => {}, readStdin: async () => '', afterSelect: () => { reuseId(a!, donor!); reuseId(b!, donor!); } },
    );
    expect(code).toBe(1);
    expect(out.join('')).toBe(`held 1 of 3 messages; 2 changed since you looked; not touched\nchanged since listed: ${a} ${b}\n`);
    expect(whereAll(config).get(a!)).toEqual(['deferred']);
    expect(whereAll(config).get(b!)).toEqual(['deferred']);
    expect(whereAll(config).get(c!)).toEqual(['hold']);
  });

  it('the same file (unchanged inode and arrival) is acted on: no false alarms', async () => {
    const ids = readyIds(config, 'deferred');
    const out: string[] = [];
    const code = await runActionCommand(
      config,
      { action: 'hold', queues: ['deferred'], filter: null, ids: [], dryRun: false, yes: true, backend: 'direct', bareSpool: true },
      { out: (t) => out.push(t), err: () => {}, readStdin: async () => '' },
    );
    expect(code).toBe(0);
    expect(out.join('')).toBe(`held ${ids.length} of ${ids.length} messages\n`);
  });
});
