/**
 * The backend for a live Postfix: one `postsuper [-c DIR] FLAG - QUEUE` process per batch and
 * queue, ids on stdin, so every move is postsuper's own atomic rename (safe while qmgr runs).
 * Each id is sent scoped to the queue it was seen in; ids are validated before they go out.
 *
 * Contract: run() never throws for environment problems (not root, postsuper missing, a fatal,
 * a timeout): every id gets an outcome - done, not-found (asked for, not reported: already
 * gone), or failed with why - and `error` says what stopped the batch. Requeue is "done" when
 * postsuper moved the file to maildrop/; pickup gives it a new id later. Deliver runs
 * `postqueue [-c DIR] -i ID` once per id (it takes one id, needs no root, reports nothing on
 * success): "done" there means the flush service accepted the request.
 */
import type { ActionName, ActionOutcome, ActionResult, ActionTarget, QueueBackend } from '../domain/backend.js';
import { actionRule, orderOutcomes, prepareTargets } from './action-rules.js';
import { outcomesFromReport, parsePostsuperStderr } from './postsuper-report.js';
import { createSpawnRunner, type ProcessRunner, type RunResult } from './process-runner.js';

export interface PostsuperBackendOptions {
  /** -c CONFIG_DIR for a non-default instance; null for the default one. */
  configDir: string | null;
  runner?: ProcessRunner;
  /** Program to run; `postsuper` from PATH unless a test says otherwise. */
  command?: string;
  /** postqueue, for deliver; from PATH unless a test says otherwise. */
  postqueueCommand?: string;
  /** Per process; default 60 s plus 5 ms per id (postsuper needs well under 1 ms an id). */
  timeoutMs?: number;
  /** Whether we run as root (postsuper refuses everyone else). */
  isRoot?: () => boolean;
}

export const NOT_ROOT_REASON =
  'postsuper is reserved for the superuser: run postq as root (sudo postq ...) to change the queue';
const SUPERUSER_FATAL = 'use of this command is reserved for the superuser';

function missingReason(command: string): string {
  return `${command} not found: is Postfix installed, and is /usr/sbin in PATH?`;
}

/** Why a run that did not complete normally failed, or null when it completed. */
function runFailure(command: string, result: RunResult, fatal: string | null, timeoutMs: number): string | null {
  if (result.spawnError) {
    return result.spawnError.code === 'ENOENT' ? missingReason(command) : `cannot run ${command}: ${result.spawnError.message}`;
  }
  if (result.timedOut) {
    return `${command} did not finish within ${Math.round(timeoutMs / 1000)} s and was killed; where these messages are now is unknown until the next scan`;
  }
  if (fatal === SUPERUSER_FATAL) return NOT_ROOT_REASON;
  if (fatal) return `${command}: fatal: ${fatal}`;
  if (result.signal) return `${command} was killed by ${result.signal}`;
  if (result.exitCode !== 0) return `${command} exited with status ${result.exitCode}`;
  return null;
}

export function createPostsuperBackend(options: PostsuperBackendOptions): QueueBackend {
  const runner = options.runner ?? createSpawnRunner();
  const command = options.command ?? 'postsuper';
  const timeoutFor = (count: number) => options.timeoutMs ?? 60_000 + 5 * count;
  const isRoot = options.isRoot ?? (() => process.getuid?.() === 0);
  const configArgs = options.configDir ? ['-c', options.configDir] : [];
  const postqueue = options.postqueueCommand ?? 'postqueue';

  /** `postqueue -i ID` per id; stderr's last line is the reason when it fails. */
  async function deliver(ids: readonly string[], outcomes: ActionOutcome[], commands: string[][], errors: string[]) {
    for (const queueId of ids) {
      const argv = [postqueue, ...configArgs, '-i', queueId];
      commands.push(argv);
      const result = await runner.run({ file: postqueue, args: argv.slice(1), stdin: '', timeoutMs: timeoutFor(1) });
      const said = result.stderr.trim().split('\n').pop()?.replace(/^\S*postqueue(?:\[\d+\])?: (?:fatal: )?/, '') ?? '';
      const failure = runFailure(postqueue, result, null, timeoutFor(1));
      if (failure) {
        const reason = said && !result.spawnError && !result.timedOut ? `${postqueue}: ${said}` : failure;
        errors.push(reason);
        outcomes.push({ queueId, status: 'failed', reason });
      } else {
        outcomes.push({ queueId, status: 'done' });
      }
    }
  }

  const argvFor = (action: ActionName, queueName: string): string[] => [
    command,
    ...configArgs,
    actionRule(action)!.flag,
    '-',
    queueName,
  ];

  return {
    kind: 'postsuper',
    disabledReason: null,
    supports: (action) => actionRule(action) !== undefined,

    describe(action, targets) {
      const { byQueue } = prepareTargets(action, targets);
      if (action === 'deliver') {
        const count = [...byQueue.values()].reduce((sum, ids) => sum + ids.length, 0);
        return `${[postqueue, ...configArgs, '-i', 'ID'].join(' ')}  (once for each of ${count} id${count === 1 ? '' : 's'})`;
      }
      return [...byQueue]
        .map(([queueName, ids]) => `${argvFor(action, queueName).join(' ')}  (${ids.length} id${ids.length === 1 ? '' : 's'} on stdin)`)
        .join('\n');
    },

    async run(action, targets: readonly ActionTarget[], onProgress): Promise<ActionResult> {
      const { byQueue, refused } = prepareTargets(action, targets);
      const outcomes: ActionOutcome[] = [...refused];
      const commands: string[][] = [];
      const errors: string[] = [];
      const rule = actionRule(action);
      if (action === 'deliver') {
        for (const ids of byQueue.values()) await deliver(ids, outcomes, commands, errors);
        const result: ActionResult = { action, outcomes: orderOutcomes(targets, outcomes), commands };
        if (errors.length > 0) result.error = [...new Set(errors)].join('; ');
        return result;
      }
      if (rule && byQueue.size > 0 && !isRoot()) {
        for (const ids of byQueue.values()) {
          for (const queueId of ids) outcomes.push({ queueId, status: 'failed', reason: NOT_ROOT_REASON });
        }
        return { action, outcomes: orderOutcomes(targets, outcomes), commands, error: NOT_ROOT_REASON };
      }
      for (const [queueName, ids] of byQueue) {
        const argv = argvFor(action, queueName);
        commands.push(argv);
        const timeoutMs = timeoutFor(ids.length);
        const before = outcomes.length;
        const result = await runner.run({ file: command, args: argv.slice(1), stdin: ids.join('\n') + '\n', timeoutMs });
        const report = parsePostsuperStderr(result.stderr, rule!.verb, new Set(ids));
        const failure = runFailure(command, result, report.fatal, timeoutMs);
        if (failure) {
          errors.push(failure);
          // What postsuper reported before it stopped did happen; the rest is failed.
          for (const queueId of ids) {
            outcomes.push(report.done.has(queueId) ? { queueId, status: 'done' } : { queueId, status: 'failed', reason: failure });
          }
        } else {
          // One by one: spreading 125k+ outcomes into push() overflows the stack.
          for (const outcome of outcomesFromReport(ids, report)) outcomes.push(outcome);
        }
        // One postsuper per queue: its results reach the audit log before the next one runs.
        onProgress?.(outcomes.slice(before));
      }
      const result: ActionResult = { action, outcomes: orderOutcomes(targets, outcomes), commands };
      if (errors.length > 0) result.error = [...new Set(errors)].join('; ');
      return result;
    },
  };
}
