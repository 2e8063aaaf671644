/**
 * Fleet targets: where a remote postq runs and the command line that reaches it.
 *
 * - `[user@]host[:port]`: `ssh` with the user's own configuration (keys, agent, ProxyJump,
 *   ControlMaster); BatchMode, so a host that wants a password fails at once instead of
 *   prompting under the console. $POSTQ_SSH replaces the `ssh` command (e.g. `ssh -F FILE`).
 * - `exec:COMMAND`: any command that reaches a shell where postq runs (`docker exec -i NAME`);
 *   the remote script is appended as `sh -c SCRIPT`.
 * - `local:CONFIG_DIR` (what `-c` and `--all-instances` give in fleet mode): this postq, run
 *   again as a child for that instance.
 *
 * On the remote side the script runs `postq` from PATH, else the `--install-remote` copy in
 * ~/.cache/postq/postq.mjs with `node`, and says plainly which is missing (Node.js >= 20.19
 * is needed there). Every argument is single-quoted for the remote shell. Pure.
 */
import { UsageError } from '../domain/errors.js';

export type TargetKind = 'ssh' | 'exec' | 'local';

export interface Target {
  kind: TargetKind;
  /** What the console shows: `mx1`, `root@mx2:2222`, `exec:docker exec -i pf`, `local:/etc/postfix-out`. */
  label: string;
  /** ssh: [user@]host; exec: the command; local: the config directory. */
  address: string;
  port: number | null;
}

export const INSTALL_PATH = '.cache/postq/postq.mjs';

export function parseTarget(spec: string): Target {
  const text = spec.trim();
  if (text.startsWith('exec:')) {
    const command = text.slice(5).trim();
    if (!command) throw new UsageError('exec: needs a command, e.g. exec:"docker exec -i postfix"');
    return { kind: 'exec', label: text, address: command, port: null };
  }
  if (text.startsWith('local:')) {
    const dir = text.slice(6);
    if (!dir.startsWith('/')) throw new UsageError(`local: needs an absolute config directory: ${JSON.stringify(dir)}`);
    return { kind: 'local', label: text, address: dir, port: null };
  }
  const m = /^(?:([A-Za-z0-9._-]+)@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(text);
  if (!m || m[2]!.startsWith('-')) throw new UsageError(`not a host: ${JSON.stringify(spec.slice(0, 80))} (expected [user@]host[:port], exec:COMMAND or local:DIR)`);
  const port = m[3] ? Number(m[3]) : null;
  if (port !== null && (port < 1 || port > 65535)) throw new UsageError(`port out of range in ${JSON.stringify(spec)}`);
  const host = m[2]!.replace(/^\[|\]$/g, '');
  return { kind: 'ssh', label: text, address: m[1] ? `${m[1]}@${host}` : host, port };
}

/** Single-quote for a POSIX shell. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * The script the remote shell runs: postq from PATH, else the installed copy with node, else
 * a clear error (exit 127). `remotePostq` overrides the command (a path or `node /x.mjs`).
 */
export function remoteScript(args: readonly string[], remotePostq: string | null = null): string {
  const quoted = args.map(shellQuote).join(' ');
  if (remotePostq) return `exec ${remotePostq} ${quoted}`;
  return [
    `if command -v postq >/dev/null 2>&1; then exec postq ${quoted}; fi`,
    `f="$HOME/${INSTALL_PATH}"`,
    `if [ -f "$f" ]; then command -v node >/dev/null 2>&1 || { echo "postq: node is not installed on $(hostname): the remote postq needs Node.js >= 20.19" >&2; exit 127; }; exec node "$f" ${quoted}; fi`,
    `echo "postq: postq is not installed on $(hostname): put it on PATH, or run the console with --install-remote" >&2; exit 127`,
  ].join('\n');
}

export interface SpawnSpec {
  command: string;
  args: string[];
}

export interface SpawnContext {
  /** $POSTQ_SSH split on spaces, else ['ssh']. */
  ssh: string[];
  /** This postq: [node, script] for local targets. */
  self: string[];
  remotePostq: string | null;
}

export function sshCommand(env: NodeJS.ProcessEnv): string[] {
  const words = (env.POSTQ_SSH ?? '').trim().split(/\s+/).filter(Boolean);
  return words.length > 0 ? words : ['ssh'];
}

/** The process that runs `postq ARGS` on the target. */
export function spawnSpec(target: Target, args: readonly string[], context: SpawnContext): SpawnSpec {
  if (target.kind === 'local') {
    const [command, ...rest] = context.self;
    return { command: command!, args: [...rest, ...args, '-c', target.address] };
  }
  const script = remoteScript(args, context.remotePostq);
  if (target.kind === 'exec') return { command: 'sh', args: ['-c', `${target.address} sh -c ${shellQuote(script)}`] };
  const [ssh, ...sshArgs] = context.ssh;
  const port = target.port !== null ? ['-p', String(target.port)] : [];
  return { command: ssh!, args: [...sshArgs, '-T', '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=10', ...port, '--', target.address, script] };
}
