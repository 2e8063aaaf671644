/**
 * `postq hold|release|requeue|delete|expire|deliver [--queue Q] [--filter EXPR] [ID...|-] [--dry-run]
 * [--yes] [--backend postsuper|direct]`: the console's actions for scripts and cron.
 * Targets: ids (arguments, or `-` for one per line on stdin; mailq markers are stripped), each
 * located in the queue it is in now; or every message in --queue Q; --filter narrows either
 * with the console's filter language. Without --yes (or with --dry-run) it prints what it
 * would do and changes nothing. With --yes it runs through the backend (audited) and prints
 * counts, the ids not found and why any failed.
 *
 * Exit: 0 done (or nothing to do), 1 anything asked for failed or was not found, 2 usage,
 * 3 spool not readable (SpoolAccessError from the scan).
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { withAuditLog } from '../actions/audit-log.js';
import { actionRule } from '../actions/action-rules.js';
import { createDirectBackend } from '../actions/direct-backend.js';
import { createPostsuperBackend, NOT_ROOT_REASON } from '../actions/postsuper-backend.js';
import { CHANGED_REASON, ineligibleReason, type ActionName, type ActionOutcome, type ActionTarget, type QueueBackend } from '../domain/backend.js';
import { describeSpoolError, SpoolAccessError, UsageError } from '../domain/errors.js';
import { isQueueIdName, stripQueueIdMarkers } from '../domain/queue-id.js';
import { SHOWQ_QUEUES, type QueueName } from '../domain/queue.js';
import { instanceConfigDir, queuePath, type SpoolConfig } from '../config/spool-config.js';
import { printable } from '../spool/printable.js';
import { compileCliFilter } from './cli-filter.js';
import { checkSpool, listQueueFiles, scanQueues } from '../watch/scan.js';
import { readEntry } from '../watch/read-entry.js';
import { currentFileIn } from '../watch/current-file.js';
import { withIdentityCheck } from '../actions/identity-check.js';
import type { QueueEntry } from '../domain/entry.js';
import { formatCount } from '../domain/count-format.js';

export const ACTION_COMMANDS = ['hold', 'release', 'requeue', 'delete', 'expire', 'deliver'] as const;

export interface ActionCommandOptions {
  action: ActionName;
  /** --queue (comma list allowed); null = every queue the action takes from. */
  queues: QueueName[] | null;
  filter: string | null;
  /** Positional ids; `-` reads more from stdin. */
  ids: string[];
  dryRun: boolean;
  yes: boolean;
  backend: 'postsuper' | 'direct' | null;
  /** True when --spool was given (and no -c). */
  bareSpool: boolean;
  /** --no-audit: act without the audit log (else an unusable log refuses the action). */
  noAudit?: boolean;
}

export interface ActionCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readStdin: () => Promise<string>;
  /** For tests: replaces the backend the options would choose. */
  backend?: QueueBackend;
  isRoot?: () => boolean;
  /** For tests: runs between the listing and the action (to change the spool in that window). */
  afterSelect?: () => void;
}

const isRoot = () => process.getuid?.() === 0;

/** Pick the backend: postsuper where a Postfix config is in play, direct only when asked. */
export function chooseBackend(config: SpoolConfig, options: ActionCommandOptions, warn: (t: string) => void): QueueBackend {
  if (config.configDir && !config.fromPostconf) {
    // Without postconf we would not know the queue directory: never guess on a live host.
    throw new SpoolAccessError(
      `postconf -c ${config.configDir} did not answer: is Postfix installed (postconf, postsuper in PATH) and is ${config.configDir} a Postfix configuration directory?`,
      config.configDir,
      undefined,
    );
  }
  const kind = options.backend ?? (config.fromPostconf ? 'postsuper' : null);
  if (kind === 'postsuper') {
    const pinned = instanceConfigDir(config);
    if (options.bareSpool || pinned === null) {
      throw new UsageError('--backend postsuper acts on the queue of a Postfix configuration: give -c CONFIG_DIR, not --spool');
    }
    // Pinned to the instance whose queue was read (MAIL_CONFIG or the default included).
    return createPostsuperBackend({ configDir: pinned });
  }
  if (kind === 'direct') {
    if (config.fromPostconf) {
      warn(`postq: warning: a Postfix configuration describes ${config.queueDirectory}; direct renames bypass postsuper: stop Postfix first\n`);
    }
    return createDirectBackend({ config });
  }
  throw new UsageError(
    options.bareSpool
      ? `no Postfix configuration manages ${config.queueDirectory}: give --backend direct to change it by renames (only when no Postfix runs on it), or -c CONFIG_DIR to go through postsuper`
      : 'postconf did not answer: give -c CONFIG_DIR for a Postfix instance, or --spool DIR --backend direct for a spool no Postfix manages',
  );
}

