/**
 * `--install-remote`: the single-file bundle copied to each ssh/exec target's
 * ~/.cache/postq/postq.mjs over the same transport (the bytes on the remote command's stdin,
 * written to a temporary name and renamed, so a half-sent copy never runs), before the
 * console or the command starts. Targets are done at once, each with its own line:
 * `mx1: installed ~/.cache/postq/postq.mjs`, with a note when node is missing there (the copy
 * needs Node.js >= 20.19), or `mx2: install failed: REASON`. Local targets are skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../domain/errors.js';
import { printable } from '../spool/printable.js';
import { INSTALL_PATH, shellQuote, spawnSpec, type Target } from '../remote/target.js';
import type { FleetPlan } from './fleet-plan.js';

const TIMEOUT_MS = 120_000;

/** The single-file bundle to copy to a host: this file when running as the bundle, else dist/postq.mjs. */
export function bundlePath(): string {
  const self = process.argv[1] ?? '';
  if (self.endsWith('.mjs')) return self;
  const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'postq.mjs');
  if (existsSync(built)) return built;
  throw new UsageError('--install-remote needs the single-file bundle: run `npm run bundle` first (dist/postq.mjs)');
}

const COPY_SCRIPT = `umask 077 && mkdir -p "$HOME/.cache/postq" && cat > "$HOME/${INSTALL_PATH}.tmp" && mv -f "$HOME/${INSTALL_PATH}.tmp" "$HOME/${INSTALL_PATH}" && { command -v node >/dev/null 2>&1 || echo "note: node is not installed on $(hostname): postq needs Node.js >= 20.19 there" >&2; }`;

function installOne(target: Target, plan: FleetPlan, bundle: Buffer): Promise<{ ok: boolean; line: string }> {
  // The same transport, running the copy script instead of postq.
  const spec = spawnSpec(target, [], { ...plan.context, remotePostq: 'true' });
  const args = target.kind === 'ssh' ? [...spec.args.slice(0, -1), COPY_SCRIPT] : ['-c', `${target.address} sh -c ${shellQuote(COPY_SCRIPT)}`];
  return new Promise((resolve) => {
    const child = spawn(spec.command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let failure: string | null = null;
    const timer = setTimeout(() => {
      failure = `no answer in ${TIMEOUT_MS / 1000} s`;
      child.kill('SIGTERM');
    }, TIMEOUT_MS);
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-8192)));
    // A target that exits before reading everything closes the pipe: its exit status says why.
    child.stdin.on('error', () => {});
    child.stdin.end(bundle);
    child.on('error', (error) => (failure ??= `cannot run ${spec.command}: ${error.message}`));
    child.on('close', (code) => {
      clearTimeout(timer);
      const ok = failure === null && code === 0;
      const said = stderr.trim();
      const why = failure ?? said.split('\n').pop() ?? `exit ${code}`;
      const note = ok && said.includes('note:') ? ` (${said})` : '';
      resolve({ ok, line: `${printable(target.label)}: ${ok ? `installed ~/${INSTALL_PATH}${printable(note)}` : `install failed: ${printable(why || `exit ${code}`)}`}\n` });
    });
  });
}

/** Copy the bundle to every ssh/exec target at once; true when every copy landed. */
export async function installRemote(plan: FleetPlan, write: (line: string) => void): Promise<boolean> {
  const remote = plan.targets.filter((t) => t.kind !== 'local');
  if (remote.length === 0) return true;
  const bundle = readFileSync(bundlePath());
  const results = await Promise.all(remote.map((t) => installOne(t, plan, bundle)));
  for (const r of results) write(r.line);
  return results.every((r) => r.ok);
}
