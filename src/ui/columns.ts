/**
 * The list's columns: which fit at a width (by priority: ID, REASON, HOST, RCPT, AGE, then the
 * who columns LOGIN and CLIENT when turned on, SENDER, NEXT, EXPIRES, SIZE, ARRIVAL), how wide
 * each is, and one entry formatted as an exact-width string. Every text cell from the message
 * goes through printable(). HOST exists only in the merged fleet view (entries carry `host`):
 * there the store keys rows as ID@TARGET, but the ID cell shows the bare queue id (what
 * postcat on that host takes) and HOST the target. Pure.
 */
import type { QueueEntry } from '../domain/entry.js';
import { queueMarker } from '../domain/queue.js';
import { printable } from '../spool/printable.js';
import { fitCells, truncateMiddle } from './text-cells.js';
import { formatAge, formatArrival, formatRetry, formatSize } from './format.js';

export type ColumnId = 'id' | 'host' | 'age' | 'arrival' | 'size' | 'next' | 'expires' | 'sender' | 'login' | 'client' | 'rcpt' | 'reason';

/** The optional who columns (`i` cycles them): the SASL login, the client address, both, none. */
export const WHO_COLUMNS = ['off', 'login', 'client', 'both'] as const;
export type WhoColumns = (typeof WHO_COLUMNS)[number];
export const nextWhoColumns = (w: WhoColumns): WhoColumns => WHO_COLUMNS[(WHO_COLUMNS.indexOf(w) + 1) % WHO_COLUMNS.length]!;
const WHO_SHOWS: Record<WhoColumns, ColumnId[]> = { off: [], login: ['login'], client: ['client'], both: ['login', 'client'] };

/** HOST narrows to 6 cells before it is dropped, and never takes more than 24. */
const HOST_MIN = 6;
const HOST_MAX = 24;

interface ColumnSpec {
  id: ColumnId;
  title: string;
  min: number;
  /** Flexible columns share what is left, by weight, up to max. */
  weight: number;
  max: number;
  alignRight?: boolean;
}

const SPECS: Record<ColumnId, ColumnSpec> = {
  id: { id: 'id', title: 'QUEUE ID', min: 12, weight: 0, max: 12 },
  // min and max come from the widest target label (hostWidth); narrowed, a label keeps both
  // ends (mx1…com, exec…fix-1), where labels of one fleet tend to differ.
  host: { id: 'host', title: 'HOST', min: HOST_MIN, weight: 3, max: HOST_MAX },
  // Ages from 10h to 23h59m take six cells ("11h30m"); retries one more for the "+".
  age: { id: 'age', title: 'AGE', min: 6, weight: 0, max: 6, alignRight: true },
  arrival: { id: 'arrival', title: 'ARRIVAL', min: 12, weight: 0, max: 12 },
  size: { id: 'size', title: 'SIZE', min: 6, weight: 0, max: 6, alignRight: true },
  next: { id: 'next', title: 'NEXT', min: 7, weight: 0, max: 7, alignRight: true },
  // "4d23h", "expired", "forced" (postsuper -e): deferred and held mail only.
  expires: { id: 'expires', title: 'EXPIRES', min: 7, weight: 0, max: 7, alignRight: true },
  sender: { id: 'sender', title: 'SENDER', min: 14, weight: 2, max: 32 },
  // A login is often an address; a client is its IP address (IPv4 fits 15 cells, IPv6 up to 39).
  login: { id: 'login', title: 'LOGIN', min: 12, weight: 1, max: 28 },
  client: { id: 'client', title: 'CLIENT', min: 15, weight: 1, max: 39 },
  rcpt: { id: 'rcpt', title: 'RECIPIENT', min: 16, weight: 2, max: 36 },
  reason: { id: 'reason', title: 'REASON', min: 18, weight: 3, max: 400 },
};

/**
 * Which columns stay as the width shrinks, most important first. The who columns come only
 * when asked for, and then before SENDER: someone who turned them on is looking for who.
 */
