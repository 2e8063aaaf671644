/**
 * Search inside the message pane: the next (or previous) line of the document that holds the
 * text, case-insensitive, wrapping around the end. Pure; lines are already printable text.
 */
import type { MessageDocument } from './message-document.js';

export function findInDocument(doc: MessageDocument, query: string, from: number, direction: 1 | -1): number | null {
  const needle = query.toLowerCase();
  const n = doc.lines.length;
  if (!needle || n === 0) return null;
  for (let step = 0; step < n; step++) {
    const i = (((from + direction * step) % n) + n) % n;
    if (doc.lines[i]!.text.toLowerCase().includes(needle)) return i;
  }
  return null;
}
