/**
 * Screen details on the real App (fake terminal, corpus spool): the flash line goes after a
 * while and when a confirmation opens; read-only hints offer no action keys; the typed-DELETE
 * prompt's hint says to type the word; the qshape view switches queues with 0-6, scrolls in a
 * 100x12 pane, and Enter on a domain shows that domain's messages.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDirectBackend } from '../../src/actions/direct-backend.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { addressDomain } from '../../src/store/filter-match.js';
import { selectVisibleIds } from '../../src/store/selectors.js';
import { currentShape } from '../../src/ui/shape-query.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole, type Harness } from './harness.js';

let copy: CorpusCopy;
const mounted: Harness[] = [];
beforeAll(() => {
  copy = copyCorpusSpool('basic');
});
afterAll(() => copy.cleanup());
afterEach(() => {
  for (const h of mounted.splice(0)) h.unmount();
});
async function mount(options: Parameters<typeof mountConsole>[1] = {}, spool = copy.spool): Promise<Harness> {
  const h = await mountConsole(spool, options);
  mounted.push(h);
  return h;
}
const lines = (h: Harness) => h.screen().split('\n');

describe('flash line', () => {
  it('clears itself after flashMs', async () => {
    const h = await mount({ flashMs: 40 });
    h.store.getState().setFlash('theme reloaded', 'ok');
    await waitForCondition(() => h.screen().includes('theme reloaded'), 'flash shown');
    await waitForCondition(() => !h.screen().includes('theme reloaded'), 'flash cleared');
    expect(h.store.getState().flash).toBeNull();
  });

  it('clears when a confirmation opens', async () => {
    const h = await mount({ backend: createDirectBackend({ config: resolveSpoolConfig({ spool: copy.spool }) }) });
    h.store.getState().setCursorId('749A822C202'); // a deferred message: hold applies to it
    h.store.getState().setFlash('held 3 of 3', 'ok');
    await waitForCondition(() => h.screen().includes('held 3 of 3'), 'flash shown');
    await h.press('queue.hold');
    expect(h.store.getState().confirmation).not.toBeNull();
    expect(h.store.getState().flash).toBeNull();
    expect(h.screen()).not.toContain('held 3 of 3');
    await h.press('confirm.no');
  });
});

describe('hints', () => {
  it('read-only: the hint bar does not offer H L R D', async () => {
    const h = await mount({ columns: 100, rows: 24 });
    const hints = lines(h)[22]!;
    expect(hints).toContain('? help');
    for (const word of ['H hold', 'L release', 'R requeue', 'D delete']) expect(hints).not.toContain(word);
  });

  it('the typed-DELETE prompt: the hint says to type DELETE, not "y confirm"', async () => {
    const work = copyCorpusSpool('basic');
    try {
      const h = await mount({ columns: 100, rows: 24, backend: createDirectBackend({ config: resolveSpoolConfig({ spool: work.spool }) }) }, work.spool);
      await h.press('queue.deferred');
      await h.press('mark.allMatching');
      await h.press('queue.delete');
      expect(h.store.getState().confirmation?.requireWord).toBe('DELETE');
      const hints = lines(h)[22]!;
      expect(hints).toContain('type DELETE Enter confirm');
      expect(hints).not.toContain('y confirm');
      await h.press('confirm.no');
    } finally {
      work.cleanup();
    }
  });
});

describe('qshape view', () => {
  it('0-6 switch the queue, it scrolls at 100x12, Enter shows the domain\'s messages', async () => {
    const h = await mount({ columns: 100, rows: 12 });
    await h.press('view.shape');
    expect(h.screen()).toContain('qshape all queues by recipient domain');
    await h.press('queue.deferred');
    expect(h.screen()).toContain('qshape deferred by recipient domain');
    await h.press('queue.holdView');
    expect(h.screen()).toContain('qshape hold by recipient domain');
    await h.press('queue.all');
    const { shape } = currentShape(h.store.getState(), 'recipient');
    // More domains than a 100x12 pane shows: the view says which ones, and scrolls.
    expect(shape.rows.length).toBeGreaterThan(5);
    expect(h.screen()).toMatch(/ 1-5\/\d+ /);
    const last = shape.rows.length - 1;
    for (let i = 0; i < last; i++) await h.press('shape.down');
    expect(h.screen()).toMatch(new RegExp(` \\d+-${shape.rows.length}/${shape.rows.length} `));
    const target = shape.rows[last]!.domain;
    expect(lines(h).find((l) => l.startsWith('>'))).toContain(target);
    for (let i = 0; i < last; i++) await h.press('shape.up');
    await h.press('shape.down');
    const domain = shape.rows[1]!.domain;
    await h.press('shape.open');
    expect(h.ui.getState().overlay).toBe('none');
    const s = h.store.getState();
    const shown = selectVisibleIds(s);
    const expected = [...s.entries.values()].filter((e) => e.state !== 'incomplete' && e.recipients.some((r) => addressDomain(r.address) === domain));
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set(expected.map((e) => e.queueId)));
    expect(lines(h)[1]).toContain('filter to:');
  });
});
