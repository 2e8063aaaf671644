/**
 * The console's screen-local state (which overlay is open, the filter being typed, the word
 * typed into a confirmation, scroll offsets): a small zustand store beside the console
 * store, so the key handler reads current values without stale React closures.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MessageDocument } from './message-document.js';

export type Overlay = 'none' | 'help' | 'pane' | 'shape';

export interface UiState {
  overlay: Overlay;
  /** The filter text being edited after `/`, or null. */
  draft: string | null;
  /** The filter before editing began (Esc restores it). */
  draftBefore: string;
  /** Letters typed into a type-to-confirm dialog. */
  typed: string;
  pane: MessageDocument | null;
  paneOffset: number;
  helpOffset: number;
  shapeBy: 'recipient' | 'sender';
  /** The qshape view's cursor: an index into its domain rows. */
  shapeCursor: number;
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
    paneOffset: 0,
    helpOffset: 0,
    shapeBy: 'recipient',
    shapeCursor: 0,
    repaint: 0,
  }));
}
