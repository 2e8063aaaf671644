/**
 * The fleet console: `postq --host H [--host H2] [-c DIR -c DIR2] [--all-instances]
 * [--context NAME]`. Wiring only: targets (fleet-plan.ts), one link each
 * (remote/connection.ts), the overview (ui/components/fleet-overview.tsx), and for the target
 * opened with Enter the ordinary console fed by that link, acting through the remote's postq
 * (remote/remote-backend.ts, audited on both hosts: the remote's serve refuses without its log,
 * this console without its line per host, unless --no-audit, which goes to both and puts
 * `[audit off]` in the header). q in a target's console goes back to the overview; q there quits.
 *
 * Exit codes: 0 after q, 2 for bad options or no terminal, 128+N after a signal.
 */
import type { QueueBackend } from '../domain/backend.js';
import { defaultSpoolConfig } from '../config/spool-config.js';
import { loadTheme } from '../config/theme-load.js';
import { withAuditLog } from '../actions/audit-log.js';
import { createReadOnlyBackend } from '../actions/read-only-backend.js';
import { createConnection, type Connection } from '../remote/connection.js';
import { createRemoteBackend } from '../remote/remote-backend.js';
import { createMergedBackend, helloRules, hostRulesOf, remoteLogTrails, splitMergedId } from '../remote/merged.js';
import { startMergedFeed } from '../remote/merged-feed.js';
import { mergedContentReader, targetContentReader } from '../remote/remote-content.js';
import { planFleet, type FleetFlags, type FleetPlan } from './fleet-plan.js';
import { installRemote } from './install-remote.js';
import { showFleetOverview } from '../ui/render-fleet.js';
import { startConsole, terminalProblem } from './console-command.js';
import { POSTQ_VERSION } from './version.js';
import { readRemoteMessage } from './remote-read.js';

export { readRemoteMessage } from './remote-read.js';

/**
 * A target's actions as the console sends them: the local audit line per host unless
 * --no-audit (the remote's own rule applies there: its serve got --no-audit too).
 */
export function fleetBackend(remote: QueueBackend, flags: FleetFlags): QueueBackend {
  return flags['no-audit'] ? remote : withAuditLog(remote);
}

/** `[audit off]` when either side acts without its log: here by --no-audit, there by its hello. */
export function fleetAuditOff(connections: readonly Connection[], flags: FleetFlags): boolean {
  return !flags['read-only'] && (!!flags['no-audit'] || connections.some((c) => c.hello?.auditOff === true));
}

function linkStatus(connection: Connection): { live: boolean; ready: boolean; text: string | null } {
  const s = connection.status;
  const live = s.state === 'live';
  return { live, ready: live && s.ready, text: live ? s.remoteStatus : `${connection.target.label} ${s.state}: ${s.message ?? ''} (rows as last seen)` };
}

/** All targets in one console: rows keyed ID@TARGET (shown as ID and HOST), host: filters, actions sent to each host. */
async function openMerged(connections: Connection[], plan: FleetPlan, flags: FleetFlags): Promise<number> {
  const backends = new Map(connections.map((c) => [c.target.label, fleetBackend(createRemoteBackend(c), flags)]));
  const byLabel = new Map(connections.map((c) => [c.target.label, c]));
  const merged = createMergedBackend(backends);
  return startConsole({
    config: defaultSpoolConfig(`${connections.length} targets merged`),
    backend: flags['read-only'] ? createReadOnlyBackend() : merged,
    readOnly: !!flags['read-only'],
    auditOff: fleetAuditOff(connections, flags),
    theme: flags.theme ?? null,
    host: `fleet (${connections.length} targets)`,
    altScreen: !flags['no-alt-screen'],
    keepProcess: true,
    checkIdentity: false,
    logTrails: remoteLogTrails((id) => splitMergedId(id) ?? { queueId: id, label: 'its host' }),
    readMessage: (entry) => {
      const split = splitMergedId(entry.queueId);
      const connection = split ? byLabel.get(split.label) : undefined;
      if (!split || !connection) return null;
      return readRemoteMessage(connection.target, plan, { ...entry, queueId: split.queueId });
    },
    readContent: mergedContentReader(byLabel),
    feed: (store, _config, _fail, gate) => {
      // Each host's lifetimes and backoffs, from its hello; again after a reconnect (a new hello).
      let rulesKey = '';
      const syncRules = () => {
        const rules = hostRulesOf(connections);
        const key = JSON.stringify([...rules]);
        if (key !== rulesKey) store.getState().updateHealth({ hostRules: rules });
        rulesKey = key;
      };
      syncRules();
      const stopFeed = startMergedFeed(connections, (batch) => gate.push(batch));
      const setStatus = () => {
        syncRules();
        const states = connections.map(linkStatus);
        const down = states.filter((s) => !s.live).map((s) => s.text);
        store.getState().setWatcherStatus({ mode: down.length > 0 ? 'error' : states.every((s) => s.ready) ? 'live' : 'starting', message: down.length > 0 ? down.join('; ') : null });
      };
      setStatus();
      const timer = setInterval(setStatus, 1000);
      return () => {
        clearInterval(timer);
        stopFeed();
        gate.stop();
      };
    },
  });
}

