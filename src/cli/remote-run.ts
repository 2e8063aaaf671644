/**
 * `postq list|stats|count|top ... --host H [--host H2] [--context NAME]`: the same command run
 * by each target's postq (over ssh, exec or a local instance), its output streamed back. With
 * --json every line (a JSON object) gains a leading `"host"` member, so
 * `postq list --json --context eu-mx | jq 'select(.host == "mx1")'` works; in text each
 * target's output comes under a `== TARGET ==` line. A target's stderr lines are prefixed
 * with its label. Targets run at once; lines are never interleaved within a line.
 *
 * Exit code: the highest of the targets' codes (0 when all succeeded).
 */
import { spawn } from 'node:child_process';
import { printable } from '../spool/printable.js';
import { createLineSplitter } from '../remote/line-splitter.js';
import { spawnSpec, type Target } from '../remote/target.js';
import type { FleetPlan } from './fleet-plan.js';

export interface RemoteRunIo {
  out(text: string): void;
  err(text: string): void;
}

/** `{"host":LABEL,` + the rest of a JSON object line; other lines are dropped (not JSON). */
export function withHost(line: string, label: string): string | null {
  const t = line.trimEnd();
  if (!t.startsWith('{') || !t.endsWith('}')) return null;
  const rest = t.slice(1).trimStart();
  return `{"host":${JSON.stringify(label)}${rest === '}' ? '' : ','}${rest}`;
}

function runOne(target: Target, plan: FleetPlan, args: readonly string[], json: boolean, io: RemoteRunIo): Promise<number> {
  const serveArgs = target.kind === 'local' ? [] : plan.serveArgs.filter((a) => a !== '--read-only');
  const spec = spawnSpec(target, [...args, ...serveArgs], plan.context);
  return new Promise((resolve) => {
    const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Text is kept until the target is done, so two targets' listings never interleave.
    const text: Buffer[] = [];
    const out = createLineSplitter((line) => {
      const tagged = withHost(line, target.label);
      if (tagged) io.out(`${tagged}\n`);
    });
    const err = createLineSplitter((line) => io.err(`${printable(target.label)}: ${printable(line)}\n`));
    child.stdout.on('data', (c: Buffer) => (json ? out.push(c) : text.push(c)));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error) => {
      io.err(`${printable(target.label)}: cannot run ${spec.command}: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code) => {
      out.push(Buffer.from('\n'));
      err.push(Buffer.from('\n'));
      if (!json) io.out(`== ${printable(target.label)} ==\n${printable(Buffer.concat(text).toString('utf8'), { keepNewline: true })}`);
      resolve(code ?? 1);
    });
  });
}

export async function runOnTargets(plan: FleetPlan, args: readonly string[], json: boolean, io: RemoteRunIo): Promise<number> {
  const codes = await Promise.all(plan.targets.map((t) => runOne(t, plan, args, json, io)));
  return Math.max(0, ...codes);
}
