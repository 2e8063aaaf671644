/**
 * The message pane's Log section as a document: where the log was read (or plainly why it
 * could not be), a "searching the log (320M of 1.0G)" line while the search runs, each
 * transaction's lines oldest first with the local time and how long ago, then the linked ids
 * numbered for the 1-9 keys, and whether new lines are being followed. Every piece of log
 * text goes through printable(); lines were already cut at 8 KiB by the reader.
 * Pure: the state comes from logs/trail-service.ts.
 */
import { printable } from '../spool/printable.js';
import type { LogTrailState } from '../logs/trail-state.js';
import { describeLink, summarize } from '../logs/trail-format.js';
import { formatAge, formatSize } from './format.js';
import type { DocLine, MessageDocument } from './message-document.js';

/** The ids of the trail other than the one asked for, in the order the 1-9 keys open them. */
export function linkedIds(state: LogTrailState): string[] {
  return state.trail.transactions.map((t) => t.queueId).filter((id) => id !== state.queueId).slice(0, 9);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time and age: `2026-12-04 15:43:53 (5m ago)`. */
export function formatLogTime(time: number | null, now: number): string {
  if (time === null) return '(no time)';
  const d = new Date(time);
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${stamp} (${formatAge((now - time) / 1000)} ago)`;
}

export function buildLogDocument(state: LogTrailState, now: number): MessageDocument {
  const lines: DocLine[] = [{ text: `*** LOG: ${printable(state.sources)} ***`, kind: 'marker' }];
  if (state.phase === 'searching') {
    const of = state.bytesTotal > 0 ? ` (${formatSize(state.bytesDone)} of ${formatSize(state.bytesTotal)})` : '';
    lines.push({ text: `searching the log${of}…`, kind: 'marker' });
  }
  for (const p of state.problems) lines.push({ text: printable(p), kind: 'text', problem: true });
  if (state.phase === 'unavailable') {
    lines.push({ text: 'no log could be read, so the trail is unknown (not empty)', kind: 'text', problem: true });
  }
  for (const t of state.trail.transactions) {
    const summary = summarize(t);
    lines.push({ text: `*** ${printable(t.queueId)}${summary ? `: ${summary}` : ''} ***`, kind: 'marker' });
    if (t.entries.length === 0) lines.push({ text: state.phase === 'searching' ? '(nothing yet)' : 'no log lines for this id in what was read', kind: 'text' });
    for (const e of t.entries) {
      const l = e.line;
      const tag = l.program ? `${l.program}${l.pid === null ? '' : `[${l.pid}]`}: ` : '';
      const id = l.queueId ? `${l.queueId}: ` : '';
      const sev = l.severity ? `${l.severity}: ` : '';
      lines.push({ text: printable(`${formatLogTime(l.time, now)} ${e.stage.padEnd(9)} ${tag}${sev}${id}${l.message}`), kind: 'text', problem: l.severity !== null });
    }
  }
  const linked = linkedIds(state);
  if (state.trail.links.length > 0) {
    lines.push({ text: '*** LINKS ***', kind: 'marker' });
    for (const link of state.trail.links) lines.push({ text: printable(describeLink(link)), kind: 'text' });
    linked.forEach((id, i) => lines.push({ text: `[${i + 1}] open the trail of ${printable(id)}`, kind: 'text' }));
  }
  if (state.phase === 'live') lines.push({ text: '*** following the log: new lines appear as Postfix writes them ***', kind: 'marker' });
  return { queueId: state.queueId, title: `${printable(state.queueId)}  log trail`, view: 'log', lines, problem: state.phase === 'unavailable' ? 'no readable log' : null };
}
