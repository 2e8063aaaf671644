/**
 * Dispatch of fleet invocations (fleet-args.ts) and of the two fleet-only commands:
 * `postq serve` (the remote side) and `postq contexts` (the named target sets).
 */
import { AuditLogError } from '../actions/audit-log.js';
import type { ActionName } from '../domain/backend.js';
import { UsageError } from '../domain/errors.js';
import { contextsPath, loadContexts } from '../config/contexts.js';
import { printable } from '../spool/printable.js';
import { splitFleetArgs } from './fleet-args.js';
import { planFleet } from './fleet-plan.js';
import { openFanOutAudit, type FanOutAudit } from './fleet-audit.js';
import { installRemote } from './install-remote.js';
import { runOnTargets } from './remote-run.js';

const REMOTE_COMMANDS = new Set(['list', 'stats', 'count', 'top', 'shape', 'hold', 'release', 'requeue', 'delete', 'expire', 'deliver']);
const ACTIONS = new Set(['hold', 'release', 'requeue', 'delete', 'expire', 'deliver']);

export async function dispatchFleet(argv: string[], out: (t: string) => void, err: (t: string) => void): Promise<number> {
  const { flags, rest } = splitFleetArgs(argv);
  const [command] = rest;
  if (command === undefined || command.startsWith('-')) {
    for (const arg of rest) {
      if (!['--read-only', '--no-alt-screen', '--no-audit', '--pick'].includes(arg) && !arg.startsWith('--theme')) throw new UsageError(`unexpected argument for the fleet console: ${printable(arg)}`);
    }
    const themeAt = rest.findIndex((a) => a === '--theme' || a.startsWith('--theme='));
    const theme = themeAt < 0 ? undefined : rest[themeAt]!.includes('=') ? rest[themeAt]!.split('=')[1] : rest[themeAt + 1];
    await (await import('../ui/before-ink.js')).beforeInk(); // before Ink loads
    const { runFleetConsole } = await import('./fleet-console.js');
    return runFleetConsole({ ...flags, 'read-only': rest.includes('--read-only'), 'no-alt-screen': rest.includes('--no-alt-screen'), 'no-audit': rest.includes('--no-audit'), pick: rest.includes('--pick'), theme });
  }
  if (!REMOTE_COMMANDS.has(command)) throw new UsageError(`${printable(command)} does not take --host, --context or several -c`);
  if (ACTIONS.has(command) && !rest.includes('--yes') && !rest.includes('--dry-run')) {
    throw new UsageError(`${command} on several targets: run it with --dry-run first to see each target's count, then with --yes`);
  }
  const plan = planFleet(flags);
  // The same copy step as the console's, before the command runs on each target.
  if (flags['install-remote'] && !(await installRemote(plan, err))) return 1;
  let audit: FanOutAudit | undefined;
  if (ACTIONS.has(command) && rest.includes('--yes') && !rest.includes('--dry-run') && !rest.includes('--no-audit')) {
    try {
      audit = openFanOutAudit(command as ActionName, (message) => err(`postq: warning: ${message}\n`));
    } catch (error) {
      if (!(error instanceof AuditLogError)) throw error;
      err(`postq: not acting on any target: the audit log cannot be used: ${printable(error.message)} (--no-audit acts without it)\n`);
      return 1;
    }
  }
  try {
    return await runOnTargets(plan, rest, rest.includes('--json'), { out, err }, ACTIONS.has(command), audit);
  } finally {
    audit?.close();
  }
}

export function runContexts(out: (t: string) => void): number {
  const contexts = loadContexts();
  if (contexts.size === 0) {
    out(`no contexts (${contextsPath()} does not exist or is empty)\n`);
    return 0;
  }
  for (const ctx of contexts.values()) out(`${printable(ctx.name)}\t${ctx.targets.map((t) => printable(t)).join(' ')}\n`);
  return 0;
}
