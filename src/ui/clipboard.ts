/**
 * Copying queue ids out of the console: the terminal's clipboard through OSC 52, which works
 * over SSH (the local terminal sets its clipboard) and in tmux with `set-clipboard on` (tmux
 * keeps a paste buffer and passes it on). Pure: the App writes the sequence to the terminal.
 */
import type { ConsoleData } from '../store/console-state.js';
import { selectCursorEntry } from '../store/selectors.js';

/** OSC 52 "set clipboard" (selection c) with the text in base64, BEL-terminated. */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

/** What `c` copies: the marked ids (space-separated, safe to paste into a command line), else the cursor's id. */
export function idsToCopy(state: ConsoleData): string[] {
  if (state.marks.size > 0) return [...state.marks].sort();
  const entry = selectCursorEntry(state);
  return entry ? [entry.queueId] : [];
}
