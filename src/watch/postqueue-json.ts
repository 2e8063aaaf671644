/**
 * One line of `postqueue -j` -> the QueueEntry postq would have read from the file, as far as
 * postqueue tells: no file size, mode, subject or diagnostics (postqueue does not say). Used by
 * the read-only fallback when the spool itself cannot be read. Pure.
 *
 * Contract: returns null for a line that is not a postqueue JSON object with a known queue name
 * and a queue-id; never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { isQueueIdName } from '../domain/queue-id.js';
import { isQueueName } from '../domain/queue.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';

interface PostqueueJson {
  queue_name?: unknown;
  queue_id?: unknown;
  arrival_time?: unknown;
  message_size?: unknown;
  forced_expire?: unknown;
  sender?: unknown;
  recipients?: unknown;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function parsePostqueueLine(line: string, config: SpoolConfig): QueueEntry | null {
  let json: PostqueueJson;
  try {
    json = JSON.parse(line) as PostqueueJson;
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null) return null;
  const queueName = str(json.queue_name);
  const queueId = str(json.queue_id);
  if (!isQueueName(queueName) || !isQueueIdName(queueId)) return null;
  const recipients = Array.isArray(json.recipients) ? json.recipients : [];
  const forcedExpire = json.forced_expire === true;
  return {
    queueName,
    queueId,
    path: queuePath(config, queueName, queueId),
    arrivalTime: num(json.arrival_time),
    messageSize: num(json.message_size),
    forcedExpire,
    sender: str(json.sender),
    recipients: recipients.map((r: { address?: unknown; delay_reason?: unknown }) => ({
      address: str(r?.address),
      delayReason: str(r?.delay_reason),
    })),
    listed: true,
    state: 'ok',
    diagnostics: [],
    mtime: num(json.arrival_time),
    fileSize: num(json.message_size),
    mode: forcedExpire ? 0o100710 : 0o100700,
    subject: null,
  };
}
