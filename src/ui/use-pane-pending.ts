/**
 * A pane whose message is still on its way (a fleet target's link: MessageDocument.pending)
 * loads it again once the answer is in, if the pane still shows that document (not closed,
 * not another message meanwhile). The reader then has the bytes (or the error) at hand.
 */
import { useEffect } from 'react';
import type { ConsoleStore } from '../store/console-state.js';
import type { MessageDocument, MessageLoader } from './message-document.js';
import type { UiStore } from './ui-state.js';

export function usePanePending(ui: UiStore, store: ConsoleStore, loadMessage: MessageLoader, pane: MessageDocument | null): void {
  useEffect(() => {
    if (!pane?.pending) return;
    let live = true;
    const reload = () => {
      if (!live || ui.getState().pane !== pane) return;
      const entry = store.getState().entries.get(pane.queueId);
      if (entry) ui.setState({ pane: loadMessage(entry, pane.view) });
    };
    pane.pending.then(reload, reload);
    return () => {
      live = false;
    };
  }, [pane, ui, store, loadMessage]);
}
