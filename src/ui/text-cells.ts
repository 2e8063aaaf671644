/**
 * Terminal cell arithmetic for pre-formatted rows: width as Ink measures it (string-width),
 * truncation with an ellipsis, padding, tab expansion. Rows are built as exact-width strings
 * so Ink never wraps (a wrapped row would push the frame to the terminal's height).
 * Input must already be printable() text: no control characters reach here.
 */
import stringWidth from 'string-width';

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * string-width runs a grapheme segmenter over any text that is not plain ASCII, and a log line
 * or a row with one `…` in it is measured again on every frame (the pane-log soak spent a
 * quarter of its CPU here). So widths of such texts, and of single characters, are
 * remembered; each table starts again past its bound.
 */
const MAX_REMEMBERED = 4000;
const textWidths = new Map<string, number>();
const charWidths = new Map<string, number>();

function remembered(table: Map<string, number>, text: string): number {
  let width = table.get(text);
  if (width === undefined) {
    width = stringWidth(text);
    if (table.size >= MAX_REMEMBERED) table.clear();
    table.set(text, width);
  }
  return width;
}

export function cellWidth(text: string): number {
  return ASCII_PRINTABLE.test(text) ? text.length : remembered(textWidths, text);
}

/** One code point's cells (as string-width counts it alone). */
function charWidth(ch: string): number {
  const code = ch.charCodeAt(0);
  return ch.length === 1 && code >= 0x20 && code <= 0x7e ? 1 : remembered(charWidths, ch);
}

/** Cut to at most `width` cells, ending in `…` when something was cut. */
export function truncateCells(text: string, width: number): string {
  if (width <= 0) return '';
  if (ASCII_PRINTABLE.test(text)) return text.length <= width ? text : text.slice(0, width - 1) + '…';
  if (cellWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + '…';
}

/**
 * Cut to at most `width` cells keeping both ends around a `…` (`mx1…com`), for names that
 * differ at either end. Non-ASCII text is cut at the end instead.
 */
export function truncateMiddle(text: string, width: number): string {
  if (width <= 0) return '';
  if (!ASCII_PRINTABLE.test(text)) return truncateCells(text, width);
  if (text.length <= width) return text;
  if (width === 1) return '…';
  const tail = Math.floor((width - 1) / 2);
  const head = width - 1 - tail;
  return `${text.slice(0, head)}…${tail > 0 ? text.slice(-tail) : ''}`;
}

/** Exactly `width` cells: truncated, then padded on the right (or left with `alignRight`). */
export function fitCells(text: string, width: number, alignRight = false): string {
  const cut = truncateCells(text, width);
  const pad = ' '.repeat(Math.max(0, width - cellWidth(cut)));
  return alignRight ? pad + cut : cut + pad;
}

/** Expand tabs to 8-column stops (postcat output keeps tabs; a terminal would jump). */
export function expandTabs(line: string, tabSize = 8): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) {
    if (ch === '\t') out += ' '.repeat(tabSize - (cellWidth(out) % tabSize));
    else out += ch;
  }
  return out;
}

/** Split into rows of at most `width` cells (a wide character never straddles two rows). */
export function wrapCells(text: string, width: number): string[] {
  if (width <= 0) return [text];
  if (ASCII_PRINTABLE.test(text)) {
    const rows: string[] = [];
    for (let i = 0; i < text.length; i += width) rows.push(text.slice(i, i + width));
    return rows.length > 0 ? rows : [''];
  }
  const rows: string[] = [];
  let row = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width && row !== '') {
      rows.push(row);
      row = '';
      used = 0;
    }
    row += ch;
    used += w;
  }
  rows.push(row);
  return rows;
}
