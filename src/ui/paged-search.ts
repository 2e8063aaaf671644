/**
 * Search (`/`, n, N) in a message read in pages (message-pages.ts): the rest of the page shown,
 * then the other pages one at a time, wrapping around the end of the message and back to
 * where it started. Each page is built from its mark, looked through and dropped, so memory
 * stays one page whatever the size. One page per turn of the event loop: keys are still read,
 * and Esc (or closing the pane, or another search) stops it. Backward, past the first page, the
 * match is the last one in the pages after the start (they are read forward to find it).
 *
 * Contract: startPagedSearch() returns at once; it shows the match (the page, scrolled to the
 * line, paneMatch set) or says on the flash line that nothing was found, or that it stopped.
 */
import type { ConsoleStore } from '../store/console-state.js';
import type { MessageDocument } from './message-document.js';
import type { UiStore } from './ui-state.js';

export interface PagedSearchDeps {
  store: ConsoleStore;
  ui: UiStore;
  /** Where the pane scrolls to show line `line` of `doc` (clamped as the pane does). */
  offsetFor(doc: MessageDocument, line: number): number;
  /** The next turn of the event loop (tests may drive it). */
  yieldTurn?: () => Promise<void>;
}

let searches = 0;
const PROGRESS_MS = 250;

const lineMatches = (doc: MessageDocument, i: number, needle: string) => doc.lines[i]!.text.toLowerCase().includes(needle);

/** The first (forward) or last (back) matching line of `doc` in [lo, hi), or null. */
function findIn(doc: MessageDocument, needle: string, lo: number, hi: number, back: boolean): number | null {
  const from = Math.max(0, lo);
  const to = Math.min(doc.lines.length, hi);
  if (back) {
    for (let i = to - 1; i >= from; i--) if (lineMatches(doc, i, needle)) return i;
  } else {
    for (let i = from; i < to; i++) if (lineMatches(doc, i, needle)) return i;
  }
  return null;
}

/** Stop a paged search that is running (Esc); true when there was one. */
export function stopPagedSearch(ui: UiStore): boolean {
  if (ui.getState().paneSearching === null) return false;
  ui.setState({ paneSearching: null });
  return true;
}

export function startPagedSearch(deps: PagedSearchDeps, doc: MessageDocument, query: string, from: number, back: boolean): void {
  const { ui, store } = deps;
  const needle = query.toLowerCase();
  const show = (page: MessageDocument, line: number) => {
    ui.setState({ pane: page, paneOffset: deps.offsetFor(page, line), paneMatch: line, paneSearching: null });
    if (page !== doc) store.getState().setFlash(`found on page ${page.pages!.index + 1}: ${query}`, 'ok');
  };
  // The page shown first: from the line given on, in the search's direction.
  const here = back ? findIn(doc, needle, 0, from + 1, true) : findIn(doc, needle, from, Number.MAX_SAFE_INTEGER, false);
  if (here !== null) return show(doc, here);
  const token = ++searches;
  ui.setState({ paneSearching: token, paneMatch: null });
  const alive = () => ui.getState().paneSearching === token && ui.getState().pane === doc;
  const turn = deps.yieldTurn ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const start = doc.pages!.index;
  // Said at most every PROGRESS_MS: a frame per page would cost more than reading the page.
  let saidAt = 0;
  const progress = (page: MessageDocument) => {
    const now = Date.now();
    if (now - saidAt < PROGRESS_MS) return;
    saidAt = now;
    store.getState().setFlash(`searching the message for ${query}: page ${page.pages!.index + 1}… (Esc stops)`, 'info');
  };

  void (async () => {
    let page = doc;
    // Back: the pages before the start, then (wrapped) the pages after it, read forward, keeping the last match.
    let phase: 'before' | 'after' = back && doc.pages!.prev ? 'before' : 'after';
    let lastAfter: { index: number; line: number } | null = null;
    for (;;) {
      await turn();
      if (!alive()) {
        if (ui.getState().paneSearching === token) ui.setState({ paneSearching: null });
        return store.getState().setFlash(`search stopped: ${query}`, 'warn');
      }
      if (back && phase === 'before') {
        page = page.pages!.prev!();
        const line = findIn(page, needle, 0, page.lines.length, true);
        if (line !== null) return show(page, line);
        if (!page.pages!.prev) {
          phase = 'after';
          page = doc;
        }
      } else if (back) {
        if (!page.pages!.next) break;
        page = page.pages!.next();
        const line = findIn(page, needle, 0, page.lines.length, true);
        if (line !== null) lastAfter = { index: page.pages!.index, line };
      } else {
        page = page.pages!.next ? page.pages!.next() : page.pages!.goto(0);
        if (page.pages!.index === start) break;
        const line = findIn(page, needle, 0, page.lines.length, false);
        if (line !== null) return show(page, line);
      }
      progress(page);
    }
    if (lastAfter) return show(doc.pages!.goto(lastAfter.index), lastAfter.line);
    // Around to the start page again: the part of it not looked at first.
    const rest = back ? findIn(doc, needle, from + 1, doc.lines.length, true) : findIn(doc, needle, 0, from, false);
    if (rest !== null) return show(doc, rest);
    ui.setState({ paneSearching: null });
    store.getState().setFlash(`not found in the message: ${query}`, 'warn');
  })();
}