/** Where an id's ready file is now: the first queue (in `queues`) with a file at its hashed path. */
function locate(config: SpoolConfig, id: string, queues: readonly QueueName[]): QueueName | null {
  for (const queueName of queues) {
    const path = join(config.queueDirectory, queuePath(config, queueName, id));
    try {
      if (lstatSync(path).isFile()) return queueName;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw describeSpoolError(path, error as NodeJS.ErrnoException);
    }
  }
  return null;
}

/** A target as this listing saw it (inode, arrival time): checked again just before acting. */
function targetOf(entry: QueueEntry): ActionTarget {
  const target: ActionTarget = { queueId: entry.queueId, queueName: entry.queueName };
  if (entry.inode !== undefined) target.seen = { inode: entry.inode, arrivalTime: entry.arrivalTime };
  return target;
}

function seenTarget(config: SpoolConfig, id: string, queueName: QueueName): ActionTarget {
  const entry = readEntry(config, queueName, queuePath(config, queueName, id), id);
  return entry ? targetOf(entry) : { queueId: id, queueName };
}

/** Below this many ids, one lstat per id and queue; above, list the queues once (500k ids: 3M lstats otherwise). */
const LIST_ABOVE_IDS = 2000;

/** locate() for many ids: only the queues whose listing holds the id are looked at. */
function createLocator(config: SpoolConfig, queues: readonly QueueName[], count: number): (id: string) => QueueName | null {
  if (count <= LIST_ABOVE_IDS) return (id) => locate(config, id, queues);
  const listed = new Map<string, QueueName[]>();
  for (const queueName of queues) {
    for (const ref of listQueueFiles(config, queueName)) {
      const where = listed.get(ref.queueId);
      if (where) where.push(queueName);
      else listed.set(ref.queueId, [queueName]);
    }
  }
  return (id) => {
    const where = listed.get(id);
    return where ? locate(config, id, where) : null;
  };
}

interface Selection {
  targets: ActionTarget[];
  /** Given ids that are invalid or in no queue: reported, never sent. */
  early: ActionOutcome[];
}

async function selectTargets(config: SpoolConfig, options: ActionCommandOptions, io: ActionCommandIo): Promise<Selection> {
  const rule = actionRule(options.action)!;
  if (options.filter !== null && options.filter.trim() === '') {
    // An empty filter matches every message: `delete --filter "$UNSET" --yes` must not empty the queues.
    throw new UsageError(`${options.action}: --filter is empty; give a filter, or --queue Q for a whole queue`);
  }
  const filter = options.filter === null ? null : compileCliFilter(config, options.filter);
  const given = options.ids.filter((id) => id !== '-');
  // One by one: spreading 125k+ ids into push() overflows the stack.
  if (options.ids.includes('-')) for (const id of (await io.readStdin()).split(/\s+/)) if (id) given.push(id);
  const explicit = options.ids.length > 0;
  if (!explicit && !options.queues && !filter) {
    throw new UsageError(`${options.action}: give queue ids, - (ids on stdin), --queue Q or --filter EXPR`);
  }
  checkSpool(config);
  const early: ActionOutcome[] = [];
  let targets: ActionTarget[];
  if (explicit) {
    const searched = options.queues ?? [...SHOWQ_QUEUES, 'corrupt'];
    targets = [];
    const seen = new Set<string>();
    const locateId = createLocator(config, searched, given.length);
    for (const raw of given) {
      const id = stripQueueIdMarkers(raw);
      if (!isQueueIdName(id)) {
        early.push({ queueId: raw, status: 'failed', reason: 'invalid queue id' });
      } else if (!seen.has(id)) {
        seen.add(id);
        const queueName = locateId(id);
        if (!queueName) early.push({ queueId: id, status: 'not-found' });
        // Not counted as a message the action would take: said at once, with why.
        else if (!rule.from.includes(queueName)) early.push({ queueId: id, status: 'failed', reason: ineligibleReason(options.action, queueName) });
        else targets.push(seenTarget(config, id, queueName));
      }
    }
  } else {
    const queues = (options.queues ?? SHOWQ_QUEUES).filter((q) => rule.from.includes(q));
    if (queues.length === 0) {
      throw new UsageError(`${options.action} takes messages from ${rule.from.join(', ')} only`);
    }
    // Every file is read, not only listed: what is acted on is checked against this listing.
    const now = Date.now();
    targets = scanQueues(config, queues)
      .filter((entry) => !filter || filter.match(entry, now))
      .map(targetOf);
    return { targets, early };
  }
  if (filter) {
    // Explicit ids narrowed by the filter: read just the queues they are in.
    const wanted = new Set(targets.map((t) => t.queueId));
    const queues = [...new Set(targets.map((t) => t.queueName))];
    const matching = new Set(scanQueues(config, queues).filter((e) => wanted.has(e.queueId) && filter.match(e, Date.now())).map((e) => e.queueId));
    targets = targets.filter((t) => matching.has(t.queueId));
  }
  return { targets, early };
}

