/**
 * header:/body: in the fleet views, over an exec: target running the real `serve --stdio` on
 * the basic corpus: the merged store (ids ID@TARGET) searches each message's content through
 * its link, and the filter selects exactly the messages whose body (or Subject header) holds
 * the word, as postcat shows them; the progress ends and nothing is left in flight. A message
 * of 8.5 MB (over one `read` answer, MAX_READ_BYTES) is read on in windows over the link: a
 * word near its end, past the first 8 MB, is found.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContentFeed } from '../../src/cli/content-feed.js';
import { createConnection, type Connection } from '../../src/remote/connection.js';
import { startMergedFeed } from '../../src/remote/merged-feed.js';
import { mergedContentReader } from '../../src/remote/remote-content.js';
import { parseTarget } from '../../src/remote/target.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { selectVisibleIds } from '../../src/store/selectors.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { postcatBodies } from '../helpers/oracle.js';
import { waitFor } from '../helpers/wait-for.js';
import { queuePath, resolveSpoolConfig } from '../../src/config/spool-config.js';
import { MAX_READ_BYTES } from '../../src/remote/protocol.js';
import { writeLargeMessage } from '../hostile/large-message.js';
import { fakeBackend } from '../store/fixtures.js';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
let copy: CorpusCopy;
let link: Connection;

const LARGE = 'ABCDE22C2AD';
beforeAll(async () => {
  copy = copyCorpusSpool('basic');
  expect(writeLargeMessage(join(copy.spool, queuePath(resolveSpoolConfig({ spool: copy.spool }), 'deferred', LARGE))).length).toBeGreaterThan(MAX_READ_BYTES);
  link = createConnection({
    target: parseTarget('exec:env'),
    context: { ssh: ['ssh'], self: [process.execPath, CLI], remotePostq: `${process.execPath} ${CLI}` },
    serveArgs: ['--spool', copy.spool, '--read-only'],
    version: '0.1.0',
  });
  link.start();
  await waitFor(() => link.status.ready, { what: 'the target ready', describe: () => JSON.stringify(link.status) });
});
afterAll(() => {
  link.stop();
  copy.cleanup();
});

describe('content terms in the merged fleet view', () => {
  it('body: and header: select exactly the messages whose content holds the word, read from the target', async () => {
    const store = createConsoleStore({ backend: fakeBackend() });
    const stopFeed = startMergedFeed([link], (batch) => store.getState().applySpoolBatch(batch));
    const stopContent = startContentFeed(store, { read: mergedContentReader(new Map([[link.target.label, link]])), sliceMs: 1, flushMs: 20 });
    try {
      const bodies = postcatBodies(copy.oracle);
      const listed = selectVisibleIds(store.getState());
      expect(listed.length).toBeGreaterThan(20);
      const bare = (id: string) => id.slice(0, id.indexOf('@'));
      const expected = listed.filter((id) => bodies.get(bare(id))?.toLowerCase().includes('forecast'));
      expect(expected.length).toBeGreaterThan(0);

      store.getState().setFilterText('body:forecast');
      await waitFor(() => store.getState().contentSearch === null && store.getState().contentHits.size > 0, { what: 'the body search done' });
      expect([...selectVisibleIds(store.getState())].sort()).toEqual(expected.sort());

      // A header term: the Subject as the listing decoded it, read again from the target's file.
      const entries = store.getState().entries;
      const word = 'straßenfest'; // in an RFC 2047 encoded Subject: decoded on both sides
      const withWord = listed.filter((id) => entries.get(id)!.subject?.toLowerCase().includes(word));
      expect(withWord.length).toBeGreaterThan(0);
      store.getState().setFilterText(`header:subject:${word}`);
      await waitFor(() => store.getState().contentSearch === null && store.getState().filter.text === `header:subject:${word}` && selectVisibleIds(store.getState()).length > 0, { what: 'the header search done' });
      expect([...selectVisibleIds(store.getState())].sort()).toEqual(withWord.sort());
    } finally {
      stopContent();
      stopFeed();
    }
  });

  it('body: finds a word past the first 8 MB of a remote message (read on in windows)', async () => {
    const store = createConsoleStore({ backend: fakeBackend() });
    const stopFeed = startMergedFeed([link], (batch) => store.getState().applySpoolBatch(batch));
    const stopContent = startContentFeed(store, { read: mergedContentReader(new Map([[link.target.label, link]])), sliceMs: 1, flushMs: 20 });
    try {
      store.getState().setFilterText('body:LAST-WORD');
      await waitFor(() => store.getState().contentSearch === null && store.getState().filter.text === 'body:LAST-WORD' && store.getState().contentHits.size > 0, { what: 'the body search done' });
      expect(selectVisibleIds(store.getState())).toEqual([`${LARGE}@exec:env`]);
    } finally {
      stopContent();
      stopFeed();
    }
  });
});
