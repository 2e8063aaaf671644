/**
 * The fleet console: `postq --host H [--host H2] [-c DIR -c DIR2] [--all-instances]
 * [--context NAME]`. Wiring only: targets (fleet-plan.ts), one link each
 * (remote/connection.ts), the overview (ui/components/fleet-overview.tsx), and for the target
 * opened with Enter the ordinary console fed by that link (its pane and header:/body: read
 * over it too: remote-read.ts, remote/remote-content.ts), acting through the remote's postq
 * (remote/remote-backend.ts, audited on both hosts: the remote's serve refuses without its log,
 * this console without its line per host, unless --no-audit, which goes to both and puts
 * `[audit off]` in the header). q in a target's console goes back to the overview; q there quits.
 *
 * Exit codes: 0 after q, 2 for bad options or no terminal, 128+N after a signal.
 */
import type { QueueBackend } from '../domain/backend.js';
import { defaultSpoolConfig } from '../config/spool-config.js';
import { loadTheme } from '../config/theme-load.js';
import { createConnection, type Connection } from '../remote/connection.js';
import { helloRules, hostRulesOf, remoteLogTrails, splitMergedId, targetBatch } from '../remote/merged.js';
import { FLEET_GATE, startMergedFeed } from '../remote/merged-feed.js';
import { mergedContentReader, targetContentReader } from '../remote/remote-content.js';
import { planFleet, type FleetFlags, type FleetPlan } from './fleet-plan.js';
import { installRemote } from './install-remote.js';
import { showFleetOverview } from '../ui/render-fleet.js';
import { startConsole, terminalProblem, type StartConsoleOptions } from './console-command.js';
import type { ConsoleStore } from '../store/console-state.js';
import { drawingTerminal } from './pick.js';
import { FleetPicks } from './fleet-pick.js';
import { holdRawMode } from '../ui/raw-hold.js';

/** Where a fleet console draws (the terminal, with --pick and stdout a pipe) and what it hands back on exit. */
type ConsoleIo = Pick<StartConsoleOptions, 'stdout' | 'stdin' | 'onExit' | 'gate'>;
import { POSTQ_VERSION } from './version.js';
import { createLinkPaneReader } from './remote-read.js';
import { mergedConsoleBackend, targetConsoleBackend } from './fleet-backend.js';

export { fleetBackend, mergedConsoleBackend, targetConsoleBackend } from './fleet-backend.js';

/** `[audit off]` when either side acts without its log: here by --no-audit, there by its hello. */
export function fleetAuditOff(connections: readonly Connection[], flags: FleetFlags): boolean {
  return !flags['read-only'] && (!!flags['no-audit'] || connections.some((c) => c.hello?.auditOff === true));
}

/** A host whose hello came after the console opened may refuse actions: the store says so then. */
function syncReadOnly(store: ConsoleStore, backend: QueueBackend): void {
  const reason = backend.disabledReason;
  if (reason !== null && store.getState().readOnlyReason === null) store.getState().setReadOnly(reason);
}

function linkStatus(connection: Connection): { live: boolean; ready: boolean; text: string | null } {
  const s = connection.status;
  const live = s.state === 'live';
  return { live, ready: live && s.ready, text: live ? s.remoteStatus : `${connection.target.label} ${s.state}: ${s.message ?? ''} (rows as last seen)` };
}

