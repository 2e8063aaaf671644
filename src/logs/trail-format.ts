/**
 * A Trail as `postq log` prints it. Text: one block per transaction (the queue id, what qmgr
 * and cleanup said of it, then its lines in log order, each tagged with its stage), the
 * links at the end. JSON: one object per line of the log (type "line": time, host, program,
 * pid, queue id, stage, parsed fields, the raw line, its source), then one per link (type
 * "link"). Every string from the log is untrusted: text goes through printable(), JSON gets
 * \u escapes for C1 and bidi controls too (the decoded value is unchanged).
 *
 * Pure; never throws.
 */
import { printable } from '../spool/printable.js';
import type { LogLink } from './parse-fields.js';
import type { Trail, TrailEntry, Transaction } from './trail-collate.js';

const LINK_WORDS: Record<LogLink['kind'], string> = {
  bounce: 'notification (bounce, delay or success notice) sent as',
  relayed: 'handed on; the next hop queued it as',
  requeued: 'requeued (postsuper -r); picked up again as',
};

export function describeLink(link: LogLink): string {
  return `${link.from} ${LINK_WORDS[link.kind]} ${link.to}`;
}

/** What the transaction's lines say of it: sender, size, recipients, message-id, client, end. */
export function summarize(transaction: Transaction): string {
  const facts: string[] = [];
  const first = (pred: (e: TrailEntry) => boolean) => transaction.entries.find(pred);
  const qmgr = first((e) => e.stage === 'qmgr' && e.line.fields.from !== undefined && e.line.fields.size !== undefined);
  if (qmgr) facts.push(`from=<${qmgr.line.fields.from}>`, `size=${qmgr.line.fields.size}`, `nrcpt=${qmgr.line.fields.nrcpt ?? '?'}`);
  const cleanup = first((e) => e.stage === 'cleanup' && e.line.fields['message-id'] !== undefined);
  if (cleanup) facts.push(`message-id=<${cleanup.line.fields['message-id']}>`);
  const client = first((e) => e.stage === 'session' && e.line.fields.client !== undefined);
  if (client) facts.push(`client=${client.line.fields.client}`);
  if (transaction.entries.some((e) => e.stage === 'qmgr' && e.line.message === 'removed')) facts.push('removed');
  return printable(facts.join(' '));
}

export function formatTrailText(trail: Trail): string {
  const blocks: string[] = [];
  for (const t of trail.transactions) {
    const head = `${t.queueId}${t.entries.length === 0 ? ': no log lines found' : `: ${summarize(t)}`}`;
    const lines = t.entries.map((e) => `  ${e.stage.padEnd(9)} ${printable(e.line.raw)}`);
    blocks.push([head, ...lines].join('\n'));
  }
  let text = blocks.join('\n\n') + '\n';
  if (trail.links.length > 0) text += `\nlinks:\n${trail.links.map((l) => `  ${describeLink(l)}`).join('\n')}\n`;
  return text;
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** JSON.stringify plus \u escapes for what it leaves raw but a terminal would act on. */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function entryJson(queueId: string, e: TrailEntry): string {
  const { line } = e;
  return inertJson({
    type: 'line',
    time: line.time === null ? null : new Date(line.time).toISOString(),
    host: line.host,
    program: line.program,
    pid: line.pid,
    queue_id: line.queueId,
    transaction: queueId,
    stage: e.stage,
    severity: line.severity,
    fields: line.fields,
    raw: line.raw,
    source: e.source,
  });
}

export function formatTrailJson(trail: Trail): string {
  const out: string[] = [];
  for (const t of trail.transactions) for (const e of t.entries) out.push(entryJson(t.queueId, e));
  for (const l of trail.links) out.push(inertJson({ type: 'link', kind: l.kind, from: l.from, to: l.to }));
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
