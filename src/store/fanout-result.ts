/**
 * The flash line after an action in the merged fleet view, one part per host:
 * `mx1: held 3 of 3; mx2: held 1 of 2, 1 already gone`. A fanned-out action succeeds or
 * fails host by host (one host's link down, another's postsuper refusing), so a single total
 * would hide where. Hosts come from the entries as they were when the action was confirmed
 * (entries carry `host` only in the merged view); without hosts it is the ordinary line.
 *
 * Pure; never throws. The text is sanitised (describeResult's printable()).
 */
import type { ActionResult, ActionTarget } from '../domain/backend.js';
import type { FlashLevel } from './console-state.js';
import { printable } from '../spool/printable.js';
import { describeResult } from './confirm.js';

const SEVERITY: Record<FlashLevel, number> = { info: 0, ok: 1, warn: 2, error: 3 };

export function describeFanOutResult(result: ActionResult, targets: readonly ActionTarget[], hostOf: ReadonlyMap<string, string>): { text: string; level: FlashLevel } {
  if (hostOf.size === 0) return describeResult(result, targets.length);
  const asked = new Map<string, number>();
  for (const t of targets) {
    const host = hostOf.get(t.queueId) ?? '?';
    asked.set(host, (asked.get(host) ?? 0) + 1);
  }
  const outcomes = new Map<string, ActionResult['outcomes']>();
  for (const o of result.outcomes) {
    const host = hostOf.get(o.queueId) ?? '?';
    const list = outcomes.get(host);
    if (list) list.push(o);
    else outcomes.set(host, [o]);
  }
  const parts: string[] = [];
  let level: FlashLevel = 'info';
  for (const host of [...asked.keys()].sort()) {
    const one = describeResult({ action: result.action, outcomes: outcomes.get(host) ?? [], commands: [] }, asked.get(host)!, ', ');
    parts.push(`${host}: ${one.text}`);
    if (SEVERITY[one.level] > SEVERITY[level]) level = one.level;
  }
  // What stopped a batch (per host already, from the merged backend) is said once, at the end.
  const error = result.error ? ` (${printable(result.error)})` : '';
  if (result.error && SEVERITY[level] < SEVERITY.warn) level = 'warn';
  return { text: parts.join('; ') + error, level };
}
