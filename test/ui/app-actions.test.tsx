/**
 * Console actions through a real backend on a fake terminal (real Ink): a hold's confirmation
 * says what, how many, what the filter hides and the command, and `y` moves the files; a large
 * delete asks for the word and n/Esc cancels without running; keys that come after `q` in the
 * same read act on nothing. (Split from app.test.tsx.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDirectBackend } from '../../src/actions/direct-backend.js';
import type { QueueBackend } from '../../src/domain/backend.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { keySequence, pressSequence } from '../../src/ui/keymap.js';
import { selectCursorEntry } from '../../src/store/selectors.js';
import { mountConsole, type Harness } from './harness.js';

/** Undone after each test, last first: the console unmounted, then its copy removed. */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
});

/** The console on a corpus copy of its own, acting through the direct backend; `runs`: each action it started. */
async function mountOnCopy(): Promise<{ h: Harness; spool: string; runs: Promise<unknown>[] }> {
  const work = copyCorpusSpool('basic');
  cleanups.push(() => work.cleanup());
  const direct = createDirectBackend({ config: resolveSpoolConfig({ spool: work.spool }) });
  const runs: Promise<unknown>[] = [];
  const backend: QueueBackend = {
    kind: direct.kind,
    disabledReason: direct.disabledReason,
    supports: (action) => direct.supports(action),
    describe: (action, targets) => direct.describe(action, targets),
    run: (action, targets, onProgress) => {
      const run = direct.run(action, targets, onProgress);
      runs.push(run);
      return run;
    },
  };
  const h = await mountConsole(work.spool, { backend });
  cleanups.push(() => h.unmount());
  return { h, spool: work.spool, runs };
}

describe('actions through a backend', () => {
  it('hold: confirmation says what, how many, hidden by filter and the command; y runs it', async () => {
    const { h, spool } = await mountOnCopy();
    await h.press('queue.deferred');
    await h.press('mark.toggle');
    await h.press('mark.toggle');
    await h.press('view.filter');
    await h.type('id:8A59A22C209');
    await h.press('filter.apply');
    const marked = [...h.store.getState().marks];
    await h.press('queue.hold');
    const s = h.screen();
    expect(s).toContain('Hold 2 messages');
    expect(s).toContain('2 marked');
    expect(s).toContain('2 of them hidden by the current view/filter');
    expect(s).toMatch(/runs: .*-h - deferred/);
    await h.press('confirm.yes');
    await waitForCondition(() => h.screen().includes('held 2 of 2'), 'held flash');
    for (const id of marked) expect(existsSync(join(spool, 'hold', id))).toBe(true);
  });

  it('a large delete asks for the word; n/Esc cancels without running', async () => {
    const { h } = await mountOnCopy();
    await h.press('queue.deferred');
    await h.press('mark.allMatching');
    await h.press('queue.delete');
    expect(h.screen()).toContain('Delete 22 messages');
    expect(h.screen()).toContain('type DELETE and Enter');
    await h.type('DELET');
    expect(h.screen()).toMatch(/type DELETE and Enter.*: DELET/);
    await h.press('confirm.yes'); // a letter of the word here, not a confirmation
    await h.type('\x1b');
    expect(h.store.getState().confirmation).toBeNull();
    expect(h.store.getState().entries.size).toBe(39);
  });

  // Typed one at a time they would reach what comes after this console (the fleet overview,
  // the shell); read with the q (a fast typist, a paste, ssh putting them in one packet) they
  // held the cursor's message. Also when Ink reads them as an event of their own (split at an
  // escape sequence), after the one with the q.
  for (const [what, after] of [['the same chunk', ''], ['a later event of the same read', keySequence('down')]] as const) {
    it(`q then H y in ${what}: nothing is held`, async () => {
      const { h, spool, runs } = await mountOnCopy();
      await h.press('queue.deferred');
      const ids = [...h.store.getState().entries.values()].filter((e) => e.queueName === 'deferred').map((e) => e.queueId);
      expect(selectCursorEntry(h.store.getState())?.queueName).toBe('deferred');
      // Asked for first: Ink 6 makes the promise when asked, and one asked after the exit never settles.
      const exited = h.instance.waitUntilExit();
      await h.type(`${pressSequence('app.quit')}${after}${pressSequence('queue.hold')}${pressSequence('confirm.yes')}`);
      // The keys of a read are handled together: by the console's exit, an action they asked
      // for has started (the code before ran the hold here); it is then awaited, not slept for.
      await exited;
      await Promise.all(runs);
      expect(runs).toHaveLength(0);
      expect(h.store.getState().confirmation).toBeNull();
      expect(ids.filter((id) => existsSync(join(spool, 'hold', id)))).toEqual([]);
    });
  }
});
