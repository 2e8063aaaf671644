/**
 * startConsole() (src/cli/console-command.ts) starts its feed before the first frame, and
 * with the spool watcher's feed draws that frame once the watcher's listing is in (the
 * watcher's read worker loads meanwhile, and then reads while Ink lays the first frame out);
 * a feed whose listing never comes still gets its console (LISTING_WAIT_MS). The rows are
 * what the feed brings, and a failure the feed reports before the console is up still ends
 * it with that error. The terminal is in raw mode before that first frame: keys typed at it
 * are keys, not a line the tty cooked.
 */
import { Console } from 'node:console';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReadOnlyBackend } from '../../src/actions/read-only-backend.js';
import { startConsole, type StartConsoleOptions } from '../../src/cli/console-command.js';
import { watcherFeed } from '../../src/cli/watcher-feed.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { pressSequence } from '../../src/ui/keymap.js';
import type { ConsoleStore } from '../../src/store/console-state.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { createFakeTerminal, waitForScreen, type FakeTerminal } from '../helpers/fake-terminal.js';

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
// The screen's modules loaded first, as in the bundle, where importing them takes no I/O (no
// turn of the event loop that the order of the start would not give itself).
beforeAll(async () => {
  await import('../../src/cli/console-screen.js');
  const global = console as unknown as { Console?: typeof Console };
  const had = global.Console;
  global.Console ??= Console;
  return () => void (global.Console = had);
});

/**
 * The console on a copy of the basic corpus with the feed `make` gives (on a cooked tty with
 * `cooked`): `until` the screen shows it (default: its rows), then `q` (exit 0).
 */
async function drawAndQuit(make: (term: FakeTerminal) => StartConsoleOptions['feed'], { cooked = false, until = rowsDrawn }: { cooked?: boolean; until?: (term: FakeTerminal) => Promise<unknown> } = {}): Promise<void> {
  const copy = copyCorpusSpool('basic');
  const term = createFakeTerminal(100, 24);
  term.stdin.cooked = cooked;
  try {
    const exit = startConsole(options(term, copy.spool, make(term)));
    await until(term);
    term.stdin.write(pressSequence('app.quit'));
    expect(await exit).toBe(0);
  } finally {
    copy.cleanup();
  }
}

/** The corpus spool's messages, read by the watcher, on screen (a row starts with its queue id). */
const rowsDrawn = (term: FakeTerminal) => waitForScreen(term, /^> [0-9A-F]{6,}/m);

/**
 * fleet-hostile.test.ts's keys: `/`, ^U, an id filter, Enter. Cooked by the tty, the ^U erased
 * the `/` and the id went to the list as keys (`i` the LOGIN column, its last digit 1 the maildrop).
 */
function typeFilter(term: FakeTerminal): void {
  for (const key of [pressSequence('view.filter'), pressSequence('filter.clearLine'), 'id:0558022C217', pressSequence('filter.apply')]) term.stdin.write(key);
}

/** The filter typeFilter() typed is applied, and none of its text was taken as list keys. */
async function filterApplied(term: FakeTerminal): Promise<void> {
  await waitForScreen(term, /filter id:0558022C217/);
  await waitForScreen(term, /^> 0558022C217/m);
  expect(term.screen.text()).not.toContain('LOGIN');
}

describe('the console start', () => {
  it('starts the feed before the first frame is written, and draws what it brings', async () => {
    process.env.TZ = 'UTC';
    let writesAtFeed = -1;
    let stopped = false;
    await drawAndQuit((term) => (store, config, fail, gate) => {
      writesAtFeed = term.stdout.chunks.length;
      const fed = watcherFeed(store, config, fail, gate, false);
      return { ...fed, stop: () => ((stopped = true), fed.stop()) };
    });
    expect(writesAtFeed).toBe(0);
    expect(stopped).toBe(true);
  }, 20_000);

  it('with the watcher feed, the first frame comes after the listing is in the gate', async () => {
    let writesAtListing = -1;
    await drawAndQuit((term) => (store, config, fail, gate) => {
      const push = (batch: SpoolBatch) => {
        if (batch.listedCounts && writesAtListing < 0) writesAtListing = term.stdout.chunks.length;
        gate.push(batch);
      };
      return watcherFeed(store, config, fail, { ...gate, push }, false);
    });
    expect(writesAtListing).toBe(0);
  }, 20_000);

  it('the event loop turns once between the listing and the first frame (the read worker is refilled before it)', async () => {
    let writesAtTurn = -1;
    await drawAndQuit((term) => (store, config, fail, gate) => {
      const fed = watcherFeed(store, config, fail, gate, false);
      // Queued as the listing is in: an immediate runs before any later one, and before the
      // frame only if the console gives the loop a turn first.
      const listed = fed.listed.then(() => void setImmediate(() => (writesAtTurn = term.stdout.chunks.length)));
      return { stop: fed.stop, listed };
    });
    expect(writesAtTurn).toBe(0);
  }, 20_000);

  it('a feed whose listing never comes still gets its console', async () => {
    await drawAndQuit(() => (store, config, fail, gate) => ({ stop: watcherFeed(store, config, fail, gate, false).stop, listed: new Promise<void>(() => {}) }));
  }, 20_000);

  it('keys typed as the first frame shows are keys: the terminal is raw before it is drawn', async () => {
    process.env.TZ = 'UTC';
    // fleet-hostile.test.ts's keys, arriving while the first frame is being written: Ink turned
    // raw mode on only after it, so the tty cooked them (^U erased the `/`, CR became LF) and
    // the id went to the list as keys: `i` the LOGIN column, its last digit 1 the maildrop.
    let typed = false;
    const store = { current: null as ConsoleStore | null };
    await drawAndQuit((term) => {
      const write = term.stdout.write;
      term.stdout.write = (chunk, ...rest) => {
        const out = write(chunk, ...rest);
        if (!typed && String(chunk).includes('QUEUE ID')) {
          typed = true;
          typeFilter(term);
        }
        return out;
      };
      return (s, config, fail, gate) => ((store.current = s), watcherFeed(s, config, fail, gate, false));
    }, { cooked: true, until: filterApplied });
    expect(typed).toBe(true);
    expect(store.current!.getState().queueFilter).toBe('all');
  }, 20_000);

  it('keys typed while the console starts, before its first frame, are keys: the terminal is raw from the start', async () => {
    process.env.TZ = 'UTC';
    let writesWhenTyped = -1;
    await drawAndQuit((term) => (store, config, fail, gate) => {
      const fed = watcherFeed(store, config, fail, gate, false);
      // Typed while the console waits for the listing: nothing drawn yet.
      const typeAhead = () => {
        writesWhenTyped = term.stdout.chunks.length;
        typeFilter(term);
      };
      return { stop: fed.stop, listed: fed.listed.then(typeAhead) };
    }, { cooked: true, until: filterApplied });
    expect(writesWhenTyped).toBe(0);
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
