/**
 * QueueEntry -> one line of `postqueue -j` JSON (postqueue/showq_json.c): the same members in
 * the same order with the same separators, so tools written for postqueue keep working.
 * What postq knows beyond postqueue goes in one extra member, `postq`. Pure.
 *
 * The line is written member by member into one string, with no intermediate object, array
 * or entries list: `list --json` formats 100k entries, and the generic object walk it
 * replaced was ~20 us an entry, a quarter of a read worker's CPU (README, Benchmark).
 */
import { CLIENT_ATTRIBUTE_KEYS, messageOrigin, type QueueEntry } from '../domain/entry.js';
import { CLIENT_ATTRIBUTE_NAMES } from './client-attributes.js';

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** What jsonString escapes; most strings have none, and are only tested. */
const ESCAPED = /["\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
const ESCAPED_ALL = new RegExp(ESCAPED.source, 'g');

function escape(ch: string): string {
  return SHORT_ESCAPES[ch] ?? '\\u' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * postqueue's quoting, plus \u escapes for C1 and bidi controls so that JSON shown on a
 * terminal is inert too (the decoded value is unchanged).
 */
export function jsonString(text: string): string {
  if (!ESCAPED.test(text)) return '"' + text + '"';
  return '"' + text.replace(ESCAPED_ALL, escape) + '"';
}

export interface JsonOptions {
  /** Add the `postq` member with what postqueue does not say (default true). */
  extras?: boolean;
}

/** The client attributes' member names, quoted once. */
const CLIENT_MEMBERS = CLIENT_ATTRIBUTE_KEYS.map((key) => [key, `, ${jsonString(CLIENT_ATTRIBUTE_NAMES[key])}: `] as const);

function recipientsJson(entry: QueueEntry): string {
  let out = '[';
  const recipients = entry.recipients;
  for (let i = 0; i < recipients.length; i++) {
    const r = recipients[i]!;
    if (i > 0) out += ', ';
    out += '{"address": ' + jsonString(r.address);
    if (r.delayReason) out += ', "delay_reason": ' + jsonString(r.delayReason);
    out += '}';
  }
  return out + ']';
}

/** What postqueue does not say: members left out when they have no value. */
function extrasJson(entry: QueueEntry): string {
  let out = '{"state": ' + jsonString(entry.state) + ', "listed_by_postqueue": ' + entry.listed + ', "path": ' + jsonString(entry.path);
  if (entry.queueName === 'deferred' && entry.mtime !== undefined) out += ', "next_retry": ' + entry.mtime;
  if (entry.subject !== null && entry.subject !== undefined) out += ', "subject": ' + jsonString(entry.subject);
  out += ', "file_size": ' + entry.fileSize + ', "mode": "0' + (entry.mode & 0o7777).toString(8) + '", "diagnostics": [';
  const diagnostics = entry.diagnostics;
  for (let i = 0; i < diagnostics.length; i++) {
    const d = diagnostics[i]!;
    if (i > 0) out += ', ';
    out += '{"offset": ' + d.offset + ', "record_type": ' + d.recordType + ', "problem": ' + jsonString(d.problem) + '}';
  }
  out += ']';
  if (entry.createTime !== null && entry.createTime !== undefined) out += ', "create_time": ' + entry.createTime;
  out += ', "origin": ' + jsonString(messageOrigin(entry));
  // Who sent it, under Postfix's own attribute names (postcat's named_attribute lines).
  const client = entry.client;
  if (client) {
    for (const [key, member] of CLIENT_MEMBERS) {
      const value = client[key];
      if (value !== null && value !== undefined) out += member + jsonString(value);
    }
  }
  return out + '}';
}

export function formatJsonEntry(entry: QueueEntry, options: JsonOptions = {}): string {
  let out =
    '{"queue_name": ' + jsonString(entry.queueName) +
    ', "queue_id": ' + jsonString(entry.queueId) +
    ', "arrival_time": ' + entry.arrivalTime +
    ', "message_size": ' + entry.messageSize +
    ', "forced_expire": ' + entry.forcedExpire +
    ', "sender": ' + jsonString(entry.sender) +
    ', "recipients": ' + recipientsJson(entry);
  if (options.extras ?? true) out += ', "postq": ' + extrasJson(entry);
  return out + '}';
}
