/**
 * The audit rule on a fleet is the local one on each side: `postq serve` refuses every action
 * when its own audit log is unusable unless it was started with --no-audit (then it says so in
 * its hello), and the fleet console refuses to act without its local line per host unless it
 * was given --no-audit, which it passes to every serve and shows as `[audit off]`. Real serves
 * over `exec:` targets on a corpus copy (the ssh code path minus the transport).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fleetAuditOff, fleetBackend } from '../../src/cli/fleet-console.js';
import { planFleet } from '../../src/cli/fleet-plan.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { createConnection, type Connection } from '../../src/remote/connection.js';
import { createRemoteBackend } from '../../src/remote/remote-backend.js';
import { parseTarget } from '../../src/remote/target.js';
import { scanQueues } from '../../src/watch/scan.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait-for.js';
import { hostileSpool, type HostileSpool } from './hostile-spool.js';

let spool: HostileSpool;
let unusable: string;
const open: Connection[] = [];
let pane: TmuxPane | undefined;
beforeAll(async () => {
  await ensureBuilt();
  spool = hostileSpool();
  // An audit log that cannot be created: its directory is a file.
  writeFileSync(join(spool.outside, 'file'), '');
  unusable = join(spool.outside, 'file', 'audit.log');
});
afterEach(() => {
  for (const c of open.splice(0)) c.stop();
  pane?.close();
  pane = undefined;
});
afterAll(() => spool?.cleanupAll());

/** A serve on the copy whose own audit log is unusable, with or without --no-audit. */
async function serve(noAudit: boolean): Promise<Connection> {
  const c = createConnection({
    target: parseTarget(`exec:env POSTQ_AUDIT_LOG=${unusable}`),
    context: { ssh: ['ssh'], self: [process.execPath, CLI_PATH], remotePostq: `${process.execPath} ${CLI_PATH}` },
    serveArgs: ['--spool', spool.spool, '--backend', 'direct', ...(noAudit ? ['--no-audit'] : [])],
    version: '0.1.0',
  });
  open.push(c);
  c.start();
  await waitFor(() => c.status.ready, { what: 'the serve ready', describe: () => JSON.stringify(c.status) });
  return c;
}

function deferredTarget(n: number) {
  const e = scanQueues(resolveSpoolConfig({ spool: spool.spool }), ['deferred']).filter((x) => x.state === 'ok')[n]!;
  return { entry: e, target: { queueId: e.queueId, queueName: e.queueName, seen: { inode: e.inode!, arrivalTime: e.arrivalTime } } };
}

describe('--no-audit on a fleet', { timeout: 60_000 }, () => {
  it('serve refuses every action without its audit log, and acts with --no-audit (saying so in its hello)', async () => {
    const refusing = await serve(false);
    expect(refusing.hello?.auditOff).toBeUndefined();
    const { entry, target } = deferredTarget(0);
    const refused = await refusing.action('hold', [target]);
    expect(refused.outcomes).toEqual([{ queueId: entry.queueId, status: 'failed', reason: expect.stringContaining(`audit log ${unusable}`) }]);
    expect(refused.error).toContain('--no-audit acts without an audit log');
    expect(existsSync(join(spool.spool, entry.path))).toBe(true);
    refusing.stop();
    const acting = await serve(true);
    expect(acting.hello?.auditOff).toBe(true);
    expect((await acting.action('hold', [target])).outcomes).toEqual([{ queueId: entry.queueId, status: 'done' }]);
    expect(existsSync(join(spool.spool, entry.path))).toBe(false);
  });

  it('the console side: no local line per host refuses, unless --no-audit; [audit off] from either side', async () => {
    const c = await serve(true);
    const remote = createRemoteBackend(c);
    const { entry, target } = deferredTarget(0);
    const saved = process.env.POSTQ_AUDIT_LOG;
    process.env.POSTQ_AUDIT_LOG = unusable;
    try {
      const refused = await fleetBackend(remote, {}).run('hold', [target]);
      expect(refused.error).toContain(`audit log ${unusable}`);
      expect(existsSync(join(spool.spool, entry.path))).toBe(true);
      expect((await fleetBackend(remote, { 'no-audit': true }).run('hold', [target])).outcomes).toEqual([{ queueId: entry.queueId, status: 'done' }]);
    } finally {
      if (saved === undefined) delete process.env.POSTQ_AUDIT_LOG;
      else process.env.POSTQ_AUDIT_LOG = saved;
    }
    expect(fleetAuditOff([c], {})).toBe(true);
    expect(fleetAuditOff([c], { 'read-only': true })).toBe(false);
    expect(planFleet({ host: ['exec:env'], spool: '/q', 'no-audit': true }).serveArgs).toEqual(['--spool', '/q', '--no-audit']);
  });

  it('postq --host ... --no-audit: accepted; the target console says [audit off]', async () => {
    // The remote postq acts on the copy with the direct backend (a bare --spool is read-only).
    const direct = join(spool.outside, 'postq-direct');
    writeFileSync(direct, `#!/bin/sh\nexec ${process.execPath} ${CLI_PATH} "$@" --backend direct\n`, { mode: 0o755 });
    pane = startTmux({
      columns: 120,
      rows: 24,
      argv: ['node', CLI_PATH, '--host', 'exec:env', '--spool', spool.spool, '--no-audit', '--remote-postq', direct],
      cwd: REPO_ROOT,
      env: { TZ: 'UTC', POSTQ_AUDIT_LOG: unusable },
    });
    await pane.waitUntil((s) => /live\s+exec:env/.test(s), 'the remote live');
    pane.keys('Enter');
    await pane.waitFor('QUEUE ID');
    expect(pane.capture().split('\n')[0]).toContain('[audit off]');
  });
});
