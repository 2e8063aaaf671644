/**
 * Collating log lines into a message's trail, the way Postfix's collate.pl groups a
 * transaction: the smtpd session that received it (found by the smtpd's pid, from `connect
 * from` before the queue id appeared to `disconnect from`), then every line that names the
 * id (pickup, cleanup, qmgr, each delivery attempt, bounce, postsuper), and the hops out to
 * new ids (bounce notices, `queued as` in a relay's reply, requeues), whose trails are
 * collected too when `follow` is on.
 *
 * Contract: the reader offers lines in log order, only those that contain one of needles()
 * (a cheap substring pre-filter; offer() checks properly). When offer() answers `lookback`,
 * the reader hands the earlier lines that contain that needle (bounded: what it still has)
 * to backfill(). Pure: no I/O; never throws. Memory is the trail plus one entry per open
 * session that belongs to it.
 */
import type { LogLine } from './parse-line.js';
import { findLink, type LogLink } from './parse-fields.js';

export type Stage = 'session' | 'pickup' | 'cleanup' | 'qmgr' | 'delivery' | 'bounce' | 'postsuper' | 'other';

export interface TrailEntry {
  line: LogLine;
  stage: Stage;
  /** Log order: (file, offset) folded into one number by the reader. */
  position: number;
  /** The source the line came from (a file path, or 'journal'). */
  source: string;
}

export interface Transaction {
  queueId: string;
  entries: TrailEntry[];
}

export interface Trail {
  /** In the order ids were asked for, then discovered through links. */
  transactions: Transaction[];
  links: LogLink[];
}

export interface OfferResult {
  /** The reader should backfill() the earlier lines that contain each of these needles. */
  lookback: string[];
}

const NONE: OfferResult = { lookback: [] };

const SESSION_SERVICES = new Set(['smtpd', 'postscreen', 'lmtpd', 'qmqpd']);

export function stageOf(line: LogLine): Stage {
  const s = line.service;
  if (SESSION_SERVICES.has(s)) return 'session';
  if (s === 'pickup' || s === 'cleanup' || s === 'qmgr' || s === 'postsuper' || s === 'bounce') return s;
  if (line.fields.to !== undefined && line.fields.status !== undefined) return 'delivery';
  return 'other';
}

/** `postfix/smtpd[123]: `: what every line of one daemon process contains. */
export function sessionNeedle(line: LogLine): string | null {
  return line.pid === null || !line.program ? null : `${line.program}[${line.pid}]: `;
}

const ID_CHARS = /[A-Za-z0-9]/;

/** Does text contain id as a whole word (not inside a longer id)? */
export function mentionsId(text: string, id: string): boolean {
  for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + 1)) {
    const before = at > 0 ? text[at - 1]! : ' ';
    const after = text[at + id.length] ?? ' ';
    if (!ID_CHARS.test(before) && !ID_CHARS.test(after)) return true;
  }
  return false;
}

export interface TrailCollator {
  needles(): string[];
  offer(line: LogLine, position: number, source: string): OfferResult;
  /** Returns further needles to look back for (a linked id's smtpd session). */
  backfill(needle: string, lines: Array<{ line: LogLine; position: number; source: string }>): string[];
  trail(): Trail;
  /** Ids in the trail (asked for and linked). */
  ids(): string[];
}

export interface CollatorOptions {
  /** Collect the trails of linked ids too. */
  follow: boolean;
  /** Told of every line added (the live pane appends them). */
  onEntry?: (queueId: string, entry: TrailEntry) => void;
}

export function createTrailCollator(ids: readonly string[], options: CollatorOptions): TrailCollator {
  const transactions = new Map<string, Transaction>();
  const links: LogLink[] = [];
  const linkKeys = new Set<string>();
  /** Open smtpd sessions that carry a wanted id: needle -> queue id. */
  const sessions = new Map<string, string>();
  const seen = new Set<number>();
  for (const id of ids) transactions.set(id, { queueId: id, entries: [] });

  const add = (id: string, line: LogLine, position: number, source: string) => {
    if (seen.has(position)) return;
    seen.add(position);
    const entry: TrailEntry = { line, stage: stageOf(line), position, source };
    transactions.get(id)!.entries.push(entry);
    options.onEntry?.(id, entry);
  };
  /** Record a hop; returns the id it brought into the trail (or null). */
  const addLink = (link: LogLink): string | null => {
    const key = `${link.kind} ${link.from} ${link.to}`;
    if (linkKeys.has(key)) return null;
    linkKeys.add(key);
    links.push(link);
    if (!options.follow) return null;
    const fresh = transactions.has(link.from) ? link.to : link.from;
    if (transactions.has(fresh)) return null;
    transactions.set(fresh, { queueId: fresh, entries: [] });
    return fresh;
  };

  return {
    needles: () => [...transactions.keys(), ...sessions.keys()],
    ids: () => [...transactions.keys()],
    offer(line, position, source) {
      const needle = sessionNeedle(line);
      const sessionOf = needle === null ? undefined : sessions.get(needle);
      if (sessionOf !== undefined) {
        if (/^disconnect from /.test(line.message)) sessions.delete(needle!);
        // A session may carry several messages: a line with another id is that message's.
        if (line.queueId !== null && line.queueId !== sessionOf) {
          if (!transactions.has(line.queueId)) return NONE;
          sessions.set(needle!, line.queueId);
        }
        add(line.queueId ?? sessionOf, line, position, source);
        return NONE;
      }
      const lookback: string[] = [];
      const link = findLink(line.queueId, line.service, line.message, line.fields);
      if (link && (transactions.has(link.from) || transactions.has(link.to))) {
        // A bounce's cleanup and qmgr lines come before the notice that names it.
        const fresh = addLink(link);
        if (fresh !== null) lookback.push(fresh);
      }
      let owner: string | null = line.queueId !== null && transactions.has(line.queueId) ? line.queueId : null;
      if (owner === null) for (const id of transactions.keys()) if (mentionsId(line.raw, id)) { owner = id; break; }
      if (owner === null) return lookback.length === 0 ? NONE : { lookback };
      add(owner, line, position, source);
      if (needle && stageOf(line) === 'session' && line.queueId === owner && /^client=/.test(line.message) && !sessions.has(needle)) {
        sessions.set(needle, owner);
        lookback.push(needle);
      }
      return lookback.length === 0 ? NONE : { lookback };
    },
    backfill(needle, lines) {
      if (transactions.has(needle)) {
        const more: string[] = [];
        for (const l of lines) {
          if (!mentionsId(l.line.raw, needle)) continue;
          add(needle, l.line, l.position, l.source);
          const sn = sessionNeedle(l.line);
          if (sn && l.line.queueId === needle && stageOf(l.line) === 'session' && /^client=/.test(l.line.message) && !sessions.has(sn)) {
            sessions.set(sn, needle);
            more.push(sn);
          }
        }
        return more;
      }
      const owner = sessions.get(needle);
      if (owner === undefined) return [];
      let start = -1;
      for (let i = lines.length - 1; i >= 0; i--) if (/^connect from /.test(lines[i]!.line.message)) { start = i; break; }
      // Without the session's start in reach, the lines before client= are not surely this session's.
      if (start < 0) return [];
      for (const l of lines.slice(start)) if (l.line.queueId === null || l.line.queueId === owner) add(owner, l.line, l.position, l.source);
      return [];
    },
    trail() {
      const list = [...transactions.values()].map((t) => ({ queueId: t.queueId, entries: [...t.entries].sort((a, b) => a.position - b.position) }));
      return { transactions: list, links: [...links] };
    },
  };
}
