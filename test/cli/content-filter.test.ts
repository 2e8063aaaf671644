/**
 * header: and body: on the command line and in the console's searcher, on the real corpus:
 * `postq list/count --filter body:WORD` select exactly the messages whose body postcat printed
 * with WORD in it, header: the ones whose header postcat printed with it; in the console the
 * search runs in slices with its progress in the store, fills the list, is cancelled by a
 * new filter, and searches again a message whose file changed.
 */
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { startContentFeed } from '../../src/cli/content-feed.js';
import { applyCliFilter } from '../../src/cli/cli-filter.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import type { ContentSearch } from '../../src/store/console-state.js';
import { selectVisibleIds } from '../../src/store/selectors.js';
import { readEntry } from '../../src/watch/read-entry.js';
import { readMessageContent, searchMessageFile } from '../../src/watch/content-read.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import { scanQueues } from '../../src/watch/scan.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { postcatBodies, postcatOracles } from '../helpers/oracle.js';
import { ensureBuilt, runCli } from '../helpers/postq-cli.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { fakeBackend } from '../store/fixtures.js';

let copy: CorpusCopy;
beforeAll(async () => {
  await ensureBuilt();
  copy = copyCorpusSpool('basic');
});
afterAll(() => copy.cleanup());


describe('the command line', () => {
  it('body:WORD selects exactly the messages whose body (as postcat prints it) holds WORD; header:NAME:V likewise', () => {
    const config = resolveSpoolConfig({ spool: copy.spool });
    const entries = scanQueues(config, QUEUE_NAMES);
    const bodies = postcatBodies(copy.oracle);
    const expected = [...bodies].filter(([, b]) => b.toLowerCase().includes('warehouse')).map(([id]) => id).sort();
    expect(expected.length).toBeGreaterThan(5);
    // --all: every file, as the oracle has them (list's --filter path, in process).
    expect(applyCliFilter(config, entries, 'body:Warehouse').map((e) => e.queueId).sort()).toEqual(expected);
    // The built CLI, once: postq count, listed messages only (what postqueue -j lists).
    const listed = entries.filter((e) => e.listed && expected.includes(e.queueId));
    const r = runCli(['count', '--spool', copy.spool, '--filter', 'body:Warehouse']);
    expect([r.status, r.stdout.trim()]).toEqual([0, String(listed.length)]);

    const heads = postcatOracles(copy.oracle).filter((o) => o.variant === 'h');
    const fromAlice = heads.filter((o) => /^From:.*alice@remote\.example/im.test(o.expected)).map((o) => o.id).sort();
    expect(fromAlice.length).toBeGreaterThan(0);
    expect(applyCliFilter(config, entries, 'header:from:alice@remote.example').map((e) => e.queueId).sort()).toEqual(fromAlice);
    expect(() => applyCliFilter(config, entries, 'header:subject')).toThrow(/header: needs a name and a value/);
  });
});

describe("the console's searcher", () => {
  it("on the local spool answers from the files' bytes (search), selecting what the decoded reads select", async () => {
    const config = resolveSpoolConfig({ spool: copy.spool });
    const entries = scanQueues(config, QUEUE_NAMES);
    const run = async (text: string, how: 'read' | 'search') => {
      const store = createConsoleStore({ backend: fakeBackend() });
      store.getState().applySpoolBatch({ upserts: entries, removals: [], full: true, firstEventAt: null });
      const calls: string[] = [];
      const read = (e: QueueEntry) => (calls.push(`read ${e.queueId}`), readMessageContent(config, e));
      const search = how === 'search' ? (e: QueueEntry, evaluate: Parameters<typeof searchMessageFile>[2]) => (calls.push(`search ${e.queueId}`), searchMessageFile(config, e, evaluate)) : undefined;
      const stop = startContentFeed(store, { read, ...(search ? { search } : {}), sliceMs: 0, flushMs: 0 });
      try {
        store.getState().setFilterText(text);
        await waitForCondition(() => store.getState().contentSearch === null && calls.length >= entries.length, `${text} searched`);
        return { ids: [...selectVisibleIds(store.getState())].sort(), calls };
      } finally {
        stop();
      }
    };
    for (const text of ['body:warehouse', '!body:forecast', 'body:warehouse header:from:alice@remote.example']) {
      const bytes = await run(text, 'search');
      const decoded = await run(text, 'read');
      expect(bytes.ids, text).toEqual(decoded.ids);
      expect(bytes.calls.every((c) => c.startsWith('search ')), text).toBe(true);
    }
    expect((await run('body:warehouse', 'search')).ids.length).toBeGreaterThan(5);
  });

  it('searches in slices with progress, fills the list, is cancelled by a new filter, re-reads a changed file', async () => {
    const config = resolveSpoolConfig({ spool: copy.spool });
    const store = createConsoleStore({ backend: fakeBackend() });
    const entries = scanQueues(config, QUEUE_NAMES);
    store.getState().applySpoolBatch({ upserts: entries, removals: [], full: true, firstEventAt: null });
    const reads: string[] = [];
    const stop = startContentFeed(store, { read: (e) => (reads.push(e.queueId), readMessageContent(config, e)), sliceMs: 0, flushMs: 0 });
    try {
      const progress: ContentSearch[] = [];
      store.subscribe((s) => void (s.contentSearch && progress.push(s.contentSearch)));
      const bodies = postcatBodies(copy.oracle);
      // The list shows messages (files still being written are left out, filter or not).
      const listed = new Set(selectVisibleIds(store.getState()));
      const expected = entries.filter((e) => listed.has(e.queueId) && bodies.get(e.queueId)?.toLowerCase().includes('forecast')).map((e) => e.queueId).sort();

      store.getState().setFilterText('body:forecast');
      await waitForCondition(() => reads.length >= 3, 'the search under way');
      // A new filter before the search ends: the old one stops, the new one starts over.
      store.getState().setFilterText('body:warehouse');
      await waitForCondition(() => store.getState().contentSearch === null && reads.length > entries.length, 'the second search done');
      expect(reads.length).toBeLessThan(2 * entries.length);
      store.getState().setFilterText('body:forecast');
      await waitForCondition(() => store.getState().contentSearch === null && selectVisibleIds(store.getState()).length === expected.length, 'the forecast search done');
      expect([...selectVisibleIds(store.getState())].sort()).toEqual(expected);
      // Progress went up one message a slice, to the whole spool.
      expect(progress.some((p) => p.done > 0 && p.done < p.total)).toBe(true);
      expect(Math.max(...progress.map((p) => p.total))).toBe(entries.length);

      // A message whose file changes (here: another message's file put in its place) is read again.
      const target = entries.find((e) => e.queueId === expected[0])!;
      const other = entries.find((e) => e.queueName === target.queueName && !expected.includes(e.queueId) && statSync(join(copy.spool, e.path)).size !== statSync(join(copy.spool, target.path)).size)!;
      copyFileSync(join(copy.spool, other.path), join(copy.spool, target.path));
      const changed = readEntry(config, target.queueName, target.path, target.queueId)!;
      const before = reads.length;
      store.getState().applySpoolBatch({ upserts: [changed], removals: [], full: false, firstEventAt: null });
      await waitForCondition(() => reads.length > before && store.getState().contentSearch === null, 'the changed file searched');
      expect(reads.slice(before)).toEqual([target.queueId]);
      expect(selectVisibleIds(store.getState())).not.toContain(target.queueId);
    } finally {
      stop();
    }
  });
});
