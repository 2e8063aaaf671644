/**
 * One dispatcher for every key (no per-component useInput, so Ink's focus handling and Esc
 * cannot strand the input): key name -> mode -> binding id -> store operation. Text modes
 * (the `/` filter, a type-to-confirm word) take printable input before bindings do.
 */
import type { ConsoleStore } from '../store/console-state.js';
import { selectCursorEntry } from '../store/selectors.js';
import { groupFilter } from '../store/groupings.js';
import type { QueueName } from '../domain/queue.js';
import { bindingFor } from './keymap.js';
import { currentMode, type KeyDeps } from './key-mode.js';
import { maxPaneOffset } from './components/message-pane.js';
import { shapeRoom } from './components/shape-view.js';
import { currentShape, shapeDomainFilter } from './shape-query.js';
import { currentGroups, nextGroupBy, nextGroupSort } from './groups-query.js';
import { groupsRoom } from './components/groups-view.js';
import { copyFlash, copyOf } from './clipboard.js';
import { findInDocument } from './pane-search.js';
import { startPagedSearch, stopPagedSearch } from './paged-search.js';
import { layoutColumns, nextWhoColumns } from './columns.js';
import { idColumnWidth } from './id-width.js';
import { buildLogDocument, linkedIds } from './log-document.js';

const QUEUE_KEYS: Record<string, QueueName | 'all'> = {
  'queue.all': 'all', 'queue.maildrop': 'maildrop', 'queue.incoming': 'incoming', 'queue.active': 'active',
  'queue.deferred': 'deferred', 'queue.holdView': 'hold', 'queue.corrupt': 'corrupt',
};

// A key name of one character is a printable character (keyNamesOf drops controls).
const isText = (name: string) => name === 'space' || [...name].length === 1;
const textOf = (name: string) => (name === 'space' ? ' ' : name);

// Filters apply as typed; a draft that does not parse applies the filter from before `/`.
function editDraft(draft: string, deps: KeyDeps): void {
  deps.ui.setState({ draft });
  deps.store.getState().setFilterText(draft, deps.ui.getState().draftBefore);
}

function typeText(mode: 'filter' | 'search', text: string, deps: KeyDeps): void {
  const u = deps.ui.getState();
  if (mode === 'search') return void deps.ui.setState({ paneSearch: (u.paneSearch ?? '') + text });
  editDraft((u.draft ?? '') + text, deps);
}

/**
 * The key names of one input chunk, each in the mode the keys before it left. A run of text
 * typed into the filter line or the pane's search (a paste arrives as one chunk) is added at
 * once: the filter is parsed once per chunk, not once per character (a 25k-character paste
 * was 25k parses of ever longer text, minutes). Keys after a quit are not this console's (typed
 * one at a time they would reach the fleet overview or the shell): they go unread, where they
 * were taken as list keys (q H y held the cursor's message).
 */
export function handleKeys(names: readonly string[], keyDeps: KeyDeps): void {
  let quit = false;
  const deps: KeyDeps = { ...keyDeps, quit: () => ((quit = true), keyDeps.quit()) };
  let i = 0;
  while (i < names.length && !quit) {
    const mode = currentMode(deps.store, deps.ui);
    if ((mode === 'filter' || mode === 'search') && isText(names[i]!)) {
      let text = '';
      while (i < names.length && isText(names[i]!)) text += textOf(names[i++]!);
      typeText(mode, text, deps);
    } else {
      handleKey(names[i++]!, deps);
    }
  }
}

