/**
 * The console's screen-local state (which overlay is open, the filter being typed, the word
 * typed into a confirmation, scroll offsets): a small zustand store beside the console
 * store, so the key handler reads current values without stale React closures.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { QueueName } from '../domain/queue.js';
import type { GroupBy, GroupSort } from '../store/groupings.js';
import type { WhoColumns } from './columns.js';
import type { MessageDocument } from './message-document.js';
import type { LogTrailState } from '../logs/trail-state.js';

export type Overlay = 'none' | 'help' | 'pane' | 'shape' | 'groups' | 'monitor';

export interface UiState {
  overlay: Overlay;
  /** The filter text being edited after `/`, or null. */
  draft: string | null;
  /** The filter before editing began (Esc restores it). */
  draftBefore: string;
  /** Letters typed into a type-to-confirm dialog. */
  typed: string;
  pane: MessageDocument | null;
  /** The pane's Log section (`l`): the trail being found and followed, or null. */
  log: LogTrailState | null;
  paneOffset: number;
  /** The queue the open message was in when last loaded (a move reloads it). */
  paneQueue: QueueName | null;
  /** What happened to the open message's file since it was opened ("moved to hold"). */
  paneNote: string | null;
  /** Long lines wrap instead of being cut. */
  paneWrap: boolean;
  /** The search being typed in the pane after `/`, or null. */
  paneSearch: string | null;
  /** The last search (n / N repeat it) and the line it found, or null. */
  paneQuery: string;
  paneMatch: number | null;
  /** A search going through a paged message's pages (paged-search.ts): its token, or null. */
  paneSearching: number | null;
  helpOffset: number;
  shapeBy: 'recipient' | 'sender';
  /** The qshape view's cursor: an index into its domain rows. */
  shapeCursor: number;
  /** The who/why view: its grouping, cursor row, sort, and raw reason text instead of the template. */
  groupsBy: GroupBy;
  groupsCursor: number;
  groupsSort: GroupSort;
  groupsReverse: boolean;
  groupsRaw: boolean;
  /** The list's optional who columns (LOGIN, CLIENT), cycled by `i`. */
  whoColumns: WhoColumns;
  /** Bumped by ctrl-l: the screen is cleared and the whole frame written again. */
  repaint: number;
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(): UiStore {
  return createStore<UiState>()(() => ({
    overlay: 'none',
    draft: null,
    draftBefore: '',
    typed: '',
    pane: null,
    log: null,
    paneOffset: 0,
    paneQueue: null,
    paneNote: null,
    paneWrap: false,
    paneSearch: null,
    paneQuery: '',
    paneMatch: null,
    paneSearching: null,
    helpOffset: 0,
    shapeBy: 'recipient',
    shapeCursor: 0,
    groupsBy: 'reason',
    groupsCursor: 0,
    groupsSort: 'messages',
    groupsReverse: false,
    groupsRaw: false,
    whoColumns: 'off',
    repaint: 0,
  }));
}
