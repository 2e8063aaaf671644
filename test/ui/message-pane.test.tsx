/**
 * The message pane on the real App (fake terminal, corpus spool copy): it follows its file
 * when it moves (reloaded from hold/, "moved to hold") and says when it left the queue;
 * `/` searches inside it, `n` / `N` go to the next / previous match; `w` wraps long lines.
 */
import { mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { scanQueues } from '../../src/watch/scan.js';
import { readMessageForPane } from '../../src/watch/read-message.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole, type Harness } from './harness.js';

const open: Array<Harness | CorpusCopy> = [];
afterEach(() => {
  for (const x of open.splice(0)) 'unmount' in x ? x.unmount() : x.cleanup();
});

async function openMessage(id: string, columns = 100, rows = 24): Promise<{ h: Harness; copy: CorpusCopy }> {
  const copy = copyCorpusSpool('basic');
  open.push(copy);
  const h = await mountConsole(copy.spool, { columns, rows });
  open.push(h);
  h.store.getState().setCursorId(id);
  await h.press('pane.open');
  expect(h.screen()).toContain(id);
  return { h, copy };
}
const rescan = (h: Harness) =>
  h.store.getState().applySpoolBatch({ upserts: scanQueues(h.config, QUEUE_NAMES), removals: [], full: true, firstEventAt: null });
const title = (h: Harness) => h.screen().split('\n')[3] ?? '';

describe('message pane', () => {
  it('a message still on its way (a fleet link): says it is reading, then shows it once the answer is in', async () => {
    const copy = copyCorpusSpool('basic');
    open.push(copy);
    let answer: (() => void) | null = null;
    const pending = new Promise<void>((resolve) => (answer = resolve));
    let calls = 0;
    const h = await mountConsole(copy.spool, {
      columns: 100,
      readMessage: (entry) => (calls++ === 0 ? { pending, from: 'mx-test' } : readMessageForPane(h.config, entry)),
    });
    open.push(h);
    h.store.getState().setCursorId('749A822C202');
    await h.press('pane.open');
    expect(h.screen()).toContain('reading 749A822C202 from mx-test…');
    answer!();
    await waitForCondition(() => h.screen().includes('*** ENVELOPE RECORDS'), 'the message once read');
    expect(calls).toBe(2);
  });

  it('follows its file: moved to hold (reloaded from there), then left the queue', async () => {
    const { h, copy } = await openMessage('749A822C202');
    expect(title(h)).toContain('deferred/7/749A822C202');
    mkdirSync(join(copy.spool, 'hold'), { recursive: true });
    renameSync(join(copy.spool, 'deferred/7/749A822C202'), join(copy.spool, 'hold/749A822C202'));
    rescan(h);
    await waitForCondition(() => title(h).includes('moved to hold'), 'moved to hold');
    expect(title(h)).toContain('hold/749A822C202');
    expect(h.screen()).toContain('[on hold');
    unlinkSync(join(copy.spool, 'hold/749A822C202'));
    rescan(h);
    await waitForCondition(() => title(h).includes('left the queue'), 'left the queue');
    // What was shown stays on screen to read.
    expect(h.screen()).toContain('*** ENVELOPE RECORDS');
  });

  it('/ finds text, n and N move between matches, a miss says so', async () => {
    const { h } = await openMessage('8A59A22C209', 100, 24); // many-rcpt: 300 recipients
    await h.press('pane.search');
    await h.type('member150');
    expect(title(h)).toContain('/member150');
    await h.press('search.apply');
    const doc = h.ui.getState().pane!;
    const first = h.ui.getState().paneMatch!;
    expect(doc.lines[first]!.text).toContain('member150');
    expect(h.screen().split('\n').find((l) => l.includes('member150'))).toBeDefined();
    await h.press('pane.next');
    const second = h.ui.getState().paneMatch!;
    expect(second).toBeGreaterThan(first);
    expect(doc.lines[second]!.text.toLowerCase()).toContain('member150');
    await h.press('pane.prev');
    expect(h.ui.getState().paneMatch).toBe(first);
    await h.press('pane.search');
    await h.type('no-such-text-anywhere');
    await h.press('search.apply');
    expect(h.screen()).toContain('not found in the message: no-such-text-anywhere');
  });

  it('w wraps long lines (long-header) instead of cutting them', async () => {
    const { h } = await openMessage('DC4C322C210', 80, 24);
    const doc = h.ui.getState().pane!;
    const long = doc.lines.findIndex((l) => l.text.length > 200 && !/\t/.test(l.text));
    expect(long).toBeGreaterThan(0);
    const tail = doc.lines[long]!.text.slice(150, 190);
    h.ui.setState({ paneOffset: long });
    await h.press('pane.down');
    await h.press('pane.up');
    expect(h.screen()).not.toContain(tail);
    await h.press('pane.wrap');
    expect(h.screen().replace(/\n/g, '')).toContain(tail);
    await h.press('pane.wrap');
    expect(h.screen()).not.toContain(tail);
  });
});