/** All targets in one console: rows keyed ID@TARGET (shown as ID and HOST), host: filters, actions sent to each host. */
async function openMerged(connections: Connection[], plan: FleetPlan, flags: FleetFlags, io: ConsoleIo): Promise<number> {
  const byLabel = new Map(connections.map((c) => [c.target.label, c]));
  const readers = new Map(connections.map((c) => [c.target.label, createLinkPaneReader(c, plan)]));
  const backend = mergedConsoleBackend(connections, flags);
  return startConsole({
    ...io,
    config: defaultSpoolConfig(`${connections.length} targets merged`),
    // Read-only or not, through the fleet backend: its disabledReason makes the store read-only.
    backend,
    readOnly: false,
    auditOff: fleetAuditOff(connections, flags),
    theme: flags.theme ?? null,
    host: `fleet (${connections.length} targets)`,
    altScreen: !flags['no-alt-screen'],
    keepProcess: true,
    checkIdentity: false,
    logTrails: remoteLogTrails((id) => splitMergedId(id) ?? { queueId: id, label: 'its host' }),
    readMessage: (entry) => {
      const split = splitMergedId(entry.queueId);
      const reader = split ? readers.get(split.label) : undefined;
      if (!split || !reader) return null;
      return reader({ ...entry, queueId: split.queueId });
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
        syncReadOnly(store, backend);
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

async function openTarget(connection: Connection, plan: FleetPlan, flags: FleetFlags, io: ConsoleIo): Promise<number> {
  const hello = connection.hello;
  const base = defaultSpoolConfig(hello?.queueDirectory ?? '(not connected)');
  // That host's lifetimes and null sender (its hello), not this machine's or the defaults.
  const rules = helloRules(hello);
  const config = { ...base, configDir: hello?.configDir ?? null, ...(rules ? { limits: rules.limits, emptyAddress: rules.emptyAddress } : {}) };
  const backend = targetConsoleBackend(connection, flags);
  return startConsole({
    ...io,
    config,
    backend,
    readOnly: false,
    auditOff: fleetAuditOff([connection], flags),
    theme: flags.theme ?? null,
    host: `${connection.target.label}${hello && hello.host !== connection.target.label ? ` (${hello.host})` : ''}`,
    altScreen: !flags['no-alt-screen'],
    keepProcess: true,
    checkIdentity: false,
    logTrails: remoteLogTrails((queueId) => ({ queueId, label: connection.target.label })),
    readMessage: createLinkPaneReader(connection, plan),
    readContent: targetContentReader(connection),
    feed: (store, _config, _fail, gate) => {
      gate.push(targetBatch(connection.mirror.snapshot()));
      const setStatus = () => {
        const now = helloRules(connection.hello);
        if (now && now.limits !== store.getState().limits) store.getState().updateHealth({ limits: now.limits });
        const s = linkStatus(connection);
        store.getState().setWatcherStatus({ mode: s.live ? (s.ready ? 'live' : 'starting') : 'error', message: s.text });
        syncReadOnly(store, backend);
      };
      setStatus();
      const timer = setInterval(setStatus, 1000);
      const unlisten = connection.listen((batch) => gate.push(targetBatch(batch)));
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
  // --pick: the picked ids go to stdout; the overview and the consoles draw on the terminal.
  const stdout = flags.pick && !process.stdout.isTTY ? drawingTerminal() ?? process.stdout : process.stdout;
  const problem = terminalProblem(stdout, process.stdin, process.env);
  if (problem) {
    process.stderr.write(`postq: ${problem}; use \`postq list --host ...\` instead\n`);
    return 2;
  }
  const theme = loadTheme({ name: flags.theme ?? null, env: process.env });
  const connections = plan.targets.map((target) => createConnection({ target, context: plan.context, serveArgs: target.kind === 'local' ? plan.serveArgs.filter((a) => a === '--read-only' || a === '--no-audit') : plan.serveArgs, version: POSTQ_VERSION }));
  for (const c of connections) c.start();
  const picks = new FleetPicks();
  let index = 0;
  // Raw from here to the end: keys typed between the overview and a console stay keys.
  const terminal = holdRawMode(process.stdin);
  try {
    for (;;) {
      const choice = await showFleetOverview(connections, index, theme, stdout, terminal.stdin);
      if (choice.kind === 'quit') {
        if (flags.pick) process.stdout.write(picks.format(connections.length));
        return 0;
      }
      if (choice.kind === 'open') index = choice.index;
      const label = connections[index]!.target.label;
      const io: ConsoleIo = {
        stdout,
        stdin: terminal.stdin,
        gate: FLEET_GATE,
        onExit: (store, code) => {
          if (code !== 0 || !flags.pick) return;
          if (choice.kind === 'merged') picks.addMerged(store.getState().marks);
          else picks.addTarget(label, store.getState().marks);
        },
      };
      const code = choice.kind === 'merged' ? await openMerged(connections, plan, flags, io) : await openTarget(connections[index]!, plan, flags, io);
      if (code !== 0) return code;
    }
  } finally {
    terminal.release();
    for (const c of connections) c.stop();
    setTimeout(() => process.exit(), 2000).unref();
  }
}
