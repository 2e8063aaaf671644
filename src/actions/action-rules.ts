/**
 * What each action means, the same for every backend (postsuper(1) by-id semantics, facts doc
 * §9.2): which queues it takes a message from, postsuper's option letter and the word it
 * reports per message. Plus target preparation: markers stripped, ids validated, targets
 * grouped by the queue they were seen in.
 *
 * Pure: no I/O. Targets that cannot be acted on come back as `failed` outcomes with a reason;
 * nothing here throws.
 */
import { ACTION_SOURCES, ineligibleReason, type ActionName, type ActionOutcome, type ActionTarget } from '../domain/backend.js';
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
  hold: { flag: '-h', from: ACTION_SOURCES.hold, verb: 'placed on hold', pastTense: 'held' },
  release: { flag: '-H', from: ACTION_SOURCES.release, verb: 'released from hold', pastTense: 'released' },
  requeue: { flag: '-r', from: ACTION_SOURCES.requeue, verb: 'requeued', pastTense: 'requeued' },
  delete: { flag: '-d', from: ACTION_SOURCES.delete, verb: 'removed', pastTense: 'deleted' },
  expire: { flag: '-e', from: ACTION_SOURCES.expire, verb: 'expired', pastTense: 'expired' },
  // Not postsuper: `postqueue -i ID` asks the flush service to retry now (deferred/incoming
  // only); it reports nothing per id, so "done" means the request was accepted.
  deliver: { flag: '-i', from: ACTION_SOURCES.deliver, verb: '', pastTense: 'scheduled' },
};

export function actionRule(action: ActionName): ActionRule | undefined {
  return ACTION_RULES[action];
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