async function openTarget(connection: Connection, plan: FleetPlan, flags: FleetFlags): Promise<number> {
  const hello = connection.hello;
  const base = defaultSpoolConfig(hello?.queueDirectory ?? '(not connected)');
  // That host's lifetimes and null sender (its hello), not this machine's or the defaults.
  const rules = helloRules(hello);
  const config = { ...base, configDir: hello?.configDir ?? null, ...(rules ? { limits: rules.limits, emptyAddress: rules.emptyAddress } : {}) };
  const remote = createRemoteBackend(connection);
  const backend = flags['read-only'] ? createReadOnlyBackend() : fleetBackend(remote, flags);
  return startConsole({
    config,
    backend,
    readOnly: !!flags['read-only'] || remote.disabledReason !== null,
    auditOff: fleetAuditOff([connection], flags),
    theme: flags.theme ?? null,
    host: `${connection.target.label}${hello && hello.host !== connection.target.label ? ` (${hello.host})` : ''}`,
    altScreen: !flags['no-alt-screen'],
    keepProcess: true,
    checkIdentity: false,
    logTrails: remoteLogTrails((queueId) => ({ queueId, label: connection.target.label })),
    readMessage: (entry) => readRemoteMessage(connection.target, plan, entry),
    readContent: targetContentReader(connection),
    feed: (store, _config, _fail, gate) => {
      gate.push(connection.mirror.snapshot());
      const setStatus = () => {
        const now = helloRules(connection.hello);
        if (now && now.limits !== store.getState().limits) store.getState().updateHealth({ limits: now.limits });
        const s = linkStatus(connection);
        store.getState().setWatcherStatus({ mode: s.live ? (s.ready ? 'live' : 'starting') : 'error', message: s.text });
      };
      setStatus();
      const timer = setInterval(setStatus, 1000);
      const unlisten = connection.listen((batch) => gate.push(batch));
      return () => {
        clearInterval(timer);
        unlisten();
        gate.stop();
      };
    },
  });
}

export async function runFleetConsole(flags: FleetFlags): Promise<number> {
  const plan = planFleet(flags);
  if (flags['install-remote'] && !(await installRemote(plan, (l) => process.stderr.write(l)))) return 1;
  const problem = terminalProblem(process.stdout, process.stdin, process.env);
  if (problem) {
    process.stderr.write(`postq: ${problem}; use \`postq list --host ...\` instead\n`);
    return 2;
  }
  const theme = loadTheme({ name: flags.theme ?? null, env: process.env });
  const connections = plan.targets.map((target) => createConnection({ target, context: plan.context, serveArgs: target.kind === 'local' ? plan.serveArgs.filter((a) => a === '--read-only' || a === '--no-audit') : plan.serveArgs, version: POSTQ_VERSION }));
  for (const c of connections) c.start();
  let index = 0;
  try {
    for (;;) {
      const choice = await showFleetOverview(connections, index, theme);
      if (choice.kind === 'quit') return 0;
      if (choice.kind === 'open') index = choice.index;
      const code = choice.kind === 'merged' ? await openMerged(connections, plan, flags) : await openTarget(connections[index]!, plan, flags);
      if (code !== 0) return code;
    }
  } finally {
    for (const c of connections) c.stop();
    setTimeout(() => process.exit(), 2000).unref();
  }
}
