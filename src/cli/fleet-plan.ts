/**
 * The fleet's targets and how to reach them, from the command line and contexts.json:
 * planFleet (targets, serve's arguments, the ssh command), `postmulti -l` for
 * --all-instances, and --install-remote (the single-file bundle copied to each target's
 * ~/.cache/postq/ over the same transport). No Ink here: `list --host` must start fast.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../domain/errors.js';
import { loadContexts } from '../config/contexts.js';
import { parseTarget, spawnSpec, sshCommand, INSTALL_PATH, type SpawnContext, type Target } from '../remote/target.js';

export interface FleetFlags {
  host?: string[] | undefined;
  config?: string[] | undefined;
  spool?: string | undefined;
  'all-instances'?: boolean | undefined;
  context?: string | undefined;
  'remote-postq'?: string | undefined;
  'install-remote'?: boolean | undefined;
  'read-only'?: boolean | undefined;
  theme?: string | undefined;
  'no-alt-screen'?: boolean | undefined;
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
  const serveArgs = [...(spool ? ['--spool', spool] : []), ...(config ? ['-c', config] : []), ...(flags['read-only'] ? ['--read-only'] : [])];
  return { targets, serveArgs, context: { ssh: sshCommand(env), self: selfCommand(), remotePostq } };
}

/** The single-file bundle to copy to a host: this file when running as the bundle, else dist/postq.mjs. */
export function bundlePath(): string {
  const self = process.argv[1] ?? '';
  if (self.endsWith('.mjs')) return self;
  const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'postq.mjs');
  if (existsSync(built)) return built;
  throw new UsageError('--install-remote needs the single-file bundle: run `npm run bundle` first (dist/postq.mjs)');
}

/** Copy the bundle to ~/.cache/postq/postq.mjs on each ssh/exec target over the same transport. */
export function installRemote(plan: FleetPlan, write: (line: string) => void): boolean {
  const bundle = bundlePath();
  let ok = true;
  for (const target of plan.targets) {
    if (target.kind === 'local') continue;
    const script = `umask 077 && mkdir -p "$HOME/.cache/postq" && cat > "$HOME/${INSTALL_PATH}.tmp" && mv -f "$HOME/${INSTALL_PATH}.tmp" "$HOME/${INSTALL_PATH}" && { command -v node >/dev/null 2>&1 || echo "note: node is not installed on $(hostname): postq needs Node.js >= 20.19 there" >&2; }`;
    const spec = spawnSpec(target, [], { ...plan.context, remotePostq: 'true' });
    // The same transport, running the copy script instead of postq.
    const args = target.kind === 'ssh' ? [...spec.args.slice(0, -1), script] : ['-c', `${target.address} sh -c '${script.replaceAll("'", `'\\''`)}'`];
    const run = spawnSync(spec.command, args, { input: readFileSync(bundle), encoding: 'utf8', timeout: 120_000 });
    const fine = !run.error && run.status === 0;
    ok &&= fine;
    write(`${target.label}: ${fine ? `installed ~/${INSTALL_PATH}` : `install failed: ${run.error?.message ?? run.stderr.trim().split('\n').pop() ?? `exit ${run.status}`}`}${run.stderr.includes('note:') ? ` (${run.stderr.trim()})` : ''}\n`);
  }
  return ok;
}
