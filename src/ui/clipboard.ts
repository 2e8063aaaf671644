/**
 * Copying queue ids out of the console: the terminal's clipboard through OSC 52, which works
 * over SSH (the local terminal sets its clipboard) and in tmux with `set-clipboard on` (tmux
 * keeps a paste buffer and passes it on). Pure: the App writes the sequence to the terminal.
 *
 * In the merged fleet view rows are keyed `ID@TARGET`, but what an admin pastes is a command
 * on that host (`postcat -q ID`, `postsuper -h ID`): the copy holds bare queue ids (grouped by
 * host), and the flash line names the host(s) they belong to.
 */
import type { ConsoleData } from '../store/console-state.js';
import { selectCursorEntry } from '../store/selectors.js';
import { printable } from '../spool/printable.js';
import { shownQueueId } from './columns.js';

/** OSC 52 "set clipboard" (selection c) with the text in base64, BEL-terminated. */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

export interface CopyOf {
  /** Queue ids as their host knows them, by host then id. */
  ids: string[];
  /** Targets the ids are on with how many each, in order (empty for one spool). */
  hosts: Array<[string, number]>;
}

/** What `c` copies: the marked ids (space-separated, safe to paste into a command line), else the cursor's id. */
export function copyOf(state: ConsoleData): CopyOf {
  const keys = state.marks.size > 0 ? [...state.marks] : [selectCursorEntry(state)?.queueId].filter((k): k is string => k !== undefined);
  const rows = keys.map((key) => {
    const entry = state.entries.get(key);
    return { id: entry ? shownQueueId(entry) : key, host: entry?.host };
  });
  rows.sort((a, b) => (a.host ?? '').localeCompare(b.host ?? '') || a.id.localeCompare(b.id));
  const hosts = new Map<string, number>();
  for (const r of rows) if (r.host !== undefined) hosts.set(r.host, (hosts.get(r.host) ?? 0) + 1);
  return { ids: rows.map((r) => r.id), hosts: [...hosts] };
}

/** The flash line after a copy: which ids, and on which host each is valid. */
export function copyFlash(copy: CopyOf): string {
  const where = copy.hosts.map(([host, n]) => (copy.hosts.length === 1 ? printable(host) : `${printable(host)}: ${n}`)).join(', ');
  const what = copy.ids.length === 1 ? `copied ${copy.ids[0]}` : `copied ${copy.ids.length} marked ids`;
  if (copy.hosts.length === 0) return `${what} to the clipboard`;
  return copy.hosts.length === 1 ? `${what} (on ${where}) to the clipboard` : `${what} (${where}; each id is valid on its host only) to the clipboard`;
}
