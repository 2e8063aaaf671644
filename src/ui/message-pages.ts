/**
 * A message too large to hold whole (over read-message.ts's PANE_WHOLE_MAX) shown in pages:
 * postcat's text is streamed from the file in windows (PostcatStream over a `fetch`), a page
 * of about PAGE_BYTES at a time; each page keeps a mark (a forked stream: a few numbers) where
 * the next one starts, so paging back re-reads one page instead of the file. Memory is one
 * page, one window and the marks, whatever the size: a 2 GB message opens like a small one.
 * The record view (`r`) pages the same way, RECORDS_PER_PAGE records a page in file order.
 * Search (`/`) goes on through the pages (paged-search.ts), one at a time.
 * Pure: the bytes come through `fetch`, which the composition root provides.
 */
import type { QueueEntry } from '../domain/entry.js';
import { decodeEncodedWords } from '../spool/encoded-words.js';
import { PostcatStream } from '../spool/postcat-format.js';
import { printable } from '../spool/printable.js';
import { dumpCursor, dumpSome, type DumpCursor } from '../spool/record-dump.js';
import { titleQueueId } from './columns.js';
import { describe, type DocLine, type MessageDocument, type MessageView, type RecordDumper } from './message-document.js';

/** The text one page holds (about: a page ends at a line's end past this). */
export const PAGE_BYTES = 256 * 1024;
/** Records in one page of the record view. */
export const RECORDS_PER_PAGE = 5000;

export interface WindowedMessage {
  path: string;
  /** The file's first window. */
  first: Buffer;
  size: number;
  fetch(offset: number, length: number): Buffer;
}

/** What the first page shows above postcat's text: the recipients, and who sent it. */
export interface PageHead {
  recipients: DocLine[];
  client: DocLine | null;
}

export function splitLines(text: string, kind: DocLine['kind']): DocLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((t) => ({ text: printable(t, { keepTab: true }), kind: kind === 'text' && /^\*\*\* .* \*\*\*$/.test(t) ? 'marker' : kind }));
}

/**
 * Encoded words decoded in the headers (Subject, display names in From/To) and the envelope's
 * sender_fullname, then sanitized again: `postq cat` and the record view keep the raw text.
 */
export function decodeHeaderLines(lines: DocLine[]): void {
  let inHeaders = false;
  for (const line of lines) {
    if (line.kind === 'marker') inHeaders = line.text.startsWith('*** MESSAGE CONTENTS');
    else if (inHeaders && line.text === '') inHeaders = false;
    else if (inHeaders || line.text.startsWith('sender_fullname: ')) line.text = printable(decodeEncodedWords(line.text), { keepTab: true });
  }
}

/** Page `index` of the message; `marks[i]` is where page i starts (marks grow as pages are read). */
function buildPage(entry: QueueEntry, file: WindowedMessage, dump: RecordDumper, head: PageHead, marks: PostcatStream[], index: number): MessageDocument {
  const stream = marks[index]!.fork();
  const parts: string[] = [];
  stream.run((text) => parts.push(text), PAGE_BYTES);
  const lines = splitLines(parts.join(''), 'text');
  if (index === 0) {
    decodeHeaderLines(lines);
    if (head.client) lines.splice(lines[0]?.kind === 'marker' ? 1 : 0, 0, head.client);
    lines.unshift(...head.recipients);
  }
  let problem: string | null = null;
  if (stream.done) {
    for (const warning of stream.warnings) lines.push({ text: `warning: ${printable(warning)}`, kind: 'marker', problem: true });
    if (stream.error) {
      problem = describe(stream.error);
      lines.push({ text: `*** postcat stops here: ${problem} ***`, kind: 'marker', problem: true });
    }
  } else if (marks.length === index + 1) {
    marks.push(stream.fork());
  }
  const read = stream.done ? file.size : Math.min(stream.position, file.size);
  const percent = Math.floor((read / file.size) * 100);
  const title = `${titleQueueId(entry)}  ${printable(file.path)}  ${file.size} bytes  page ${index + 1}, ${percent}% read`;
  const build = (i: number) => buildPage(entry, file, dump, head, marks, i);
  return {
    queueId: entry.queueId,
    title,
    view: 'postcat',
    lines,
    problem,
    pages: { index, next: stream.done ? null : () => build(index + 1), prev: index > 0 ? () => build(index - 1) : null, goto: build },
  };
}

const forkCursor = (c: DumpCursor): DumpCursor => ({ reader: c.reader.fork(), segment: c.segment });

/** Page `index` of the record view; `marks[i]` is where its page i starts. */
function buildRecordPage(entry: QueueEntry, file: WindowedMessage, marks: DumpCursor[], index: number): MessageDocument {
  const cursor = forkCursor(marks[index]!);
  const d = dumpSome(cursor, file.size, RECORDS_PER_PAGE);
  if (!d.done && marks.length === index + 1) marks.push(forkCursor(cursor));
  const read = d.done ? file.size : Math.min(cursor.reader.pos, file.size);
  const lines = [
    ...(index === 0 ? [{ text: `*** RECORDS (offset type length data), ${RECORDS_PER_PAGE} a page ***`, kind: 'marker' as const }] : []),
    ...splitLines(d.lines.join('\n'), 'dump'),
  ];
  const build = (i: number) => buildRecordPage(entry, file, marks, i);
  return {
    queueId: entry.queueId,
    title: `${titleQueueId(entry)}  ${printable(file.path)}  ${file.size} bytes  records page ${index + 1}, ${Math.floor((read / file.size) * 100)}% read`,
    view: 'records',
    lines,
    problem: d.diagnostics[0] ? describe(d.diagnostics[0]) : null,
    pages: { index, next: d.done ? null : () => build(index + 1), prev: index > 0 ? () => build(index - 1) : null, goto: build },
  };
}

export function buildPagedDocument(entry: QueueEntry, file: WindowedMessage, view: MessageView, dump: RecordDumper, head: PageHead): MessageDocument {
  const fetch = (offset: number, length: number) => file.fetch(offset, length);
  if (view === 'records') return buildRecordPage(entry, file, [dumpCursor(file.first, { fileSize: file.size, fetch })], 0);
  const start = new PostcatStream(file.first, { path: file.path }, { fileSize: file.size, fetch });
  return buildPage(entry, file, dump, head, [start], 0);
}
