/**
 * The watcher's status reaches the screen: why it polls, why the list is empty, and a view
 * from `postqueue -j` that is truly read-only ([RO: postqueue -j], no action keys). The status
 * goes through the console's own wiring (applyWatchStatus) into the real App.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyWatchStatus, watcherFeed } from '../../src/cli/watcher-feed.js';
import { createDirectBackend } from '../../src/actions/direct-backend.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole, type Harness } from './harness.js';

const open: Array<Harness | CorpusCopy | string> = [];
afterEach(() => {
  for (const x of open.splice(0)) {
    if (typeof x === 'string') rmSync(x, { recursive: true, force: true });
    else if ('unmount' in x) x.unmount();
    else x.cleanup();
  }
});

describe('what the watcher says is on screen', () => {
  it('the postqueue -j fallback: [RO: postqueue -j], the reason shown, no action runs', async () => {
    const copy = copyCorpusSpool('basic');
    open.push(copy);
    const config = resolveSpoolConfig({ spool: copy.spool });
    const h = await mountConsole(copy.spool, { columns: 120, rows: 24, backend: createDirectBackend({ config }) });
    open.push(h);
    expect(h.screen()).toContain('H hold');
    applyWatchStatus(h.store, {
      mode: 'polling',
      message: 'permission denied reading /var/spool/postfix/deferred. Showing `postqueue -j` instead, read-only, refreshed every few seconds.',
      readOnly: 'postqueue -j: the spool is not readable here, so actions are off (run as root to change the queue)',
    });
    await waitForCondition(() => h.screen().includes('[RO: postqueue -j]'), '[RO: postqueue -j]');
    expect(h.screen()).toContain('◌ polling');
    expect(h.screen()).toContain('Showing `postqueue -j` instead');
    expect(h.screen()).not.toContain('H hold');
    await h.press('queue.hold');
    expect(h.store.getState().confirmation).toBeNull();
    expect(h.store.getState().flash?.text).toMatch(/^hold is disabled: postqueue -j: /);
  });

  it('polling because of the inotify limit says so on the flash line', async () => {
    const copy = copyCorpusSpool('basic');
    open.push(copy);
    const h = await mountConsole(copy.spool, { columns: 120, rows: 24 });
    open.push(h);
    applyWatchStatus(h.store, { mode: 'polling', message: 'inotify watch limit reached (ENOSPC; raise fs.inotify.max_user_watches): rescanning the spool every few seconds instead of watching it' });
    await waitForCondition(() => h.screen().includes('inotify watch limit reached'), 'the inotify message');
  });

  it('an unreadable spool is not "no messages in the spool"', async () => {
    const spool = mkdtempSync(join(tmpdir(), 'postq-emptyspool-'));
    open.push(spool);
    for (const q of ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt']) mkdirSync(join(spool, q));
    const h = await mountConsole(spool, { columns: 120, rows: 24 });
    open.push(h);
    expect(h.screen()).toContain('no messages in the spool');
    applyWatchStatus(h.store, { mode: 'failed', message: `permission denied reading ${spool}/deferred: run postq as root` });
    await waitForCondition(() => !h.screen().includes('no messages in the spool'), 'the empty text replaced');
    expect(h.screen()).toContain('permission denied reading');
    expect(h.screen()).toContain('✗ not watching');
  });

  it('the spool removed under a running console (rm -rf): "✗ spool gone" and why, not "● live" with zeros', async () => {
    const copy = copyCorpusSpool('basic');
    open.push(copy);
    const h = await mountConsole(copy.spool, { columns: 120, rows: 24 });
    open.push(h);
    // The console's own feed: the real watcher into the store.
    const { stop } = watcherFeed(h.store, h.config, (error) => h.store.getState().setFlash(error.message, 'error'));
    try {
      await waitForCondition(() => h.store.getState().watcher.mode === 'live' && h.store.getState().entries.size > 0, 'the watcher live');
      expect(h.screen()).toContain('● live');
      rmSync(copy.spool, { recursive: true, force: true });
      await waitForCondition(() => h.screen().includes('✗ spool gone'), '✗ spool gone in the header');
      expect(h.screen()).not.toContain('● live');
      expect(h.screen()).toContain(`the spool is gone: ${copy.spool}`);
    } finally {
      stop();
    }
  });
});
