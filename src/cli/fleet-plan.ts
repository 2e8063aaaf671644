/**
 * The fleet's targets and how to reach them, from the command line and contexts.json:
 * planFleet (targets, serve's arguments, the ssh command) and `postmulti -l` for
 * --all-instances (--install-remote is install-remote.ts). No Ink here: `list --host` must
 * start fast.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../domain/errors.js';
import { loadContexts } from '../config/contexts.js';
import { parseTarget, sshCommand, type SpawnContext, type Target } from '../remote/target.js';

export interface FleetFlags {
  host?: string[] | undefined;
  config?: string[] | undefined;
  spool?: string | undefined;
  'all-instances'?: boolean | undefined;
  context?: string | undefined;
  'remote-postq'?: string | undefined;
  'install-remote'?: boolean | undefined;
  'read-only'?: boolean | undefined;
  /** --no-audit: no local audit line per host, and each serve acts without its own log. */
  'no-audit'?: boolean | undefined;
  theme?: string | undefined;
  'no-alt-screen'?: boolean | undefined;
  /** --pick: on q in the overview, print the ids marked in the consoles left with q (fleet-pick.ts). */
  pick?: boolean | undefined;
}

export interface FleetPlan {
  targets: Target[];
  /** serve's arguments on ssh/exec targets: the spool or config directory there. */
  serveArgs: string[];
  context: SpawnContext;
}

/** This postq as a command line, to run it again for a local instance. */
export function selfCommand(): string[] {
  return [process.execPath, process.argv[1] ?? fileURLToPath(new URL('../cli.js', import.meta.url))];
}

/** `postmulti -l`: every instance's config directory (the fourth column), or a clear error. */
export function listInstances(): string[] {
  const run = spawnSync('postmulti', ['-l'], { encoding: 'utf8', timeout: 10_000 });
  if (run.error || run.status !== 0) throw new UsageError(`--all-instances: postmulti -l failed: ${run.error?.message ?? run.stderr.trim()}`);
  return run.stdout.split('\n').map((l) => l.trim().split(/\s+/)[3]).filter((d): d is string => !!d && d.startsWith('/'));
}

export function planFleet(flags: FleetFlags, env: NodeJS.ProcessEnv = process.env): FleetPlan {
  const specs: string[] = [...(flags.host ?? [])];
  let spool = flags.spool ?? null;
  let config: string | null = null;
  let remotePostq = flags['remote-postq'] ?? null;
  const hostsGiven = specs.length > 0;
  if (flags.context) {
    const ctx = loadContexts(env).get(flags.context);
    if (!ctx) throw new UsageError(`no context ${JSON.stringify(flags.context)} (see postq contexts)`);
    specs.push(...ctx.targets);
    spool ??= ctx.spool;
    config = ctx.config;
    remotePostq ??= ctx.remotePostq;
  }
  const locals = [...(flags.config ?? [])];
  if (flags['all-instances']) locals.push(...listInstances());
  if (hostsGiven || flags.context) {
    // With remote targets, one -c names the config directory on each target.
    if (locals.length === 1 && !flags['all-instances']) config = locals.pop()!;
  }
  for (const dir of locals) specs.push(`local:${dir}`);
  if (specs.length === 0) throw new UsageError('no targets: give --host, -c, --all-instances or --context');
  if (spool && config) throw new UsageError('give --spool or -c for the targets, not both');
  const targets = specs.map(parseTarget);
  const labels = new Set<string>();
  for (const t of targets) {
    if (labels.has(t.label)) throw new UsageError(`target given twice: ${t.label}`);
    labels.add(t.label);
  }
  const serveArgs = [...(spool ? ['--spool', spool] : []), ...(config ? ['-c', config] : []), ...(flags['read-only'] ? ['--read-only'] : []), ...(flags['no-audit'] ? ['--no-audit'] : [])];
  return { targets, serveArgs, context: { ssh: sshCommand(env), self: selfCommand(), remotePostq } };
}
