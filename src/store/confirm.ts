/**
 * Actions as the console shows them: the confirmation before (what, how many, how many the
 * filter hides, the command, whether a word must be typed) and the flash line after
 * ("held 998 of 1,000; 2 already gone").
 *
 * Pure given the backend's describe(); never throws. A refusal (read-only, unsupported,
 * nothing selected) comes back as a flash, not an error.
 */
import { ACTION_SOURCES, CHANGED_REASON, ineligibleReason, type ActionName, type ActionResult, type ActionTarget, type QueueBackend } from '../domain/backend.js';
import { formatCount } from '../domain/count-format.js';
import type { QueueName } from '../domain/queue.js';
import { printable } from '../spool/printable.js';
import type { ActionScope, Confirmation, ConsoleData, FlashLevel } from './console-state.js';
import { selectCursorEntry, selectVisibleIds, selectVisibleIndex } from './selectors.js';
import { expiresAt } from './sort.js';
import { sortContextOf } from './visible-list.js';

/** A delete of at least this many messages asks for the word to be typed. */
export const TYPE_TO_CONFIRM_AT = 100;
export const CONFIRM_WORD = 'DELETE';

const VERB: Record<ActionName, [present: string, past: string]> = {
  hold: ['Hold', 'held'],
  release: ['Release', 'released'],
  requeue: ['Requeue', 'requeued'],
  delete: ['Delete', 'deleted'],
  expire: ['Expire', 'expired'],
  deliver: ['Deliver now', 'scheduled'],
};

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

export type ConfirmationRequest =
  | { ok: true; confirmation: Confirmation }
  | { ok: false; text: string; level: FlashLevel };

export function buildConfirmation(
  state: ConsoleData,
  backend: QueueBackend,
  action: ActionName,
  scope: ActionScope,
  /** Epoch seconds (for lifetimes); the store's clock when not given. */
  nowSec: number = state.clock / 1000,
): ConfirmationRequest {
  const disabled = state.readOnlyReason ?? backend.disabledReason;
  if (disabled !== null) {
    return { ok: false, text: `${action} is disabled: ${disabled}`, level: 'warn' };
  }
  if (!backend.supports(action)) {
    return { ok: false, text: `${action} is not supported by the ${backend.kind} backend`, level: 'warn' };
  }
  const used: Exclude<ActionScope, 'auto'> = scope === 'auto' ? (state.marks.size > 0 ? 'marked' : 'cursor') : scope;
  let ids: readonly string[];
  let gone = 0;
  if (used === 'marked') {
    const present: string[] = [];
    for (const id of state.marks) {
      if (state.entries.has(id)) present.push(id);
      else gone++;
    }
    ids = present;
  } else if (used === 'cursor') {
    const entry = selectCursorEntry(state);
    ids = entry ? [entry.queueId] : [];
  } else {
    ids = selectVisibleIds(state);
  }
  if (ids.length === 0) {
    const why = used === 'marked' ? 'the marked messages are gone' : used === 'cursor' ? 'no message under the cursor' : 'no message matches';
    return { ok: false, text: `nothing to ${action}: ${why}`, level: 'warn' };
  }
  // What the action cannot take (release on rows not held, anything in corrupt/) is left
  // out before the confirmation, and refused at once when nothing else is left.
  const sources = ACTION_SOURCES[action];
  const applicable: string[] = [];
  let firstLeftOut: QueueName | null = null;
  for (const id of ids) {
    const queueName = state.entries.get(id)!.queueName;
    if (sources.includes(queueName)) applicable.push(id);
    else firstLeftOut ??= queueName;
  }
  const leftOut = ids.length - applicable.length;
  if (applicable.length === 0) {
    const first = state.entries.get(ids[0]!)!;
    const why = ineligibleReason(action, first.queueName);
    const text = ids.length === 1
      ? `cannot ${action} ${first.queueId}: ${why}`
      : `nothing to ${action}: none of the ${formatCount(ids.length)} ${used === 'marked' ? 'marked' : 'shown'} messages can be (${why})`;
    return { ok: false, text, level: 'warn' };
  }
  const leftOutWhy = firstLeftOut === null ? null : ineligibleReason(action, firstLeftOut);
  ids = applicable;
  const targets: ActionTarget[] = [];
  const perQueue = new Map<QueueName, number>();
  for (const id of ids) {
    const entry = state.entries.get(id)!;
    // What was on screen: the id is checked against it again just before the action runs.
    targets.push(entry.inode !== undefined
      ? { queueId: id, queueName: entry.queueName, seen: { inode: entry.inode, arrivalTime: entry.arrivalTime } }
      : { queueId: id, queueName: entry.queueName });
    perQueue.set(entry.queueName, (perQueue.get(entry.queueName) ?? 0) + 1);
  }
  let hiddenByFilter = 0;
  if (used === 'marked') {
    const visible = selectVisibleIndex(state);
    for (const t of targets) if (!visible.has(t.queueId)) hiddenByFilter++;
  }
  const wholeQueue =
    targets.length >= 2 && [...perQueue].some(([q, n]) => n === state.queueStats[q].count);
  const onlyQueue = perQueue.size === 1 ? [...perQueue.keys()][0]! : null;
  const title = `${VERB[action][0]} ${plural(targets.length, 'message')}${onlyQueue ? ` from ${onlyQueue}` : ''}?`;
  const requireWord = action === 'delete' && (targets.length >= TYPE_TO_CONFIRM_AT || wholeQueue) ? CONFIRM_WORD : null;
  // Held mail past its lifetime bounces the moment it is released (Postfix's docs advise
  // postsuper -r instead): count it, so the confirmation can say so and offer R.
  let pastLifetime = 0;
  if (action === 'release') {
    const ctx = sortContextOf(state);
    for (const t of targets) if (expiresAt(state.entries.get(t.queueId)!, ctx) <= nowSec) pastLifetime++;
  }
  return {
    ok: true,
    confirmation: {
      action,
      scope: used,
      targets,
      count: targets.length,
      title,
      hiddenByFilter,
      gone,
      leftOut,
      leftOutWhy,
      filterText: state.filter.text,
      sampleIds: ids.slice(0, 3),
      command: backend.describe(action, targets),
      wholeQueue,
      requireWord,
      ...(pastLifetime > 0 ? { pastLifetime } : {}),
    },
  };
}

