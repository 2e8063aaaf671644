/**
 * startConsole() (src/cli/console-command.ts) starts its feed before the first frame: the
 * watcher's read worker then loads while Ink lays the first frame out, not after it. The
 * frame itself is as before (the header and the empty list, then the rows the feed brings),
 * and a failure the feed reports before the console is up still ends it with that error. The
 * terminal is in raw mode before that first frame: keys typed at it are keys, not a line the
 * tty cooked.
 */
import { Console } from 'node:console';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReadOnlyBackend } from '../../src/actions/read-only-backend.js';
import { startConsole, watcherFeed, type StartConsoleOptions } from '../../src/cli/console-command.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { pressSequence } from '../../src/ui/keymap.js';
import type { ConsoleStore } from '../../src/store/console-state.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { createFakeTerminal, waitForScreen } from '../helpers/fake-terminal.js';

function options(term: ReturnType<typeof createFakeTerminal>, spool: string, feed: StartConsoleOptions['feed']): StartConsoleOptions {
  return {
    config: resolveSpoolConfig({ spool }),
    backend: createReadOnlyBackend(),
    theme: 'default',
    host: 'test',
    altScreen: false,
    env: { TERM: 'xterm-256color', HOME: '/nonexistent' },
    stdout: term.stdout as unknown as NodeJS.WriteStream,
    stdin: term.stdin as unknown as NodeJS.ReadStream,
    stderr: term.stderr as unknown as NodeJS.WriteStream,
    keepProcess: true,
    warmStart: false,
    feed,
  };
}

// Ink patches the console (patch-console), which needs console.Console: vitest's has none.
beforeAll(() => {
  const global = console as unknown as { Console?: typeof Console };
  const had = global.Console;
  global.Console ??= Console;
  return () => void (global.Console = had);
});

describe('the console start', () => {
  it('starts the feed before the first frame is written, and draws what it brings', async () => {
    process.env.TZ = 'UTC';
    const copy = copyCorpusSpool('basic');
    const term = createFakeTerminal(100, 24);
    let writesAtFeed = -1;
    let stopped = false;
    try {
      const exit = startConsole(options(term, copy.spool, (store, config, fail, gate) => {
        writesAtFeed = term.stdout.chunks.length;
        const stop = watcherFeed(store, config, fail, gate, false);
        return () => ((stopped = true), stop());
      }));
      // The corpus spool's messages, read by the watcher, on screen (a row starts with its queue id).
      await waitForScreen(term, /^> [0-9A-F]{6,}/m);
      expect(writesAtFeed).toBe(0);
      term.stdin.write(pressSequence('app.quit'));
      expect(await exit).toBe(0);
      expect(stopped).toBe(true);
    } finally {
      copy.cleanup();
    }
  }, 20_000);

  it('keys typed as the first frame shows are keys: the terminal is raw before it is drawn', async () => {
    process.env.TZ = 'UTC';
    const copy = copyCorpusSpool('basic');
    const term = createFakeTerminal(100, 24);
    term.stdin.cooked = true;
    // fleet-hostile.test.ts's keys, arriving while the first frame is being written: Ink turned
    // raw mode on only after it, so the tty cooked them (^U erased the `/`, CR became LF) and
    // the id went to the list as keys: `i` the LOGIN column, its last digit 1 the maildrop.
    const write = term.stdout.write;
    let typed = false;
    term.stdout.write = (chunk, ...rest) => {
      const out = write(chunk, ...rest);
      if (!typed && String(chunk).includes('QUEUE ID')) {
        typed = true;
        for (const key of [pressSequence('view.filter'), pressSequence('filter.clearLine'), 'id:0558022C217', pressSequence('filter.apply')]) term.stdin.write(key);
      }
      return out;
    };
    try {
      const store = { current: null as ConsoleStore | null };
      const exit = startConsole({ ...options(term, copy.spool, (s, config, fail, gate) => ((store.current = s), watcherFeed(s, config, fail, gate, false))), onExit: () => {} });
      await waitForScreen(term, /filter id:0558022C217/);
      await waitForScreen(term, /^> 0558022C217/m);
      expect(typed).toBe(true);
      expect(store.current!.getState().queueFilter).toBe('all');
      expect(term.screen.text()).not.toContain('LOGIN');
      term.stdin.write(pressSequence('app.quit'));
      expect(await exit).toBe(0);
    } finally {
      copy.cleanup();
    }
  }, 20_000);

  it('a failure the feed reports before the console is up ends it with that error', async () => {
    const copy = copyCorpusSpool('basic');
    const term = createFakeTerminal(100, 24);
    try {
      const exit = startConsole(options(term, copy.spool, (_store, _config, fail) => {
        fail(new Error('the spool went away'));
        return () => {};
      }));
      await expect(exit).rejects.toThrow('the spool went away');
    } finally {
      copy.cleanup();
    }
  }, 20_000);
});
