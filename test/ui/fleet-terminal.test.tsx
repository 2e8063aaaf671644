/**
 * The fleet console's terminal: raw before the overview's first frame, and held raw from the
 * overview to the console it opens (holdRawMode, as runFleetConsole wires them), so keys typed
 * at the first frame or ahead of the console are keys, not a line the tty cooked: on a tty
 * out of raw mode Enter is LF (which the overview does not take for Enter) and ^U erases the
 * line (the `/` before a filter), the rest going to the list as keys. The overview takes the
 * keys of one read one by one (it ignored a read of more than one key).
 */
import { Console } from 'node:console';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReadOnlyBackend } from '../../src/actions/read-only-backend.js';
import { startConsole } from '../../src/cli/console-command.js';
import { watcherFeed } from '../../src/cli/watcher-feed.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { loadTheme } from '../../src/config/theme-load.js';
import { createConnection } from '../../src/remote/connection.js';
import { parseTarget } from '../../src/remote/target.js';
import type { ConsoleStore } from '../../src/store/console-state.js';
import { keySequence, pressSequence } from '../../src/ui/keymap.js';
import { holdRawMode } from '../../src/ui/raw-hold.js';
import { showFleetOverview } from '../../src/ui/render-fleet.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { createFakeTerminal, waitForScreen, type FakeTerminal } from '../helpers/fake-terminal.js';

// Ink patches the console (patch-console), which needs console.Console: vitest's has none.
beforeAll(() => {
  const global = console as unknown as { Console?: typeof Console };
  const had = global.Console;
  global.Console ??= Console;
  return () => void (global.Console = had);
});

const theme = loadTheme({ name: 'default', env: { HOME: '/nonexistent' } });
// Never started: the overview shows it connecting; no process, no link. Each its own label,
// as the fleet's plan requires (a label given twice is a usage error there, and React's key).
const target = (command = 'env') => createConnection({ target: parseTarget(`exec:${command}`), context: { ssh: ['ssh'], self: ['node'], remotePostq: null }, serveArgs: [], version: '0' });

function cookedTerminal(): FakeTerminal {
  const term = createFakeTerminal(100, 24);
  term.stdin.cooked = true;
  return term;
}

/** Write `keys` (one write each) as soon as a frame with `text` is being written. */
function typeAt(term: FakeTerminal, text: string, keys: string[]): () => boolean {
  const write = term.stdout.write;
  let typed = false;
  term.stdout.write = (chunk, ...rest) => {
    const out = write(chunk, ...rest);
    if (!typed && String(chunk).includes(text)) {
      typed = true;
      for (const key of keys) term.stdin.write(key);
    }
    return out;
  };
  return () => typed;
}

const FILTER_KEYS = [pressSequence('view.filter'), pressSequence('filter.clearLine'), 'id:0558022C217', pressSequence('filter.apply')];

describe('the fleet console and its terminal', () => {
  it('Enter pressed at the overview\'s first frame opens the target: the terminal is raw before it is drawn', async () => {
    const term = cookedTerminal();
    const typed = typeAt(term, 'postq fleet', ['\r']);
    const stdout = term.stdout as unknown as NodeJS.WriteStream;
    const stdin = term.stdin as unknown as NodeJS.ReadStream;
    const choice = await Promise.race([showFleetOverview([target()], 0, theme, stdout, stdin), new Promise((r) => setTimeout(() => r('no choice in 3 s'), 3000))]);
    expect(typed()).toBe(true);
    expect(choice).toEqual({ kind: 'open', index: 0 });
  });

  it('the overview takes the keys of one read one by one', async () => {
    const term = createFakeTerminal(100, 24);
    const stdout = term.stdout as unknown as NodeJS.WriteStream;
    const stdin = term.stdin as unknown as NodeJS.ReadStream;
    const three = () => [target('env'), target('env -i'), target('true')];
    // A read of plain keys, and one Ink splits into events at its escape sequences.
    for (const [keys, index] of [['j\r', 1], [`${keySequence('down')}${keySequence('down')}\r`, 2], ['jjk\r', 1]] as const) {
      const picked = showFleetOverview(three(), 0, theme, stdout, stdin);
      await waitForScreen(term, /postq fleet/);
      term.stdin.write(keys);
      const choice = await Promise.race([picked, new Promise((r) => setTimeout(() => r('no choice in 3 s'), 3000))]);
      expect(choice, JSON.stringify(keys)).toEqual({ kind: 'open', index });
    }
  });

  it('keys typed after Enter on the overview, before the console is drawn, reach the console as keys', async () => {
    process.env.TZ = 'UTC';
    const copy = copyCorpusSpool('basic');
    const term = cookedTerminal();
    const hold = holdRawMode(term.stdin as unknown as NodeJS.ReadStream);
    try {
      const stdout = term.stdout as unknown as NodeJS.WriteStream;
      const picked = showFleetOverview([target()], 0, theme, stdout, hold.stdin);
      await waitForScreen(term, /postq fleet/);
      term.stdin.write('\r');
      expect(await picked).toEqual({ kind: 'open', index: 0 });
      // Ink has left the terminal; what is typed now waits for the console.
      for (const key of FILTER_KEYS) term.stdin.write(key);
      const store = { current: null as ConsoleStore | null };
      const exit = startConsole({
        config: resolveSpoolConfig({ spool: copy.spool }), backend: createReadOnlyBackend(), theme, host: 'test', altScreen: false, keepProcess: true,
        env: { TERM: 'xterm-256color', HOME: '/nonexistent' }, stdout, stdin: hold.stdin, stderr: term.stderr as unknown as NodeJS.WriteStream,
        feed: (s, config, fail, gate) => ((store.current = s), watcherFeed(s, config, fail, gate, false)),
      });
      await waitForScreen(term, /^> 0558022C217/m);
      expect(store.current!.getState().filterText).toBe('id:0558022C217');
      expect(store.current!.getState().queueFilter).toBe('all');
      expect(term.screen.text()).not.toContain('LOGIN');
      term.stdin.write(pressSequence('app.quit'));
      expect(await exit).toBe(0);
      expect(term.stdin.rawMode).toBe(true);
    } finally {
      hold.release();
      copy.cleanup();
    }
    expect(term.stdin.rawMode).toBe(false);
  }, 20_000);
});
