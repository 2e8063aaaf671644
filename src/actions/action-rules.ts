/**
 * What each action means, the same for every backend (postsuper(1) by-id semantics, facts doc
 * §9.2): which queues it takes a message from, postsuper's option letter and the word it
 * reports per message. Plus target preparation: markers stripped, ids validated, targets
 * grouped by the queue they were seen in.
 *
 * Pure: no I/O. Targets that cannot be acted on come back as `failed` outcomes with a reason;
 * nothing here throws.
 */
import type { ActionName, ActionOutcome, ActionTarget } from '../domain/backend.js';
import { isQueueIdName, stripQueueIdMarkers } from '../domain/queue-id.js';
import type { QueueName } from '../domain/queue.js';

export interface ActionRule {
  /** postsuper's option letter (postqueue's for deliver). */
  flag: string;
  /** Queues a message can be taken from (by id, postsuper's default lists minus what it skips). */
  from: readonly QueueName[];
  /** postsuper's per-message line: `ID: <verb>`. */
  verb: string;
  /** Past tense for summaries: "held 3 of 4". */
  pastTense: string;
}

export const ACTION_RULES: Partial<Record<ActionName, ActionRule>> = {
  // -h skips maildrop (not yet sanitised by cleanup) and hold itself.
  hold: { flag: '-h', from: ['incoming', 'active', 'deferred'], verb: 'placed on hold', pastTense: 'held' },
  // -H reads hold/ only and puts the message in deferred/ (hashed).
  release: { flag: '-H', from: ['hold'], verb: 'released from hold', pastTense: 'released' },
  // -r never touches maildrop; the message gets a new id when pickup re-reads it.
  requeue: { flag: '-r', from: ['hold', 'incoming', 'active', 'deferred'], verb: 'requeued', pastTense: 'requeued' },
  // -d also searches maildrop (postsuper.c), and removes bounce/defer/trace logs first.
  delete: { flag: '-d', from: ['maildrop', 'incoming', 'active', 'deferred', 'hold'], verb: 'removed', pastTense: 'deleted' },
  // -e adds g+x; qmgr returns the message at its next attempt (not while on hold).
  expire: { flag: '-e', from: ['incoming', 'active', 'deferred', 'hold'], verb: 'expired', pastTense: 'expired' },
  // Not postsuper: `postqueue -i ID` asks the flush service to retry now (deferred/incoming
  // only); it reports nothing per id, so "done" means the request was accepted.
  deliver: { flag: '-i', from: ['deferred', 'incoming'], verb: '', pastTense: 'scheduled' },
};

export function actionRule(action: ActionName): ActionRule | undefined {
  return ACTION_RULES[action];
}

/** Why `action` cannot take a message that is in `queueName`. */
function ineligibleReason(action: ActionName, queueName: QueueName): string {
  if (queueName === 'corrupt') return 'in corrupt/: postsuper does not act on corrupt files; inspect and remove by hand';
  if (action === 'hold' && queueName === 'hold') return 'already on hold';
  if (action === 'release') return `not on hold (in ${queueName}/)`;
  if (queueName === 'maildrop') return 'in maildrop/, waiting for pickup: only delete can take it from there';
  return `${action} does not take messages from ${queueName}/`;
}

export interface PreparedTargets {
  /** Valid, eligible ids grouped by the queue they were seen in, in first-seen order; no duplicates. */
  byQueue: Map<QueueName, string[]>;
  /** Targets refused before anything ran (invalid id, wrong queue, unsupported action). */
  refused: ActionOutcome[];
}

export function prepareTargets(action: ActionName, targets: readonly ActionTarget[]): PreparedTargets {
  const rule = actionRule(action);
  const byQueue = new Map<QueueName, string[]>();
  const refused: ActionOutcome[] = [];
  const seen = new Set<string>();
  for (const target of targets) {
    const queueId = stripQueueIdMarkers(target.queueId.trim());
    if (!isQueueIdName(queueId)) {
      refused.push({ queueId: target.queueId, status: 'failed', reason: 'invalid queue id' });
      continue;
    }
    if (seen.has(queueId)) continue;
    seen.add(queueId);
    if (!rule) {
      refused.push({ queueId, status: 'failed', reason: `${action} is not supported` });
    } else if (!rule.from.includes(target.queueName)) {
      refused.push({ queueId, status: 'failed', reason: ineligibleReason(action, target.queueName) });
    } else {
      const ids = byQueue.get(target.queueName) ?? [];
      ids.push(queueId);
      byQueue.set(target.queueName, ids);
    }
  }
  return { byQueue, refused };
}

/** Put outcomes back in the order the targets were given (after stripping markers). */
export function orderOutcomes(targets: readonly ActionTarget[], outcomes: readonly ActionOutcome[]): ActionOutcome[] {
  const byId = new Map(outcomes.map((o) => [o.queueId, o]));
  const ordered: ActionOutcome[] = [];
  for (const target of targets) {
    const stripped = stripQueueIdMarkers(target.queueId.trim());
    const outcome = byId.get(stripped) ?? byId.get(target.queueId);
    if (outcome) {
      ordered.push(outcome);
      byId.delete(outcome.queueId);
    }
  }
  return ordered;
}
