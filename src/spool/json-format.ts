/**
 * QueueEntry -> one line of `postqueue -j` JSON (postqueue/showq_json.c): the same members in
 * the same order with the same separators, so tools written for postqueue keep working.
 * What postq knows beyond postqueue goes in one extra member, `postq`. Pure.
 */
import { CLIENT_ATTRIBUTE_KEYS, messageOrigin, type QueueEntry } from '../domain/entry.js';
import { CLIENT_ATTRIBUTE_NAMES } from './client-attributes.js';

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * postqueue's quoting, plus \u escapes for C1 and bidi controls so that JSON shown on a
 * terminal is inert too (the decoded value is unchanged).
 */
export function jsonString(text: string): string {
  return (
    '"' +
    text.replace(/["\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (ch) => {
      return SHORT_ESCAPES[ch] ?? '\\u' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    }) +
    '"'
  );
}

function jsonValue(value: unknown): string {
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return '[' + value.map(jsonValue).join(', ') + ']';
  const members = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return '{' + members.map(([k, v]) => `${jsonString(k)}: ${jsonValue(v)}`).join(', ') + '}';
}

export interface JsonOptions {
  /** Add the `postq` member with what postqueue does not say (default true). */
  extras?: boolean;
}

export function formatJsonEntry(entry: QueueEntry, options: JsonOptions = {}): string {
  const object: Record<string, unknown> = {
    queue_name: entry.queueName,
    queue_id: entry.queueId,
    arrival_time: entry.arrivalTime,
    message_size: entry.messageSize,
    forced_expire: entry.forcedExpire,
    sender: entry.sender,
    recipients: entry.recipients.map((r) => (r.delayReason ? { address: r.address, delay_reason: r.delayReason } : { address: r.address })),
  };
  if (options.extras ?? true) {
    object.postq = {
      state: entry.state,
      listed_by_postqueue: entry.listed,
      path: entry.path,
      next_retry: entry.queueName === 'deferred' ? entry.mtime : undefined,
      subject: entry.subject ?? undefined,
      file_size: entry.fileSize,
      mode: '0' + (entry.mode & 0o7777).toString(8),
      diagnostics: entry.diagnostics.map((d) => ({ offset: d.offset, record_type: d.recordType, problem: d.problem })),
      create_time: entry.createTime ?? undefined,
      origin: messageOrigin(entry),
    };
    // Who sent it, under Postfix's own attribute names (postcat's named_attribute lines).
    const client = entry.client;
    if (client) {
      const postq = object.postq as Record<string, unknown>;
      for (const key of CLIENT_ATTRIBUTE_KEYS) if (client[key] !== null) postq[CLIENT_ATTRIBUTE_NAMES[key]] = client[key];
    }
  }
  return jsonValue(object);
}
