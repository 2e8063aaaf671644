/**
 * `postq list|stats|count|top ... --host H [--host H2] [--context NAME]`: the same command run
 * by each target's postq (over ssh, exec or a local instance), its output streamed back. With
 * --json every line (a JSON object) gains a leading `"host"` member, so
 * `postq list --json --context eu-mx | jq 'select(.host == "mx1")'` works; in text each
 * target's output comes under a `== TARGET ==` line. A target's stderr lines are prefixed
 * with its label. Targets run at once; lines are never interleaved within a line.
 *
 * With `summary` (the actions), one result line per target comes last, under
 * `== result per target ==`: the target's own count line (`mx1: held 3 of 3 messages`), or
 * why it gave none (`mx2: failed (exit 255): Permission denied (publickey).`), so a fanned-out
 * action says where it did what without scrolling back through each block.
 *
 * An action's local audit (fleet-audit.ts), when given, gets a line per target before its
 * command starts and one when it ends.
 *
 * Exit code: the highest of the targets' codes (0 when all succeeded).
 */
import { spawn } from 'node:child_process';
import { printable } from '../spool/printable.js';
import { createLineSplitter } from '../remote/line-splitter.js';
import { spawnSpec, type Target } from '../remote/target.js';
import type { FanOutAudit } from './fleet-audit.js';
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

interface TargetRun {
  label: string;
  code: number;
  /** The first line of its stdout that reads as an action's result, if any. */
  resultLine: string | null;
  lastError: string | null;
}

/** An action command's count line (action-command.ts): `held 3 of 3 messages...`, `would hold 2 messages:`, `nothing to hold`. */
const RESULT_LINE = /^(?:[a-z]+ [\d,]+ of [\d,]+ messages?\b|would [a-z]+ [\d,]+ messages?|nothing to [a-z]+)/;

function runOne(target: Target, plan: FleetPlan, args: readonly string[], json: boolean, io: RemoteRunIo, audit?: FanOutAudit): Promise<TargetRun> {
  const serveArgs = target.kind === 'local' ? [] : plan.serveArgs.filter((a) => a !== '--read-only');
  const targetArgs = [...args, ...serveArgs];
  const spec = spawnSpec(target, targetArgs, plan.context);
  return new Promise((resolve) => {
    audit?.intent(target.label, targetArgs);
    // 'error' (cannot spawn) may be followed by 'close': one done line per target.
    let audited = false;
    const auditDone = (code: number, result: string | null) => {
      if (!audited) audit?.done(target.label, code, result);
      audited = true;
    };
    const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Text is kept until the target is done, so two targets' listings never interleave.
    const text: Buffer[] = [];
    const run: TargetRun = { label: target.label, code: 1, resultLine: null, lastError: null };
    const out = createLineSplitter((line) => {
      const tagged = withHost(line, target.label);
      if (tagged) io.out(`${tagged}\n`);
    });
    const err = createLineSplitter((line) => {
      if (line.trim()) run.lastError = line;
      io.err(`${printable(target.label)}: ${printable(line)}\n`);
    });
    child.stdout.on('data', (c: Buffer) => (json ? out.push(c) : text.push(c)));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error) => {
      io.err(`${printable(target.label)}: cannot run ${spec.command}: ${error.message}\n`);
      auditDone(1, null);
      resolve({ ...run, lastError: `cannot run ${spec.command}: ${error.message}` });
    });
    child.on('close', (code) => {
      out.push(Buffer.from('\n'));
      err.push(Buffer.from('\n'));
      const body = Buffer.concat(text).toString('utf8');
      if (!json) io.out(`== ${printable(target.label)} ==\n${printable(body, { keepNewline: true })}`);
      run.resultLine = body.split('\n').find((l) => RESULT_LINE.test(l)) ?? null;
      auditDone(code ?? 1, run.resultLine);
      resolve({ ...run, code: code ?? 1 });
    });
  });
}

/** One line per target: its result line, else why there is none. */
export function resultLines(runs: readonly TargetRun[]): string {
  const lines = runs.map((r) => {
    const why = r.lastError ? `: ${r.lastError.trim()}` : '';
    const what = r.resultLine ?? (r.code === 0 ? `no result line (exit 0)${why}` : `failed (exit ${r.code})${why}`);
    return `${printable(r.label)}: ${printable(what)}${r.resultLine && r.code !== 0 ? ` (exit ${r.code})` : ''}\n`;
  });
  return `== result per target ==\n${lines.join('')}`;
}

export async function runOnTargets(plan: FleetPlan, args: readonly string[], json: boolean, io: RemoteRunIo, summary = false, audit?: FanOutAudit): Promise<number> {
  const runs = await Promise.all(plan.targets.map((t) => runOne(t, plan, args, json, io, audit)));
  if (summary) io.out(resultLines(runs));
  return Math.max(0, ...runs.map((r) => r.code));
}
