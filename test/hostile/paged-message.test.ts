/**
 * A message over the pane's whole-file limit (PANE_WHOLE_MAX, 8 MB) is shown in pages; `/`
 * must still find text anywhere in it, and `r` must dump every record, page by page. An 8.5 MB
 * message (90,000 body lines; a generated file, so the test stays fast): search finds a
 * word on the last page from the first and one on the first page from a later one (wrapping),
 * forward and back, holding one page at a time; a running search stops on Esc; the record
 * pages put together are exactly the whole file's record dump.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queuePath, resolveSpoolConfig } from '../../src/config/spool-config.js';
import { dumpRecords } from '../../src/spool/record-dump.js';
import { PANE_WHOLE_MAX } from '../../src/watch/read-message.js';
import { RECORDS_PER_PAGE } from '../../src/ui/message-pages.js';
import { buildMessageDocument, type MessageDocument } from '../../src/ui/message-document.js';
import { startPagedSearch } from '../../src/ui/paged-search.js';
import { handleKey } from '../../src/ui/key-handler.js';
import { createUiStore } from '../../src/ui/ui-state.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { createReadOnlyBackend } from '../../src/actions/read-only-backend.js';
import { scanQueues } from '../../src/watch/scan.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole, type Harness } from '../ui/harness.js';
import { hostileSpool, type HostileSpool } from './hostile-spool.js';
import { LINES, messageBytes } from './large-message.js';

process.env.TZ = 'UTC';
let spool: HostileSpool | undefined;
let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
  spool?.cleanupAll();
  spool = undefined;
});

const ID = 'ABCDE22C2AC';
async function openLarge(): Promise<{ h: Harness; bytes: Buffer }> {
  spool = hostileSpool();
  const rel = queuePath(resolveSpoolConfig({ spool: spool.spool }), 'deferred', ID);
  mkdirSync(dirname(join(spool.spool, rel)), { recursive: true });
  const bytes = messageBytes();
  expect(bytes.length).toBeGreaterThan(PANE_WHOLE_MAX);
  const fd = openSync(join(spool.spool, rel), 'w', 0o700);
  writeSync(fd, bytes);
  closeSync(fd);
  h = await mountConsole(spool.spool, { columns: 100, rows: 24 });
  h.store.getState().setCursorId(ID);
  await h.press('pane.open');
  return { h, bytes };
}

const pane = () => h!.ui.getState().pane!;
const pageOf = (doc: MessageDocument) => doc.pages!.index;

async function search(text: string, key: 'search.apply' | 'pane.next' | 'pane.prev' = 'search.apply'): Promise<void> {
  if (key === 'search.apply') {
    await h!.press('pane.search');
    await h!.type(text);
  }
  await h!.press(key);
  // A search reads the 8 MB file page by page: 5 s (the default) ran out at load 14.
  await waitForCondition(() => h!.ui.getState().paneSearching === null, 'the search to end', 30_000);
}

describe('a message over 8 MB in the pane', { timeout: 60_000 }, () => {
  it('/ finds text on any page, forward and back, wrapping; one page held at a time', async () => {
    await openLarge();
    expect(pageOf(pane())).toBe(0);
    await search('last-word');
    const last = pane();
    expect(pageOf(last)).toBeGreaterThan(20);
    expect(last.lines[h!.ui.getState().paneMatch!]!.text).toContain(`line ${LINES - 10} LAST-WORD`);
    expect(last.lines.length).toBeLessThan(5000);
    await waitForCondition(() => h!.screen().includes('LAST-WORD'), 'the match on screen');
    // From the last page, the first page's word is found by wrapping around the end.
    await search('first-word');
    expect(pageOf(pane())).toBe(0);
    expect(pane().lines[h!.ui.getState().paneMatch!]!.text).toContain('line 10 FIRST-WORD');
    // N from the first page goes back around to the last page's match.
    await h!.press('pane.search');
    await h!.type('last-word');
    await h!.press('search.cancel');
    h!.ui.setState({ paneQuery: 'last-word' });
    await search('', 'pane.prev');
    expect(pageOf(pane())).toBe(pageOf(last));
    expect(pane().lines[h!.ui.getState().paneMatch!]!.text).toContain('LAST-WORD');
    // n from there wraps forward to the first page's... only match of this word: itself again.
    await search('', 'pane.next');
    expect(pane().lines[h!.ui.getState().paneMatch!]!.text).toContain('LAST-WORD');
    await search('no such text anywhere');
    expect(h!.store.getState().flash?.text).toBe('not found in the message: no such text anywhere');
  });

  it('Esc stops a search going through the pages, and leaves the pane open', async () => {
    const bytes = messageBytes();
    spool = hostileSpool();
    const entry = { ...scanQueues(resolveSpoolConfig({ spool: spool.spool }), ['deferred'])[0]!, queueId: ID };
    const doc = buildMessageDocument(entry, () => ({ path: `deferred/A/${ID}`, bytes: bytes.subarray(0, 256 * 1024), size: bytes.length, fetch: (o, n) => bytes.subarray(o, o + n) }), 'postcat', dumpRecords);
    const store = createConsoleStore({ backend: createReadOnlyBackend() });
    const ui = createUiStore();
    ui.setState({ overlay: 'pane', pane: doc });
    // Each turn of the search waits for the test: it is stopped after reading one page.
    const turns: Array<() => void> = [];
    const yieldTurn = () => new Promise<void>((resolve) => turns.push(resolve));
    startPagedSearch({ store, ui, offsetFor: (_d, line) => line, yieldTurn }, doc, 'no such text anywhere', 0, false);
    expect(ui.getState().paneSearching).not.toBeNull();
    turns.shift()!();
    await waitForCondition(() => turns.length === 1, 'the second turn');
    expect(store.getState().flash?.text).toContain('searching the message for no such text anywhere: page 2');
    handleKey('escape', { store, ui, loadMessage: () => doc, bodyHeight: () => 20, helpPages: () => 1, quit: () => {}, copy: () => {} });
    turns.shift()!();
    await waitForCondition(() => store.getState().flash?.text === 'search stopped: no such text anywhere', 'the search stopped');
    expect(ui.getState().paneSearching).toBeNull();
    expect(ui.getState().overlay).toBe('pane');
    expect(turns).toEqual([]);
  });

  it('r dumps every record, page by page, as the whole file dumps', async () => {
    const { bytes } = await openLarge();
    await h!.press('pane.records');
    expect(pane().view).toBe('records');
    expect(pane().title).toContain('records page 1,');
    const lines: string[] = [];
    // The keys turn the first page (as for postcat's pages); the rest are read as the keys would.
    await h!.press('pane.bottom');
    await h!.press('pane.down');
    expect(pane().title).toContain('records page 2,');
    let doc = pane().pages!.prev!();
    for (let page = 0; ; page++) {
      expect(pageOf(doc)).toBe(page);
      lines.push(...doc.lines.filter((l) => l.kind === 'dump').map((l) => l.text));
      if (!doc.pages!.next) break;
      doc = doc.pages!.next();
    }
    expect(doc.title).toContain('100% read');
    const whole = dumpRecords(bytes, Number.MAX_SAFE_INTEGER).lines;
    expect(whole.length).toBeGreaterThan(LINES);
    expect(lines.length).toBe(whole.length);
    expect(lines).toEqual(whole);
    expect(Math.ceil(whole.length / RECORDS_PER_PAGE)).toBeGreaterThan(10);
  });
});
