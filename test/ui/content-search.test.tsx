/**
 * body:/header: in the console (real Ink on a fake terminal, the basic corpus, the console's
 * content searcher): typing the filter shows "searching N of M" in the crumbs line while the
 * files are read, then the messages whose body holds the word; a new filter cancels the search.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startContentFeed } from '../../src/cli/content-feed.js';
import { selectVisibleIds } from '../../src/store/selectors.js';
import { readMessageContent } from '../../src/watch/content-read.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { postcatBodies } from '../helpers/oracle.js';
import { mountConsole, type Harness } from './harness.js';

let copy: CorpusCopy;
beforeAll(() => {
  process.env.TZ = 'UTC';
  copy = copyCorpusSpool('basic');
  return () => copy.cleanup();
});
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('content search in the console', () => {
  it('shows its progress in the crumbs line, then exactly the messages whose body holds the word', async () => {
    const h: Harness = await mountConsole(copy.spool, { columns: 100, rows: 24 });
    cleanups.push(() => h.unmount());
    // Short slices and frequent answers: the progress is on screen for a while.
    const stop = startContentFeed(h.store, { read: (e) => readMessageContent(h.config, e), sliceMs: 1, flushMs: 30 });
    cleanups.push(stop);
    const listed = new Set(selectVisibleIds(h.store.getState()));
    const bodies = postcatBodies(copy.oracle);
    const expected = [...listed].filter((id) => bodies.get(id)?.toLowerCase().includes('forecast'));

    await h.press('view.filter');
    await h.type('body:forecast');
    await h.press('filter.apply');
    await waitForCondition(() => h.screen().includes(`all queues ${expected.length} of 36  filter body:forecast`), 'the search done');
    const written = h.term.stdout.chunks.join('');
    expect(written).toMatch(/searching \d+ of 3\d/);
    expect(h.screen()).not.toContain('searching');
    expect([...selectVisibleIds(h.store.getState())].sort()).toEqual(expected.sort());

    // Another word while it searches: the first search stops, the second one answers.
    await h.press('view.filter');
    await h.type('\x15body:nothing-like-this');
    await h.press('filter.apply');
    await waitForCondition(() => h.screen().includes('all queues 0 of 36  filter body:nothing-like-this'), 'the second search done');
    expect(h.store.getState().contentSearch).toBeNull();
  });

  it('the monitor layout (no crumbs line) shows the progress on its bottom line, with the filter', async () => {
    const h: Harness = await mountConsole(copy.spool, { columns: 100, rows: 24 });
    cleanups.push(() => h.unmount());
    await h.press('view.filter');
    await h.type('body:forecast');
    await h.press('filter.apply');
    await h.press('view.monitor');
    expect(h.screen()).not.toContain('all queues'); // the monitor: no crumbs line
    // The searcher starts with the monitor open: its whole run is drawn there.
    const stop = startContentFeed(h.store, { read: (e) => readMessageContent(h.config, e), sliceMs: 1, flushMs: 30 });
    cleanups.push(stop);
    await waitForCondition(() => h.store.getState().contentSearch === null, 'the search done');
    expect(h.term.stdout.chunks.join('')).toMatch(/searching \d+ of 3\d for body:forecast/);
    await waitForCondition(() => !h.screen().includes('searching'), 'the progress gone once done');
  });
});
