/**
 * Checks on what a remote sends: a batch's entries and an action's result, field by field,
 * before anything of it reaches the store. Pure.
 *
 * Contract: returns the value (typed) or a short string saying what is wrong; never throws.
 * A remote is another host's postq, which may be older, newer, broken or hostile: ids must be
 * queue-id names, queue names one of the six, paths inside their queue, numbers finite. Text
 * fields are kept as strings and sanitized at display like local mail text; fields this
 * version does not know are kept only when they are plain JSON values of bounded size.
 */
import type { ActionOutcome, ActionResult } from '../domain/backend.js';
import { ACTION_NAMES } from '../domain/backend.js';
import type { ListedRecipient, QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import { isQueueIdName } from '../domain/queue-id.js';
import { isQueueName, QUEUE_NAMES, type QueueName } from '../domain/queue.js';

const NUMBERS = ['arrivalTime', 'messageSize', 'mtime', 'fileSize', 'mode'] as const;
const STATES = new Set(['ok', 'incomplete', 'damaged', 'unlisted', 'corrupt']);
const MAX_TEXT = 64 * 1024;
const MAX_RECIPIENTS = 200_000;

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;

/**
 * `queue/[hash/...]id`: inside the named queue, no `..`, no absolute path (at most four hash
 * levels of one letter or digit each). Read in place: no array of parts for every entry.
 */
function pathInQueue(path: string, queueName: QueueName, queueId: string): boolean {
  const head = queueName.length;
  const tail = path.length - queueId.length;
  if (!path.startsWith(queueName) || !path.endsWith(queueId) || path.charCodeAt(head) !== SLASH || path.charCodeAt(tail - 1) !== SLASH) return false;
  // Between them: `/` then (letter or digit, `/`) up to four times.
  const levels = (tail - head - 1) / 2;
  if (!Number.isInteger(levels) || levels > 4) return false;
  for (let i = head + 1; i < tail; i += 2) if (!isAlnum(path.charCodeAt(i)) || path.charCodeAt(i + 1) !== SLASH) return false;
  return true;
}

const SLASH = 47;
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** A batch line's table of texts (batch-wire.ts): strings of bounded length, else null. */
export function checkStrings(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  for (const s of v as unknown[]) if (!str(s)) return null;
  return v as string[];
}

/** A text given as its index in the line's table, as the text (anything else as it came: checked after). */
const text = (v: unknown, strings: readonly string[] | undefined): unknown => (typeof v === 'number' && strings && Number.isInteger(v) && v >= 0 && v < strings.length ? strings[v] : v);

function checkRecipients(v: unknown, strings: readonly string[] | undefined): ListedRecipient[] | string {
  if (!Array.isArray(v) || v.length > MAX_RECIPIENTS) return 'recipients';
  for (const r of v as unknown[]) {
    const o = r as Record<string, unknown> | null;
    if (o && strings) o.delayReason = text(o.delayReason, strings);
    if (!o || !str(o.address) || !str(o.delayReason)) return 'recipient';
  }
  return v as ListedRecipient[];
}

/** One entry, its tabled texts (`strings`: the line's table) made texts again in place. */
export function checkRemoteEntry(v: unknown, strings?: readonly string[]): QueueEntry | string {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) return 'entry is not an object';
  if (strings) {
    o.sender = text(o.sender, strings);
    o.subject = text(o.subject, strings);
  }
  if (!str(o.queueName, 16) || !isQueueName(o.queueName)) return 'queue name';
  if (!str(o.queueId, 64) || !isQueueIdName(o.queueId)) return 'queue id';
  if (!str(o.path, 256) || !pathInQueue(o.path, o.queueName, o.queueId)) return `path of ${o.queueId}`;
  for (const k of NUMBERS) if (!num(o[k])) return `${k} of ${o.queueId}`;
  if (typeof o.forcedExpire !== 'boolean' || typeof o.listed !== 'boolean') return `flags of ${o.queueId}`;
  if (!str(o.state, 16) || !STATES.has(o.state)) return `state of ${o.queueId}`;
  if (!str(o.sender)) return `sender of ${o.queueId}`;
  if (o.subject !== null && !str(o.subject)) return `subject of ${o.queueId}`;
  const recipients = checkRecipients(o.recipients, strings);
  if (typeof recipients === 'string') return `${recipients} of ${o.queueId}`;
  if (!Array.isArray(o.diagnostics)) return `diagnostics of ${o.queueId}`;
  for (const d of o.diagnostics as unknown[]) {
    const x = d as Record<string, unknown> | null;
    if (!x || !num(x.offset) || !str(x.problem, 1024) || (x.recordType !== null && !num(x.recordType))) return `diagnostic of ${o.queueId}`;
  }
  return o as unknown as QueueEntry;
}

export function checkRemoteBatch(v: unknown, strings?: readonly string[]): SpoolBatch | string {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) return 'not an object';
  if (!Array.isArray(o.upserts) || !Array.isArray(o.removals)) return 'upserts or removals missing';
  const upserts: QueueEntry[] = [];
  for (const e of o.upserts as unknown[]) {
    const entry = checkRemoteEntry(e, strings);
    if (typeof entry === 'string') return entry;
    upserts.push(entry);
  }
  for (const id of o.removals as unknown[]) if (!str(id, 64) || !isQueueIdName(id)) return 'removed id';
  const batch: SpoolBatch = { upserts, removals: o.removals as string[], full: o.full === true, firstEventAt: null };
  if (o.listedCounts && typeof o.listedCounts === 'object') {
    const counts: Partial<Record<QueueName, number>> = {};
    for (const q of QUEUE_NAMES) {
      const n = (o.listedCounts as Record<string, unknown>)[q];
      if (num(n)) counts[q] = n;
    }
    batch.listedCounts = counts;
  }
  return batch;
}

export function checkRemoteResult(v: unknown): ActionResult | string {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) return 'not an object';
  if (!str(o.action, 16) || !(ACTION_NAMES as readonly string[]).includes(o.action)) return 'action';
  if (!Array.isArray(o.outcomes) || !Array.isArray(o.commands)) return 'outcomes';
  const outcomes: ActionOutcome[] = [];
  for (const x of o.outcomes as unknown[]) {
    const r = x as Record<string, unknown> | null;
    if (!r || !str(r.queueId, 64) || !isQueueIdName(r.queueId)) return 'outcome id';
    if (r.status === 'done' || r.status === 'not-found') outcomes.push({ queueId: r.queueId, status: r.status });
    else if (r.status === 'failed' && str(r.reason, 1024)) outcomes.push({ queueId: r.queueId, status: 'failed', reason: r.reason });
    else return 'outcome status';
  }
  const commands = (o.commands as unknown[]).filter((c): c is string[] => Array.isArray(c) && c.every((a) => str(a, 4096)));
  const result: ActionResult = { action: o.action as ActionResult['action'], outcomes, commands };
  if (str(o.error, 1024)) result.error = o.error;
  return result;
}