/** The flash after an action: "held 12 of 12", "held 998 of 1,000; 2 already gone". */
/** `separator` joins the parts (`; `, or `, ` inside one host's part of a fanned-out result). */
export function describeResult(result: ActionResult, requested: number, separator = '; '): { text: string; level: FlashLevel } {
  let done = 0;
  let gone = 0;
  let failed = 0;
  let changed = 0;
  let firstFailure: string | null = null;
  for (const o of result.outcomes) {
    if (o.status === 'done') done++;
    else if (o.status === 'not-found') gone++;
    else if (o.reason === CHANGED_REASON) changed++;
    else {
      failed++;
      firstFailure ??= o.reason;
    }
  }
  const past = VERB[result.action][1];
  let text = `${past} ${formatCount(done)} of ${formatCount(requested)}`;
  if (result.action === 'deliver') text += ' for delivery';
  if (gone > 0) text += `${separator}${formatCount(gone)} already gone`;
  if (changed > 0) text += `${separator}${formatCount(changed)} ${CHANGED_REASON}`;
  if (failed > 0) text += `${separator}${formatCount(failed)} failed${firstFailure ? `: ${firstFailure}` : ''}`;
  const unanswered = requested - done - gone - failed - changed;
  if (unanswered > 0) text += `${separator}${formatCount(unanswered)} not attempted`;
  if (result.error) text += ` (${result.error})`;
  const level: FlashLevel = failed > 0 || changed > 0 || result.error || unanswered > 0 ? (done > 0 ? 'warn' : 'error') : done > 0 ? 'ok' : 'warn';
  // Backend reasons carry tool output (stderr): sanitise before it reaches a terminal.
  return { text: printable(text), level };
}
