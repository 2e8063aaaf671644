/**
 * Screen geometry from the terminal size. The frame is always rows-1 lines: at the terminal's
 * full height Ink 6.8 clears the whole screen on every frame (ux-research 6.1).
 *   normal  (rows >= 16): header 2, crumbs 1, body (column header + list), detail 1 (the
 *           cursor row's subject and full reason; from 20 rows), flash 1, hints 1
 *   compact (rows < 16, e.g. a 100x12 tmux pane): header 1, crumbs 1, body, one bottom line
 *   monitor (the `m` view, `--monitor`): header (1 or 2 as above), body (sparklines and top
 *           reasons), one bottom line; no crumbs, no detail: an 80x8 pane still gets 5 body lines
 *   tooSmall (< 40x8): one line saying so.
 * Pure.
 */
export const MIN_COLUMNS = 40;
export const MIN_ROWS = 8;

export interface ScreenLayout {
  columns: number;
  rows: number;
  tooSmall: boolean;
  compact: boolean;
  /** Lines Ink renders: rows - 1. */
  frameHeight: number;
  headerLines: number;
  /** The area for the list (column header included) or an overlay (help, pane, dialog). */
  bodyHeight: number;
  /** List rows under the column header. */
  listHeight: number;
  /** Separate flash and hints lines (normal), or one shared bottom line (compact). */
  bottomLines: number;
  /** The cursor row's detail line (subject, full reason) under the list: 0 or 1. */
  detailLines: number;
  /** The crumbs line (queue view, filter, sort): 0 (monitor) or 1. */
  crumbLines: number;
}

export function computeLayout(columns: number, rows: number, monitor = false): ScreenLayout {
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const compact = rows < 16;
  const frameHeight = Math.max(1, rows - 1);
  const headerLines = compact ? 1 : 2;
  const bottomLines = compact || monitor ? 1 : 2;
  const detailLines = rows >= 20 && !monitor ? 1 : 0;
  const crumbLines = monitor ? 0 : 1;
  const bodyHeight = Math.max(1, frameHeight - headerLines - crumbLines - bottomLines - detailLines);
  return { columns, rows, tooSmall, compact, frameHeight, headerLines, bodyHeight, listHeight: Math.max(1, bodyHeight - 1), bottomLines, detailLines, crumbLines };
}