const PRIORITY: ColumnId[] = ['id', 'reason', 'host', 'rcpt', 'age', 'login', 'client', 'sender', 'next', 'expires', 'size', 'arrival'];
/** The optional columns only come in from these widths, so the text columns get room first. */
const FROM_WIDTH: Partial<Record<ColumnId, number>> = { next: 90, size: 110, expires: 120, arrival: 130 };
const ORDER: ColumnId[] = ['id', 'host', 'age', 'arrival', 'size', 'next', 'expires', 'sender', 'login', 'client', 'rcpt', 'reason'];
/** Two cells in front of every row: the cursor glyph and the mark glyph. */
export const GUTTER = 2;

export interface ColumnLayout {
  width: number;
  columns: Array<{ id: ColumnId; title: string; width: number; alignRight: boolean }>;
}

/**
 * `idWidth`: the widest id cell present (idColumnWidth), so every id shows whole with its
 * marker; a copied id must work in postcat, and long ids differ only in their last characters.
 * `hostWidth`: the widest target label present (hostColumnWidth); 0 (one spool) means no HOST.
 */
export function layoutColumns(width: number, idWidth = 12, who: WhoColumns = 'off', hostWidth = 0): ColumnLayout {
  const hostFull = Math.max(SPECS.host.title.length, hostWidth);
  const min = (id: ColumnId) => (id === 'id' ? idWidth : id === 'host' ? Math.min(hostFull, HOST_MIN) : SPECS[id].min);
  const max = (id: ColumnId) => (id === 'host' ? Math.min(hostFull, HOST_MAX) : SPECS[id].max);
  const wanted = WHO_SHOWS[who];
  const chosen: ColumnId[] = [];
  let used = GUTTER;
  for (const id of PRIORITY) {
    if ((id === 'login' || id === 'client') && !wanted.includes(id)) continue;
    if (id === 'host' && hostWidth <= 0) continue;
    if ((FROM_WIDTH[id] ?? 0) > width) continue;
    const need = min(id) + (chosen.length > 0 ? 1 : 0);
    if (used + need > width && chosen.length > 0) continue;
    chosen.push(id);
    used += need;
  }
  const widths = new Map<ColumnId, number>(chosen.map((id) => [id, min(id)]));
  let spare = Math.max(0, width - used);
  // Hand out the spare cells to the flexible columns, by weight, up to their max.
  while (spare > 0) {
    const open = chosen.filter((id) => SPECS[id].weight > 0 && widths.get(id)! < max(id));
    if (open.length === 0) break;
    const total = open.reduce((s, id) => s + SPECS[id].weight, 0);
    let given = 0;
    for (const id of open) {
      const share = Math.max(1, Math.floor((spare * SPECS[id].weight) / total));
      const add = Math.min(share, max(id) - widths.get(id)!, spare - given);
      widths.set(id, widths.get(id)! + add);
      given += add;
      if (given >= spare) break;
    }
    spare -= given;
    if (given === 0) break;
  }
  const columns = ORDER.filter((id) => widths.has(id)).map((id) => ({
    id,
    title: SPECS[id].title,
    width: widths.get(id)!,
    alignRight: !!SPECS[id].alignRight,
  }));
  return { width, columns };
}

/** A delay reason in a few words (the full text is in the message pane). */
export function reasonClass(reason: string): string {
  const r = reason.toLowerCase();
  if (/greylist|try again later|4\.7\.1/.test(r)) return 'greylisted';
  if (/timed out|timeout/.test(r)) return 'conn timed out';
  if (/connection refused/.test(r)) return 'conn refused';
  if (/host not found|name service|dns|nxdomain|no mx/.test(r)) return 'DNS';
  if (/tls|certificate|starttls/.test(r)) return 'TLS';
  if (/quota|mailbox full|over ?quota/.test(r)) return 'quota';
  if (/user unknown|does not exist|unknown user/.test(r)) return 'user unknown';
  const code = /\b([45]\d\d)[ -]/.exec(r);
  return code ? `${code[1]} reply` : reason;
}