const n = formatCount;
const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;

function reportOutcomes(action: ActionName, asked: number, outcomes: ActionOutcome[], io: ActionCommandIo): boolean {
  const done = outcomes.filter((o) => o.status === 'done').length;
  const notFound = outcomes.filter((o) => o.status === 'not-found').map((o) => o.queueId);
  const all = outcomes.filter((o): o is Extract<ActionOutcome, { status: 'failed' }> => o.status === 'failed');
  const changed = all.filter((o) => o.reason === CHANGED_REASON).map((o) => o.queueId);
  const failed = all.filter((o) => o.reason !== CHANGED_REASON);
  const parts = [`${actionRule(action)!.pastTense} ${n(done)} of ${plural(asked, 'message')}`];
  if (notFound.length) parts.push(`${n(notFound.length)} not found (already gone)`);
  if (changed.length) parts.push(`${n(changed.length)} ${CHANGED_REASON}`);
  if (failed.length) parts.push(`${n(failed.length)} failed`);
  io.out(parts.join('; ') + '\n');
  if (action === 'requeue' && done > 0) io.out('requeued messages get a new queue id when pickup reads them\n');
  if (notFound.length) io.out(`not found: ${notFound.map((id) => printable(id)).join(' ')}\n`);
  if (changed.length) io.out(`changed since listed: ${changed.map((id) => printable(id)).join(' ')}\n`);
  // One line per reason: a batch that failed for one cause (not root) says it once.
  const byReason = new Map<string, string[]>();
  for (const f of failed) {
    const ids = byReason.get(f.reason);
    if (ids) ids.push(f.queueId);
    else byReason.set(f.reason, [f.queueId]);
  }
  for (const [reason, ids] of byReason) {
    io.err(`postq: ${plural(ids.length, 'message')} failed: ${printable(reason)}: ${ids.map((id) => printable(id)).join(' ')}\n`);
  }
  return notFound.length === 0 && failed.length === 0 && changed.length === 0;
}

export async function runActionCommand(config: SpoolConfig, options: ActionCommandOptions, io: ActionCommandIo): Promise<number> {
  const backend = io.backend ?? chooseBackend(config, options, io.err);
  if (backend.kind === 'postsuper' && options.action !== 'deliver' && options.yes && !options.dryRun && !(io.isRoot ?? isRoot)()) {
    // Say it before reading a spool only root can read (and postsuper would refuse anyway).
    io.err(`postq: ${NOT_ROOT_REASON}\n`);
    return 1;
  }
  const { targets, early } = await selectTargets(config, options, io);
  const asked = targets.length + early.length;
  if (asked === 0) {
    io.out(`nothing to ${options.action}\n`);
    return 0;
  }
  if (!options.yes || options.dryRun) {
    io.out(`would ${options.action} ${plural(targets.length, 'message')}:\n`);
    const description = backend.describe(options.action, targets);
    if (description) io.out(description.replace(/^/gm, '  ') + '\n');
    for (const t of targets) io.out(`${t.queueId}\t${t.queueName}\n`);
    for (const o of early) io.out(`${printable(o.queueId)}\t${o.status === 'failed' ? o.reason : 'not found'}\n`);
    io.out(options.dryRun ? 'dry run: nothing changed\n' : 'nothing changed: add --yes to do it\n');
    return 0;
  }
  io.afterSelect?.();
  // Ids are reused: each is checked against this run's own listing just before it is acted on.
  const logged = options.noAudit ? backend : withAuditLog(backend, { onError: (message) => io.err(`postq: warning: ${message}\n`) });
  const audited = withIdentityCheck(logged, currentFileIn(config));
  const result = targets.length > 0 ? await audited.run(options.action, targets) : null;
  if (result?.error) io.err(`postq: ${printable(result.error)}\n`);
  const ok = reportOutcomes(options.action, asked, [...early, ...(result?.outcomes ?? [])], io);
  return ok ? 0 : 1;
}


/** All of stdin as text (ids, one per line, for `-`). */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseBackendName(value: string | undefined): ActionCommandOptions['backend'] {
  if (value === undefined) return null;
  if (value === 'postsuper' || value === 'direct') return value;
  throw new UsageError(`unknown backend "${value}": expected postsuper or direct`);
}