/** Handle one key press (a normalised key name). */
export function handleKey(name: string, deps: KeyDeps): void {
  const { store, ui } = deps;
  const s = store.getState();
  const u = ui.getState();
  const mode = currentMode(store, ui);

  if ((mode === 'filter' || mode === 'search') && isText(name)) return typeText(mode, textOf(name), deps);
  if (mode === 'confirm' && s.confirmation?.requireWord) {
    if (isText(name) && name !== 'space') return void ui.setState({ typed: u.typed + name });
    if (name === 'backspace') return void ui.setState({ typed: u.typed.slice(0, -1) });
    if (name === 'enter') {
      const typed = u.typed;
      ui.setState({ typed: '' });
      void s.confirmAction(typed);
      return;
    }
  }

  // The monitor is a window on the list: a list key leaves it for the full console and acts there.
  if (mode === 'monitor' && !bindingFor('monitor', name) && bindingFor('list', name)) {
    ui.setState({ overlay: 'none' });
    return handleKey(name, deps);
  }
  // Esc stops a search going through a large message's pages (before it would close the pane).
  if (name === 'escape' && mode === 'pane' && stopPagedSearch(ui)) return;
  const binding = bindingFor(mode, name);
  if (!binding) return;
  const half = Math.max(1, Math.floor(deps.bodyHeight() / 2));
  const page = Math.max(1, deps.bodyHeight() - 2);
  const pane = (offset: number) => {
    const { pane: message, log } = ui.getState();
    const doc = log ? buildLogDocument(log, 0) : message;
    if (!doc) return;
    const max = maxPaneOffset(doc, deps.bodyHeight());
    // A message read in pages (message-pages.ts): scrolling on past either end turns the page.
    const pages = log ? undefined : doc.pages;
    if (pages?.next && offset > max && offset !== Number.MAX_SAFE_INTEGER && ui.getState().paneOffset >= max) {
      return void ui.setState({ pane: pages.next(), paneOffset: 0, paneMatch: null });
    }
    if (pages?.prev && offset < 0 && ui.getState().paneOffset === 0) {
      const prev = pages.prev();
      return void ui.setState({ pane: prev, paneOffset: maxPaneOffset(prev, deps.bodyHeight()), paneMatch: null });
    }
    ui.setState({ paneOffset: Math.max(0, Math.min(offset, max)) });
  };
  const help = (offset: number) => ui.setState({ helpOffset: Math.max(0, Math.min(offset, Math.max(0, deps.helpPages()))) });

  const shape = (index: number) => {
    const rows = currentShape(s, u.shapeBy).shape.rows.length;
    ui.setState({ shapeCursor: Math.max(0, Math.min(index, rows - 1)) });
  };
  const shapePage = shapeRoom(deps.bodyHeight());

  const groups = (index: number) => {
    const rows = currentGroups(s, u).rows.length;
    ui.setState({ groupsCursor: Math.max(0, Math.min(index, rows - 1)) });
  };
  const groupsPage = groupsRoom(deps.bodyHeight());

  if (binding.id in QUEUE_KEYS) {
    if (mode === 'shape') ui.setState({ shapeCursor: 0 });
    if (mode === 'groups') ui.setState({ groupsCursor: 0 });
    return s.setQueueFilter(QUEUE_KEYS[binding.id]!);
  }
  if (binding.action && mode === 'groups') {
    // On a group: its messages become the list (the filter set for them), and the action
    // asks about exactly what the list then shows, with the usual confirmation.
    const row = currentGroups(s, u).rows[u.groupsCursor];
    if (!row) return;
    s.setFilterText(groupFilter(u.groupsBy, row));
    ui.setState({ overlay: 'none' });
    return store.getState().requestAction(binding.action, 'matching');
  }
  // Deliver now from the pane: the Log section opens first so the attempt's lines show up.
  if (binding.id === 'pane.deliver' && u.pane && !u.log) deps.openLog?.(u.pane.queueId);
  if (binding.action) return s.requestAction(binding.action);
  switch (binding.id) {
    case 'list.down': return s.moveCursor(1);
    case 'list.up': return s.moveCursor(-1);
    case 'list.halfPageDown': return s.moveCursor(half);
    case 'list.halfPageUp': return s.moveCursor(-half);
    case 'list.pageDown': return s.pageDown();
    case 'list.pageUp': return s.pageUp();
    case 'list.top': return s.cursorTop();
    case 'list.bottom': return s.cursorBottom();
    case 'view.sort': return s.cycleSort();
    case 'view.sortReverse': return s.toggleSortReverse();
    case 'view.filter': return void ui.setState({ draft: s.filterText, draftBefore: s.filterText });
    case 'view.clearFilter': return void (s.filterText ? s.setFilterText('') : undefined);
    case 'view.shape': return void ui.setState({ overlay: 'shape', shapeCursor: 0 });
    case 'view.monitor': return void ui.setState({ overlay: 'monitor' });
    case 'monitor.close': return void ui.setState({ overlay: 'none' });
    case 'view.pause': return s.togglePaused();
    case 'view.whoColumns': {
      const who = nextWhoColumns(u.whoColumns);
      ui.setState({ whoColumns: who });
      if (who === 'off') return s.setFlash('who columns off', 'info');
      const asked = who === 'both' ? ['login', 'client'] : [who];
      const shown = deps.columns ? layoutColumns(deps.columns(), idColumnWidth(s.entries, s.lastChange), who).columns.map((c) => c.id as string) : asked;
      const names = (ids: string[]) => ids.map((id) => id.toUpperCase()).join(' and ');
      const dropped = asked.filter((id) => !shown.includes(id));
      return s.setFlash(`who columns: ${names(asked)}${dropped.length ? ` (${names(dropped)} needs a wider terminal)` : ''}`, 'info');
    }
    case 'view.repaint': return void ui.setState({ repaint: u.repaint + 1 });
    case 'mark.toggle': return s.toggleMark(true);
    case 'mark.range': return s.markRange();
    case 'mark.allMatching': return s.markAllMatching();
    case 'mark.clear': return s.clearMarks();
    case 'mark.copy': {
      const copied = copyOf(s);
      if (copied.ids.length === 0) return s.setFlash('nothing to copy', 'warn');
      deps.copy(copied.ids.join(' '));
      return s.setFlash(copyFlash(copied), 'ok');
    }
    case 'pane.open': {
      const entry = selectCursorEntry(s);
      if (!entry) return;
      ui.setState({ overlay: 'pane', pane: deps.loadMessage(entry, 'postcat'), paneOffset: 0, paneQueue: entry.queueName, paneNote: null, paneMatch: null });
      return;
    }
    case 'pane.down': return pane(u.paneOffset + 1);
    case 'pane.up': return pane(u.paneOffset - 1);
    case 'pane.pageDown': return pane(u.paneOffset + page);
    case 'pane.pageUp': return pane(u.paneOffset - page);
    case 'pane.top': return pane(0);
    case 'pane.bottom': return pane(Number.MAX_SAFE_INTEGER);
    case 'pane.records': {
      const doc = u.pane;
      const entry = doc ? s.entries.get(doc.queueId) : undefined;
      if (!doc || !entry) return;
      if (u.log) deps.closeLog?.();
      ui.setState({ pane: deps.loadMessage(entry, doc.view === 'records' ? 'postcat' : 'records'), paneOffset: 0, log: null });
      return;
    }

    case 'pane.wrap': return void ui.setState({ paneWrap: !u.paneWrap });
    case 'pane.search': return void ui.setState({ paneSearch: '' });
    case 'search.backspace': return void ui.setState({ paneSearch: [...(u.paneSearch ?? '')].slice(0, -1).join('') });
    case 'search.cancel': return void ui.setState({ paneSearch: null });
    case 'search.apply':
    case 'pane.next':
    case 'pane.prev': {
      const doc = u.log ? buildLogDocument(u.log, 0) : u.pane;
      const query = binding.id === 'search.apply' ? (u.paneSearch ?? '') : u.paneQuery;
      ui.setState({ paneSearch: null, paneQuery: query });
      if (!doc || !query) return;
      const back = binding.id === 'pane.prev';
      // From the line after the last match (or the top line shown), wrapping around.
      const from = binding.id === 'search.apply' ? u.paneOffset : (u.paneMatch ?? u.paneOffset) + (back ? -1 : 1);
      const offsetFor = (d: typeof doc, line: number) => Math.max(0, Math.min(line, maxPaneOffset(d, deps.bodyHeight())));
      if (doc.pages && !u.log) return startPagedSearch({ store, ui, offsetFor }, doc, query, from, back);
      const found = findInDocument(doc, query, from, back ? -1 : 1);
      if (found === null) {
        ui.setState({ paneMatch: null });
        return s.setFlash(`not found in the message: ${query}`, 'warn');
      }
      ui.setState({ paneMatch: found });
      return pane(found);
    }
    case 'pane.log': {
      if (u.log) {
        deps.closeLog?.();
        return void ui.setState({ log: null, paneOffset: 0 });
      }
      if (u.pane) deps.openLog?.(u.pane.queueId);
      return void ui.setState({ paneOffset: 0 });
    }
    case 'pane.logLink': {
      const id = u.log ? linkedIds(u.log)[Number(name) - 1] : undefined;
      if (id) deps.openLog?.(id);
      return void ui.setState({ paneOffset: 0 });
    }
    case 'pane.close':
      deps.closeLog?.();
      return void ui.setState({ overlay: 'none', pane: null, paneNote: null, paneMatch: null, log: null });
    case 'help.open': return void ui.setState({ overlay: 'help', helpOffset: 0 });
    case 'help.down': return help(u.helpOffset + (name === 'space' || name === 'pagedown' ? page : 1));
    case 'help.up': return help(u.helpOffset - (name === 'pageup' ? page : 1));
    case 'help.close': return void ui.setState({ overlay: 'none' });
    case 'shape.sender': return void ui.setState({ shapeBy: u.shapeBy === 'sender' ? 'recipient' : 'sender', shapeCursor: 0 });
    case 'shape.down': return shape(u.shapeCursor + 1);
    case 'shape.up': return shape(u.shapeCursor - 1);
    case 'shape.pageDown': return shape(u.shapeCursor + shapePage);
    case 'shape.pageUp': return shape(u.shapeCursor - shapePage);
    case 'shape.open': {
      const row = currentShape(s, u.shapeBy).shape.rows[u.shapeCursor];
      if (!row) return;
      s.setFilterText(shapeDomainFilter(row.domain, u.shapeBy));
      return void ui.setState({ overlay: 'none' });
    }
    case 'shape.close': return void ui.setState({ overlay: 'none' });
    case 'view.why': return void ui.setState({ overlay: 'groups', groupsBy: 'reason', groupsCursor: 0 });
    case 'view.who': return void ui.setState({ overlay: 'groups', groupsBy: 'sasl', groupsCursor: 0 });
    case 'groups.down': return groups(u.groupsCursor + 1);
    case 'groups.up': return groups(u.groupsCursor - 1);
    case 'groups.pageDown': return groups(u.groupsCursor + groupsPage);
    case 'groups.pageUp': return groups(u.groupsCursor - groupsPage);
    case 'groups.by': return void ui.setState({ groupsBy: nextGroupBy(u.groupsBy), groupsCursor: 0 });
    case 'groups.sort': return void ui.setState({ groupsSort: nextGroupSort(u.groupsSort), groupsCursor: 0 });
    case 'groups.sortReverse': return void ui.setState({ groupsReverse: !u.groupsReverse, groupsCursor: 0 });
    case 'groups.raw': return void ui.setState({ groupsRaw: !u.groupsRaw });
    case 'groups.open': {
      const row = currentGroups(s, u).rows[u.groupsCursor];
      if (!row) return;
      s.setFilterText(groupFilter(u.groupsBy, row));
      return void ui.setState({ overlay: 'none' });
    }
    case 'groups.close': return void ui.setState({ overlay: 'none' });
    // A draft with an error stays open (its error shown): Enter keeps only what parses.
    case 'filter.apply': return void (s.filterError ? undefined : ui.setState({ draft: null }));
    case 'filter.cancel':
      s.setFilterText(u.draftBefore);
      return void ui.setState({ draft: null });
    case 'filter.backspace': return editDraft([...(u.draft ?? '')].slice(0, -1).join(''), deps);
    case 'filter.clearLine': return editDraft('', deps);
    case 'confirm.yes': return void s.confirmAction();
    case 'confirm.no':
      ui.setState({ typed: '' });
      return s.cancelAction();
    case 'confirm.requeueInstead': {
      // Only offered when a release would bounce mail past its lifetime (confirm-view.tsx).
      const c = s.confirmation;
      if (c?.action !== 'release' || !c.pastLifetime) return;
      s.cancelAction();
      return s.requestAction('requeue', c.scope);
    }
    case 'app.quit': return deps.quit();
    default: return;
  }
}