/** What the REASON column says for an entry: its state when it is not a plain message. */
export function reasonText(entry: QueueEntry, short: boolean): string {
  if (entry.state === 'corrupt') return `corrupt${entry.diagnostics[0] ? `: ${entry.diagnostics[0].problem}` : ''}`;
  if (entry.state === 'incomplete') return 'incomplete (being written?)';
  if (entry.state === 'damaged' || entry.state === 'unlisted') {
    return `${entry.state}${entry.diagnostics[0] ? `: ${entry.diagnostics[0].problem}` : ''}`;
  }
  const reason = entry.recipients.find((r) => r.delayReason)?.delayReason ?? '';
  if (!reason) return entry.queueName === 'hold' ? 'on hold' : '';
  return short ? reasonClass(reason) : reason;
}

/**
 * The id with mailq's markers as mailq prints them (`*` active, `!` hold, `#` forced expiry,
 * `!#` both), then `?` for a file postq could not read whole (damaged, corrupt/).
 */
export function queueIdCell(entry: QueueEntry): string {
  const damaged = entry.state === 'corrupt' || entry.state === 'damaged' || entry.queueName === 'corrupt';
  return shownQueueId(entry) + queueMarker(entry.queueName) + (entry.forcedExpire ? '#' : '') + (damaged ? '?' : '');
}

/** The queue id as its host knows it: in the merged fleet view without the `@TARGET` of the row key. */
export function shownQueueId(entry: QueueEntry): string {
  const suffix = entry.host === undefined ? '' : `@${entry.host}`;
  return suffix && entry.queueId.endsWith(suffix) ? entry.queueId.slice(0, -suffix.length) : entry.queueId;
}

/** The id in a title (the message pane's): the bare queue id, and in the merged fleet view `on HOST`. Sanitized. */
export function titleQueueId(entry: QueueEntry): string {
  const id = printable(shownQueueId(entry));
  return entry.host === undefined ? id : `${id} on ${printable(entry.host)}`;
}

/** The EXPIRES cell: time left, `expired` when past its lifetime, `forced` after postsuper -e. */
export function formatExpiry(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return '';
  if (expiresAt === Number.NEGATIVE_INFINITY) return 'forced';
  return expiresAt > now ? formatAge(expiresAt - now) : 'expired';
}

function cellText(id: ColumnId, entry: QueueEntry, now: number, width: number, expiresAt: number | null): string {
  switch (id) {
    case 'id': return queueIdCell(entry);
    case 'host': return entry.host ?? '';
    case 'age': return formatAge(now - entry.arrivalTime);
    case 'arrival': return formatArrival(entry.arrivalTime);
    case 'size': return formatSize(entry.messageSize);
    case 'next': return entry.queueName === 'deferred' ? formatRetry(entry.mtime, now) : '';
    case 'expires': return formatExpiry(expiresAt, now);
    case 'sender': return entry.sender;
    case 'login': return entry.client?.saslUsername ?? '';
    // The address (what client: matches, CIDR included), else the name; empty for local mail.
    case 'client': return entry.client?.clientAddress ?? entry.client?.clientName ?? '';
    case 'rcpt': {
      const first = entry.recipients[0]?.address ?? '';
      return entry.recipients.length > 1 ? `${first} +${entry.recipients.length - 1}` : first;
    }
    case 'reason': return reasonText(entry, width < 40);
  }
}

/** One row without the gutter: exactly layout.width - GUTTER cells, sanitized. */
export function formatRow(entry: QueueEntry, layout: ColumnLayout, now: number, expiresAt: number | null = null): string {
  let out = '';
  for (const [i, col] of layout.columns.entries()) {
    if (i > 0) out += ' ';
    let text = printable(cellText(col.id, entry, now, col.width, expiresAt));
    if (col.id === 'host') text = truncateMiddle(text, col.width);
    if (col.id === 'rcpt' && entry.recipients.length > 1) {
      // Keep the "+N" visible when the address is cut.
      const plus = ` +${entry.recipients.length - 1}`;
      const addr = printable(entry.recipients[0]?.address ?? '');
      text = fitCells(addr, Math.max(1, col.width - plus.length)).trimEnd() + plus;
    }
    out += fitCells(text, col.width, col.alignRight);
  }
  return fitCells(out, layout.width - GUTTER);
}

export function formatHeaderRow(layout: ColumnLayout): string {
  const text = layout.columns.map((c) => fitCells(c.title, c.width, c.alignRight)).join(' ');
  return fitCells(text, layout.width - GUTTER);
}
