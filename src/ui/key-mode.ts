/**
 * What the key dispatcher (key-handler.ts) works with: its dependencies, and which mode a key
 * lands in (a confirmation, the filter line, the pane's search, an overlay, else the list).
 */
import type { ConsoleStore } from '../store/console-state.js';
import type { KeyMode } from './keymap.js';
import type { MessageLoader } from './message-document.js';
import type { UiStore } from './ui-state.js';

export interface KeyDeps {
  store: ConsoleStore;
  ui: UiStore;
  loadMessage: MessageLoader;
  /** Body lines available to overlays and the list (for page sizes). */
  bodyHeight: () => number;
  helpPages: () => number;
  quit: () => void;
  /** Put text on the terminal's clipboard (OSC 52). */
  copy: (text: string) => void;
  /** Start (or switch) the pane's Log section to this id's trail; closeLog cancels it. */
  openLog?: (queueId: string) => void;
  closeLog?: () => void;
  /** The terminal's width (to say which asked-for column does not fit). */
  columns?: () => number;
}

export function currentMode(store: ConsoleStore, ui: UiStore): KeyMode {
  if (store.getState().confirmation) return 'confirm';
  const u = ui.getState();
  if (u.draft !== null) return 'filter';
  if (u.overlay === 'pane' && u.paneSearch !== null) return 'search';
  if (u.overlay === 'help') return 'help';
  if (u.overlay === 'pane') return 'pane';
  if (u.overlay === 'shape') return 'shape';
  if (u.overlay === 'groups') return 'groups';
  if (u.overlay === 'monitor') return 'monitor';
  return 'list';
}
