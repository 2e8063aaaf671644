/**
 * The console's screen: Ink, React and the whole UI, mounted on the terminal. startConsole()
 * (console-command.ts) imports this module only once its feed has started, so that the
 * watcher lists the spool and its read worker loads while these modules are loaded and
 * compiled, instead of after (at 100k messages the console's watcher started some 60 ms later
 * than the watcher alone, and its worker then waited for the listing through the first frame).
 */
import type { BatchGate } from '../ui/batch-gate.js';
import { shareInkOutputCaches } from '../ui/ink-output-cache.js';
import { inkTextCacheSize } from '../ui/ink-text-cache.js';
import { renderConsole, type RenderConsoleOptions } from '../ui/render-console.js';
import { createThemeSource, type ThemeSource } from '../ui/theme-context.js';
import { startDebugStats, type DebugStats } from './debug-stats.js';

export interface ConsoleScreenOptions extends Omit<RenderConsoleOptions, 'app'> {
  app: Omit<RenderConsoleOptions['app'], 'themeSource' | 'onKey'>;
  gate: BatchGate;
  env: NodeJS.ProcessEnv;
}

export interface ConsoleScreen {
  running: ReturnType<typeof renderConsole>;
  themeSource: ThemeSource;
  debug: DebugStats | null;
}

export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function showConsoleScreen(options: ConsoleScreenOptions): Promise<ConsoleScreen> {
  const { app, gate, env, ...streams } = options;
  // Half the CPU of a frame: Ink's per-frame caches kept across frames (ink-output-cache.ts).
  const inkOutputCaches = await shareInkOutputCaches();
  const themeSource = createThemeSource(app.theme);
  // POSTQ_DEBUG_STATS: the soak harness's view of the process (off by default).
  const debug = startDebugStats(env, streams.stdout, () => app.store.getState().entries.size, { inkOutputCaches }, () => ({ inkTextCache: inkTextCacheSize() }));
  const onKey = debug ? () => (debug.noteKey(), gate.noteKey()) : gate.noteKey;
  // The first frame is one synchronous stretch (React's first mount, yoga, the first string
  // widths: 60-180 ms at 100k messages): a turn of the event loop first files the read
  // worker's answers and hands it new slices, so that it reads through the frame (it holds
  // four slices, ~50 ms) instead of idling at its end.
  await nextTurn();
  const running = renderConsole({ ...streams, app: { ...app, themeSource, onKey } });
  return { running, themeSource, debug };
}
