/**
 * Mount the console App on a fake terminal (real Ink, incremental rendering, raw bytes
 * recorded) with a store fed from a corpus spool copy, for layout, byte and key tests.
 */
import React from 'react';
import { render, type Instance } from 'ink';
import type { QueueBackend } from '../../src/domain/backend.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { loadTheme } from '../../src/config/theme-load.js';
import type { Theme } from '../../src/config/theme.js';
import type { ThemeSource } from '../../src/ui/theme-context.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import type { ConsoleStore } from '../../src/store/console-state.js';
import { createReadOnlyBackend } from '../../src/actions/read-only-backend.js';
import { scanQueues } from '../../src/watch/scan.js';
import { readMessageForPane } from '../../src/watch/read-message.js';
import { App } from '../../src/ui/app.js';
import type { LogTrails } from '../../src/logs/trail-service.js';
import { anchorFrames } from '../../src/ui/frame-anchor.js';
import { buildMessageDocument, type MessageReader } from '../../src/ui/message-document.js';
import { pressSequence } from '../../src/ui/keymap.js';
import { createUiStore, type UiStore } from '../../src/ui/ui-state.js';
import { dumpRecords } from '../../src/spool/record-dump.js';
import { createFakeTerminal, waitForCondition, type FakeTerminal } from '../helpers/fake-terminal.js';

export interface Harness {
  term: FakeTerminal;
  store: ConsoleStore;
  ui: UiStore;
  config: SpoolConfig;
  instance: Instance;
  /** Press a binding by id; resolves after the next frame was written (or nothing changed). */
  press(id: string): Promise<void>;
  /** Write raw keys (text for the filter line). */
  type(text: string): Promise<void>;
  screen(): string;
  unmount(): void;
}

export interface HarnessOptions {
  columns?: number;
  rows?: number;
  backend?: QueueBackend;
  theme?: Theme;
  /** A live theme (overrides `theme` once mounted): what the console's theme reload drives. */
  themeSource?: ThemeSource;
  /** Render without the frame-anchor fix (to show Ink's bug). */
  unanchored?: boolean;
  /** Epoch ms for the store clock. */
  now?: number;
  /** The App's flashMs (default 0 here: the flash stays, so tests can read it). */
  flashMs?: number;
  /** The pane's log reader (default none: the Log section says there is no log). */
  logTrails?: LogTrails;
  /** The pane's reader (default: the spool copy on disk). */
  readMessage?: MessageReader;
  /** Turn the scanned entries into the first batch (e.g. the merged fleet view's ID@TARGET rows). */
  firstBatch?: (entries: QueueEntry[]) => SpoolBatch;
}

/** Let Ink's microtask render and input handling run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

export async function mountConsole(spool: string, options: HarnessOptions = {}): Promise<Harness> {
  const config = resolveSpoolConfig({ spool });
  const backend = options.backend ?? createReadOnlyBackend();
  const now = options.now;
  const store = createConsoleStore({ backend, ...(now !== undefined ? { now: () => now } : {}) });
  const scanned = scanQueues(config, QUEUE_NAMES);
  store.getState().applySpoolBatch(options.firstBatch ? options.firstBatch(scanned) : { upserts: scanned, removals: [], full: true, firstEventAt: null });
  store.getState().setWatcherStatus({ mode: 'live' });
  const ui = createUiStore();
  const term = createFakeTerminal(options.columns ?? 80, options.rows ?? 24);
  const theme = options.theme ?? loadTheme({ name: 'default', env: { HOME: '/nonexistent' } });
  const instance = render(
    <App
      store={store}
      ui={ui}
      theme={theme}
      {...(options.themeSource ? { themeSource: options.themeSource } : {})}
      host="mx.test"
      spool={spool}
      loadMessage={(entry, view) => buildMessageDocument(entry, () => (options.readMessage ?? ((e) => readMessageForPane(config, e)))(entry), view, dumpRecords)}
      supports={(a) => backend.supports(a)}
      {...(options.logTrails ? { logTrails: options.logTrails } : {})}
      tickMs={0}
      flashMs={options.flashMs ?? 0}
    />,
    {
      stdout: options.unanchored ? (term.stdout as unknown as NodeJS.WriteStream) : anchorFrames(term.stdout as unknown as NodeJS.WriteStream).stream,
      stdin: term.stdin as unknown as NodeJS.ReadStream,
      stderr: term.stderr as unknown as NodeJS.WriteStream,
      incrementalRendering: true,
      maxFps: 1000,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await waitForCondition(() => term.screen.text().includes('QUEUE ID') || term.screen.text().includes('too small'), 'first frame');
  const typeRaw = async (text: string) => {
    term.stdin.write(text);
    await settle();
    // A lone ESC is held by Ink's parser until the next macrotask.
    await new Promise((r) => setTimeout(r, 2));
    await settle();
  };
  return {
    term,
    store,
    ui,
    config,
    instance,
    press: (id) => typeRaw(pressSequence(id)),
    type: typeRaw,
    screen: () => term.screen.text(),
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}
