/**
 * The console screen: header, crumbs, the list or an overlay (help, message pane, qshape,
 * confirmation), flash and hints. Always exactly rows-1 lines (layout.ts), re-laid out on
 * resize. One input handler (key-handler.ts); state lives in the console store and the
 * small UI store; this file only wires them to components.
 */
import React, { memo, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { useStore } from 'zustand';
import type { ActionName } from '../domain/backend.js';
import type { Theme } from '../config/theme.js';
import type { ConsoleState, ConsoleStore, Flash } from '../store/console-state.js';
import { selectCounts, selectCursorEntry, selectMarkedHidden, selectWindow } from '../store/selectors.js';
import { selectHealth } from '../store/health.js';
import { selectTrends } from '../store/trends.js';
import { selectLevels } from '../store/thresholds.js';
import { layoutColumns } from './columns.js';
import { hostColumnWidth, idColumnWidth } from './id-width.js';
import { computeLayout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { handleKeys } from './key-handler.js';
import { currentMode } from './key-mode.js';
import { keyNamesOf, type BindingContext } from './keymap.js';
import type { MessageLoader } from './message-document.js';
import type { LogTrails } from '../logs/trail-service.js';
import { buildLogDocument } from './log-document.js';
import { createThemeSource, ThemeContext, type ThemeSource } from './theme-context.js';
import { createUiStore, type UiStore } from './ui-state.js';
import { useTerminalSize } from './use-terminal-size.js';
import { Header } from './components/header.js';
import { Crumbs, searchFlash } from './components/crumbs.js';
import { QueueList } from './components/queue-list.js';
import { BottomLines, type HintSet } from './components/bottom-lines.js';
import { HelpView, helpPageCount } from './components/help-view.js';
import { ConfirmView } from './components/confirm-view.js';
import { MessagePane } from './components/message-pane.js';
import { ShapeView } from './components/shape-view.js';
import { currentShape } from './shape-query.js';
import { GroupsView } from './components/groups-view.js';
import { currentGroups } from './groups-query.js';
import { osc52 } from './clipboard.js';
import { DetailLine } from './components/detail-line.js';
import { MonitorView } from './components/monitor-view.js';
import { selectTopReasons } from '../store/groupings.js';
import { QUEUE_NAMES } from '../domain/queue.js';
import { usePanePending } from './use-pane-pending.js';

/** The monitor's reasons: every queue but corrupt, as the why view reads all queues. */
const REASON_QUEUES = QUEUE_NAMES.filter((q) => q !== 'corrupt');

export interface AppProps {
  store: ConsoleStore;
  theme: Theme;
  /** The live theme (reloaded when its file changes); `theme` is then only the first one. */
  themeSource?: ThemeSource;
  host: string;
  spool: string;
  loadMessage: MessageLoader;
  /** Finds and follows a message's log trail for the pane's Log section (absent: no log). */
  logTrails?: LogTrails;
  supports: (action: ActionName) => boolean;
  /** Called when the user quits (after Ink exits). */
  onQuit?: () => void;
  ui?: UiStore;
  /** Called on every key press (the batch gate holds watcher batches back while typing). */
  onKey?: () => void;
  /** Refresh the store's clock (ages) this often; 0 turns it off. Minutes: no ticking clock. */
  tickMs?: number;
  /** Clear the flash line after this long (errors: twice); 0 keeps it. Default 8 s. */
  flashMs?: number;
  /** --no-audit: actions are not written to the audit log (the header says so). */
  auditOff?: boolean;
}

/** Erase the whole screen (and scrollback-free home): ctrl-l. */
const CLEAR_SCREEN = '\x1b[2J\x1b[H';

const LIST_HINTS: HintSet = [['?', 'help'], ['/', 'filter'], ['Space', 'mark'], ['Enter', 'open'], ['H', 'hold'], ['L', 'release'], ['R', 'requeue'], ['D', 'delete'], ['q', 'quit']];

function hintsFor(mode: string, readOnly: boolean, requireWord: string | null): HintSet {
  if (mode === 'filter') return [['Enter', 'keep'], ['Esc', 'cancel'], ['from: to: domain: reason: queue: age> size> /re/ !', '']];
  if (mode === 'pane') return [['j/k', 'scroll'], ['Space', 'page'], ['/', 'search'], ['n N', 'next/prev'], ['w', 'wrap'], ['r', 'records'], ['l', 'log'], ['Esc', 'close']];
  if (mode === 'search') return [['Enter', 'find'], ['Esc', 'cancel']];
  if (mode === 'help') return [['j/k', 'scroll'], ['Esc', 'close']];
  if (mode === 'shape') return [['j/k', 'domain'], ['Enter', 'messages'], ['s', 'sender/recipient'], ['0-6', 'queue'], ['Esc', 'back']];
  if (mode === 'monitor') return [['m Esc', 'full console'], ['0-6 / Enter r t', 'go there'], ['q', 'quit']];
  if (mode === 'groups') return [['j/k', 'group'], ['Enter', 'messages'], ['b', 'by'], ['s', 'sort'], ['x', 'raw'], ['H R D', 'group'], ['Esc', 'back']];
  if (mode === 'confirm') return requireWord ? [[`type ${requireWord} Enter`, 'confirm'], ['Esc', 'cancel']] : [['y', 'confirm'], ['n Esc', 'cancel']];
  // Read-only: the action keys do nothing, so they are not offered (help says why).
  return readOnly ? LIST_HINTS.filter(([k]) => !'HLRD'.includes(k)) : LIST_HINTS;
}

/**
 * What the flash line says when no flash is up: why the view is degraded (polling because...,
 * the spool unreadable) or why actions are off, so the screen never looks healthy when not.
 */
function standingNote(watcher: ConsoleState['watcher'], readOnlyReason: string | null): Flash | null {
  if (watcher.mode !== 'live' && watcher.mode !== 'starting' && watcher.message) {
    return { text: watcher.message, level: watcher.mode === 'error' || watcher.mode === 'gone' ? 'error' : 'warn', at: 0 };
  }
  if (watcher.message) return { text: watcher.message, level: 'warn', at: 0 };
  if (readOnlyReason) return { text: readOnlyReason, level: 'info', at: 0 };
  return null;
}

// Memoised: a cursor move re-renders the two rows that changed, not the header and hints.
const HeaderM = memo(Header);
const CrumbsM = memo(Crumbs);
const DetailM = memo(DetailLine);
const BottomM = memo(BottomLines);

export function App(props: AppProps): React.ReactElement {
  const { store } = props;
  const themeSource = useMemo(() => props.themeSource ?? createThemeSource(props.theme), [props.themeSource, props.theme]);
  const theme = useSyncExternalStore(themeSource.subscribe, themeSource.get);
  const ui = useMemo(() => props.ui ?? createUiStore(), [props.ui]);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize();
  const monitorOn = useStore(ui, (u) => u.overlay === 'monitor');
  const layout = computeLayout(columns, rows, monitorOn);
  const width = columns;

  const state = useStore(store, (s) => s);
  const uiState = useStore(ui, (s) => s);
  const window = useStore(store, (s) => selectWindow(s, layout.listHeight));
  const counts = useStore(store, selectCounts);
  const markedHidden = useStore(store, selectMarkedHidden);
  const health = useStore(store, selectHealth);
  const trends = useStore(store, selectTrends);
  const levels = useStore(store, selectLevels);
  const idWidth = useStore(store, (s) => idColumnWidth(s.entries, s.lastChange));
  const hostWidth = useStore(store, (s) => hostColumnWidth(s.entries, s.lastChange));
  const colLayout = useMemo(() => layoutColumns(width, idWidth, uiState.whoColumns, hostWidth), [width, idWidth, uiState.whoColumns, hostWidth]);
  const ctx: BindingContext = { actionsDisabled: state.readOnlyReason, supports: props.supports };
  const mode = currentMode(store, ui);
  const readOnly = state.readOnlyReason !== null;
  const requireWord = state.confirmation?.requireWord ?? null;
  const hints = useMemo(() => hintsFor(mode, readOnly, requireWord), [mode, readOnly, requireWord]);
  const note = useMemo(() => standingNote(state.watcher, state.readOnlyReason), [state.watcher, state.readOnlyReason]);
  // Built when the trail or the clock changes, not on every watcher batch.
  const logDoc = useMemo(() => (uiState.log ? buildLogDocument(uiState.log, state.clock) : null), [uiState.log, state.clock]);

  useEffect(() => {
    if (store.getState().viewportHeight !== layout.listHeight) store.getState().setViewportHeight(layout.listHeight);
  }, [layout.listHeight, store]);
  useEffect(() => {
    const ms = props.tickMs ?? 60_000;
    if (!ms) return;
    const timer = setInterval(() => store.getState().tick(), ms);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [store, props.tickMs]);
  // ctrl-l: clear the terminal (stray output, a `wall` message) and write the whole frame
  // again; Ink's write() forgets its last frame, so every line is sent, not just changes.
  const { write, stdout } = useStdout();
  useEffect(() => {
    if (uiState.repaint > 0) write(CLEAR_SCREEN);
  }, [uiState.repaint, write]);
  // The flash line is news: it goes after a while (errors stay twice as long), and when a
  // confirmation opens (it would read as that action's result).
  useEffect(() => {
    const flash = state.flash;
    const ms = props.flashMs ?? 8000;
    if (!flash || !ms) return;
    const timer = setTimeout(() => {
      if (store.getState().flash === flash) store.getState().clearFlash();
    }, flash.level === 'error' ? ms * 2 : ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  }, [state.flash, props.flashMs, store]);
  useEffect(() => {
    if (state.confirmation && store.getState().flash) store.getState().clearFlash();
  }, [state.confirmation, store]);
  // The open message follows its file: a move (held, released) reloads it from its new place
  // and says so; a file that left every queue keeps what was shown and says it left.
  const paneId = uiState.overlay === 'pane' ? uiState.pane?.queueId ?? null : null;
  const paneEntry = useStore(store, (s) => (paneId === null ? null : s.entries.get(paneId) ?? null));
  useEffect(() => {
    const u = ui.getState();
    if (paneId === null || !u.pane || u.pane.queueId !== paneId) return;
    if (!paneEntry) {
      if (!u.paneNote?.startsWith('left')) ui.setState({ paneNote: 'left the queue (delivered, deleted or expired)' });
      return;
    }
    if (paneEntry.queueName !== u.paneQueue) {
      ui.setState({ pane: props.loadMessage(paneEntry, u.pane.view), paneQueue: paneEntry.queueName, paneNote: `moved to ${paneEntry.queueName}` });
    } else if (u.paneNote?.startsWith('left')) {
      // Seen gone, then back where it was (a rename seen in two steps): nothing happened.
      ui.setState({ paneNote: null });
    }
  }, [paneId, paneEntry, ui, props.loadMessage]);
  usePanePending(ui, store, props.loadMessage, uiState.pane);

  // The Log section's search and tail: one at a time, cancelled when the pane closes or
  // another trail opens, and when the console goes away.
  const closeLogRef = useRef<(() => void) | null>(null);
  const closeLog = () => {
    closeLogRef.current?.();
    closeLogRef.current = null;
  };
  const openLog = (queueId: string) => {
    closeLog();
    if (!props.logTrails) {
      ui.setState({ log: { queueId, phase: 'unavailable', bytesDone: 0, bytesTotal: 0, sources: 'no log reader in this console', problems: [], trail: { transactions: [], links: [] } } });
      return;
    }
    let mine = true;
    const cancel = props.logTrails.open(queueId, (state) => {
      if (mine) ui.setState({ log: state });
    });
    closeLogRef.current = () => {
      mine = false;
      cancel();
    };
  };
  useEffect(() => () => closeLog(), []);

  useInput(
    (input, key) => {
      props.onKey?.();
      const deps = {
        openLog,
        closeLog,
        store, ui, loadMessage: props.loadMessage,
        bodyHeight: () => computeLayout(columns, rows).bodyHeight,
        columns: () => columns,
        helpPages: () => helpPageCount(ctx, columns, computeLayout(columns, rows).bodyHeight),
        quit: () => { exit(); props.onQuit?.(); },
        // Between frames and without moving the cursor: no repaint needed.
        copy: (text: string) => void stdout.write(osc52(text)),
      };
      // A paste in the filter line arrives as one string: keep it whole (spaces included), parse it once.
      handleKeys(keyNamesOf(input, key), deps);
    },
    { isActive: isRawModeSupported === true },
  );

  if (layout.tooSmall) {
    return <Text>{`too small: ${columns}x${rows}, needs ${MIN_COLUMNS}x${MIN_ROWS}`.slice(0, Math.max(1, columns - 1))}</Text>;
  }
  const now = state.clock / 1000;
  let body: React.ReactElement;
  if (state.confirmation) {
    body = <ConfirmView confirmation={state.confirmation} typed={uiState.typed} running={false} width={width} height={layout.bodyHeight} />;
  } else if (uiState.overlay === 'help') {
    body = <HelpView ctx={ctx} width={width} height={layout.bodyHeight} offset={uiState.helpOffset} />;
  } else if (uiState.overlay === 'pane' && logDoc) {
    body = <MessagePane doc={logDoc} offset={uiState.paneOffset} width={width} height={layout.bodyHeight} />;
  } else if (uiState.overlay === 'pane' && uiState.pane) {
    body = (
      <MessagePane doc={uiState.pane} offset={uiState.paneOffset} width={width} height={layout.bodyHeight}
        wrap={uiState.paneWrap} matchLine={uiState.paneMatch} search={uiState.paneSearch} note={uiState.paneNote} />
    );
  } else if (uiState.overlay === 'groups') {
    const { rows: groupRows, title } = currentGroups(state, uiState);
    body = <GroupsView rows={groupRows} title={title} width={width} height={layout.bodyHeight} cursor={uiState.groupsCursor} raw={uiState.groupsRaw} now={now} />;
  } else if (uiState.overlay === 'monitor') {
    body = <MonitorView trends={trends} reasons={selectTopReasons(state, REASON_QUEUES)} width={width} height={layout.bodyHeight} levels={levels} />;
  } else if (uiState.overlay === 'shape') {
    const { shape, title } = currentShape(state, uiState.shapeBy);
    body = <ShapeView shape={shape} title={title} width={width} height={layout.bodyHeight} cursor={uiState.shapeCursor} />;
  } else {
    const emptyText = state.entries.size > 0 ? 'no messages match this view (0-6 queue, Esc clears the filter)'
      : state.watcher.mode !== 'live' && state.watcher.message ? state.watcher.message : state.watcher.mode === 'live' ? 'no messages in the spool' : 'reading the spool…';
    body = <QueueList window={window} layout={colLayout} height={layout.listHeight} now={now} emptyText={emptyText} thresholds={state.thresholds} />;
  }
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={width} height={layout.frameHeight} overflowY="hidden">
        <HeaderM host={props.host} spool={props.spool} counts={counts} watcher={state.watcher} paused={state.paused}
          readOnly={state.readOnlyReason !== null} readOnlyReason={state.readOnlyReason} now={now} width={width} compact={layout.compact}
          health={health} activeLimit={state.limits.activeLimit} levels={levels} trends={trends} auditOff={!!props.auditOff} />
        {layout.crumbLines === 0 ? null : <CrumbsM queueFilter={state.queueFilter} shown={window.total} total={state.queueFilter === 'all' ? counts.total.count : counts.queues[state.queueFilter].count} filterText={state.filterText}
          draft={uiState.draft} filterError={state.filterError} marked={state.marks.size} markedHidden={markedHidden}
          sortKey={state.sortKey} sortReverse={state.sortReverse} width={width} search={state.contentSearch} />}
        {body}
        {layout.detailLines > 0 ? <DetailM entry={selectCursorEntry(state)} now={now} width={width} /> : null}
        <BottomM flash={state.flash ?? (layout.crumbLines === 0 ? searchFlash(state.contentSearch, state.filter.text) : null)} note={note} hints={hints} width={width} compact={layout.bottomLines === 1} />
      </Box>
    </ThemeContext.Provider>
  );
}

