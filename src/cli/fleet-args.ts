/**
 * Which invocations are fleet invocations, and their target flags taken out of argv:
 * `--host H` (repeatable), `--context NAME`, `--all-instances`, `--remote-postq CMD`,
 * `--install-remote`, and `-c DIR` / `--spool DIR` (with hosts: the directory on each target;
 * `-c` twice or more without hosts: local instances). Everything else stays for the command
 * itself (run by each target's postq for list, stats, count, top and the actions).
 */
import { UsageError } from '../domain/errors.js';
import type { FleetFlags } from './fleet-plan.js';

const VALUED = new Set(['--host', '--context', '--remote-postq', '-c', '--config', '--spool']);
const BOOLEAN = new Set(['--all-instances', '--install-remote']);

export interface FleetArgs {
  flags: FleetFlags;
  /** argv without the target flags. */
  rest: string[];
}

export function splitFleetArgs(argv: readonly string[]): FleetArgs {
  const flags: FleetFlags = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (BOOLEAN.has(name)) {
      flags[name.slice(2) as 'all-instances' | 'install-remote'] = true;
      continue;
    }
    if (!VALUED.has(name)) {
      rest.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    if (name === '--host') (flags.host ??= []).push(value);
    else if (name === '-c' || name === '--config') (flags.config ??= []).push(value);
    else if (name === '--spool') flags.spool = value;
    else if (name === '--context') flags.context = value;
    else flags['remote-postq'] = value;
  }
  return { flags, rest };
}

/** True when argv names targets: hosts, a context, all instances, or several -c. */
export function isFleetInvocation(argv: readonly string[]): boolean {
  let configs = 0;
  for (const arg of argv) {
    if (arg === '--') break;
    const name = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (name === '--host' || name === '--context' || name === '--all-instances') return true;
    if (name === '-c' || name === '--config') configs++;
  }
  return configs > 1;
}
