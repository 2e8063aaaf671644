/**
 * The whole console on a fake terminal (real Ink, incremental rendering, the frame-anchor
 * wrapper): layouts at 80x24 / 100x12 / too small, resize, the frame never reaching the last
 * row, bytes per cursor move, and the key flows, pressed by binding id.
 */
import chalk from 'chalk';
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadTheme } from '../../src/config/theme-load.js';
import { selectCursorEntry, selectVisibleIds } from '../../src/store/selectors.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole, type Harness } from './harness.js';

let copy: CorpusCopy;
const mounted: Harness[] = [];
beforeAll(() => {
  process.env.TZ = 'UTC';
  copy = copyCorpusSpool('basic');
  return () => copy.cleanup();
});
afterEach(() => {
  for (const h of mounted.splice(0)) h.unmount();
});
async function mount(options: Parameters<typeof mountConsole>[1] = {}): Promise<Harness> {
  const h = await mountConsole(copy.spool, options);
  mounted.push(h);
  return h;
}
const lines = (h: Harness) => h.term.screen.lines();
const CSI_CLEAR = /\x1b\[[23]J/;

describe('layout', () => {
  it('80x24: header, crumbs, columns, rows, detail, flash, hints in 23 lines; last row empty', async () => {
    const h = await mount({ columns: 80, rows: 24 });
    const l = lines(h);
    expect(l[0]).toMatch(/^postq mx\.test .*● live/);
    expect(l[1]).toMatch(/drop 3\s+inc 2\s+act 2\s+def 22\s+hold 3\s+cor 4/);
    expect(l[2]).toMatch(/^all queues 36/);
    expect(l[3]).toMatch(/QUEUE ID\s+AGE/);
    expect(l[4]).toMatch(/^> \w{11}/);
    expect(l[22]).toMatch(/\? help/);
    expect(l[23]).toBe('');
    expect(Math.max(...l.map((x) => x.length))).toBeLessThanOrEqual(80);
    expect(h.term.stdout.chunks.join('')).not.toMatch(CSI_CLEAR);
  });

  it('100x12: compact layout in 11 lines with full queue names', async () => {
    const h = await mount({ columns: 100, rows: 12 });
    const l = lines(h);
    expect(l[0]).toMatch(/mx\.test maildrop 3\s+incoming 2\s+active 2\s+deferred 22\s+hold 3\s+corrupt 4/);
    expect(l[0]).toContain('● live');
    expect(l[2]).toContain('QUEUE ID');
    expect(l.slice(3, 10).every((x) => /^[> ][* ]\w{11}/.test(x))).toBe(true);
    expect(l[10]).toContain('? help');
    expect(l[11]).toBe('');
  });

  it('says so below 40x8, and relayouts on every resize', async () => {
    const h = await mount({ columns: 100, rows: 24 });
    h.term.resize(39, 10);
    await waitForCondition(() => h.screen().includes('too small'), 'too small');
    expect(h.screen()).toContain('needs 40x8');
    h.term.resize(60, 20);
    await waitForCondition(() => (lines(h)[18] ?? '').includes('help'), 'hints on row 19 at 60x20');
    expect(lines(h)[0]).toMatch(/^postq/);
    expect(lines(h)[19]).toBe('');
    h.term.resize(100, 12);
    await waitForCondition(() => (lines(h)[10] ?? '').includes('help'), 'compact at 100x12');
    expect(lines(h)[11]).toBe('');
    // A height shrink makes Ink clear once (its old frame is taller than the terminal);
    // after that, frames are incremental again: no clears while keys are pressed.
    const settled = h.term.stdout.chunks.length;
    for (const id of ['list.down', 'list.down', 'mark.toggle', 'list.up']) await h.press(id);
    expect(h.term.stdout.chunks.slice(settled).join('')).not.toMatch(CSI_CLEAR);
    expect(lines(h)[0]).toMatch(/^mx\.test/);
    expect(h.store.getState().viewportHeight).toBe(7);
  });
});

describe('rendering cost', () => {
  it('a cursor move inside the page writes at most 600 bytes at 80x24', async () => {
    const h = await mount({ columns: 80, rows: 24 });
    const sizes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const before = h.term.stdout.bytes;
      await h.press('list.down');
      sizes.push(h.term.stdout.bytes - before);
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(600);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    // Incremental frames keep the screen right: the header is still on the first row.
    expect(lines(h)[0]).toMatch(/^postq/);
    expect(lines(h)[12]).toMatch(/^> /);
  });
});

describe('keys', () => {
  it('moves, selects queues, sorts', async () => {
    const h = await mount();
    await h.press('list.down');
    expect(lines(h)[5]).toMatch(/^> /);
    await h.press('list.bottom');
    const ids = selectVisibleIds(h.store.getState());
    expect(selectCursorEntry(h.store.getState())?.queueId).toBe(ids[ids.length - 1]);
    await h.press('list.top');
    expect(lines(h)[4]).toMatch(/^> /);
    await h.press('queue.holdView');
    expect(lines(h)[2]).toMatch(/^hold 3/);
    expect(lines(h).filter((l) => /^[> ][* ]\w{11}[!#]/.test(l))).toHaveLength(3);
    await h.press('queue.corrupt');
    expect(lines(h)[2]).toMatch(/^corrupt 4/);
    await h.press('queue.all');
    await h.press('view.sort');
    expect(lines(h)[2]).toContain('sort next retry');
    await h.press('view.sortReverse');
    expect(lines(h)[2]).toContain('↓');
  });

  it('filter: typed live, stays visible after Enter, Esc clears; a bad filter shows where', async () => {
    const h = await mount();
    await h.press('view.filter');
    await h.type('to:lists');
    expect(lines(h)[2]).toMatch(/\/to:lists/);
    await h.press('filter.apply');
    expect(lines(h)[2]).toMatch(/^all queues \d+ of 36\s+filter to:lists/);
    const shown = selectVisibleIds(h.store.getState()).map((id) => h.store.getState().entries.get(id)!);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((e) => e.recipients.some((r) => r.address.includes('lists')))).toBe(true);
    await h.press('view.clearFilter');
    expect(lines(h)[2]).toMatch(/^all queues 36\s+sort/);
    await h.press('view.filter');
    await h.type('age>zz');
    expect(lines(h)[2]).toContain('✗ col');
    await h.press('filter.cancel');
    expect(h.store.getState().filterText).toBe('');
  });

  it('marks: space marks and moves, range, all matching, clear; glyphs visible', async () => {
    const h = await mount();
    await h.press('mark.toggle');
    expect(lines(h)[4]).toMatch(/^ \*/);
    expect(lines(h)[5]).toMatch(/^> /);
    await h.press('list.down');
    await h.press('list.down');
    await h.press('mark.range');
    expect(h.store.getState().marks.size).toBe(4);
    expect(lines(h)[2]).toContain('marked 4');
    await h.press('mark.clear');
    expect(h.store.getState().marks.size).toBe(0);
    await h.press('view.filter');
    await h.type('queue:hold');
    await h.press('filter.apply');
    await h.press('mark.allMatching');
    expect(h.store.getState().marks.size).toBe(3);
    await h.press('view.clearFilter');
    expect(lines(h)[2]).toContain('marked 3');
  });

  it('help: opens at 80x24 and 100x12, scrolls to every binding, read-only shows disabled', async () => {
    for (const [columns, rows] of [[80, 24], [100, 12]] as const) {
      const h = await mount({ columns, rows });
      await h.press('help.open');
      expect(lines(h)[rows - 1]).toBe('');
      let seen = h.screen();
      for (let i = 0, last = ''; i < 120 && h.screen() !== last; i++) {
        last = h.screen();
        await h.press('help.down');
        seen += h.screen();
      }
      for (const d of ['hold (postsuper -h)', 'delete (postsuper -d)', 'open the message', 'mark every message the filter shows', 'quit']) {
        expect(seen).toContain(d);
      }
      expect(seen).toContain('disabled: read-only');
      await h.press('help.close');
      expect(h.screen()).toContain('QUEUE ID');
      h.unmount();
      mounted.pop();
    }
  });

  it('message pane: Enter opens, scrolls, Esc closes; a corrupt file shows its record dump', async () => {
    const h = await mount();
    await h.press('view.filter');
    await h.type('id:749A822C202');
    await h.press('filter.apply');
    await h.press('pane.open');
    expect(h.screen()).toContain('*** ENVELOPE RECORDS deferred/7/749A822C202 ***');
    await h.press('pane.bottom');
    expect(h.screen()).toContain('*** MESSAGE FILE END deferred/7/749A822C202 ***');
    await h.press('pane.close');
    expect(h.screen()).toContain('QUEUE ID');
    // corrupt-badlen: postcat stops at the T record; the pane says where and dumps the records.
    await h.press('view.filter');
    await h.press('filter.clearLine');
    await h.type('id:F027622C261');
    await h.press('filter.apply');
    await h.press('pane.open');
    expect(lines(h)[3]).toMatch(/F027622C261 {2}corrupt\/F027622C261 .*✗ offset \d+/);
    await h.press('pane.bottom');
    expect(h.screen()).toMatch(/^\s+97 !! damaged here: unexpected EOF/m);
    await h.press('pane.records');
    expect(h.screen()).toMatch(/^\s+0 'C' \(67\)/m);
  });

  it('qshape view: TOTAL and domain rows; s flips to senders', async () => {
    const h = await mount({ columns: 100, rows: 24 });
    await h.press('queue.deferred');
    await h.press('view.shape');
    expect(h.screen()).toContain('qshape deferred by recipient domain');
    expect(h.screen()).toMatch(/TOTAL\s+\d+/);
    expect(h.screen()).toContain('lists.example.com');
    await h.press('shape.sender');
    expect(h.screen()).toContain('by sender domain');
    await h.press('shape.close');
    expect(h.screen()).toContain('QUEUE ID');
  });

  it('p pauses live updates (PAUSED in the header) and resumes; ctrl-l repaints the same screen', async () => {
    const h = await mount();
    const before = h.screen();
    await h.press('view.pause');
    expect(lines(h)[0]).toContain('PAUSED');
    expect(h.store.getState().paused).toBe(true);
    await h.press('view.pause');
    expect(lines(h)[0]).toContain('● live');
    const bytes = h.term.stdout.bytes;
    await h.press('view.repaint');
    await waitForCondition(() => h.screen() === before && h.term.stdout.bytes - bytes > 1000, 'a full repaint');
  });

  it('read-only: an action key explains itself in the flash, nothing changes', async () => {
    const h = await mount();
    await h.press('queue.delete');
    expect(h.store.getState().confirmation).toBeNull();
    expect(lines(h)[21]).toMatch(/read-only/);
    expect(lines(h)[0]).toContain('[RO]');
  });
});

describe('without colour', () => {
  it('mono (NO_COLOR): cursor and marks are glyphs, no colour codes are written', async () => {
    // Pin the colour level: chalk would otherwise follow the test runner's (non-TTY) stdout.
    const level = chalk.level;
    chalk.level = 3;
    onTestFinished(() => {
      chalk.level = level;
    });
    const h = await mount({ theme: loadTheme({ env: { NO_COLOR: '1' } }) });
    await h.press('mark.toggle');
    expect(lines(h)[4]).toMatch(/^ \*/);
    expect(lines(h)[5]).toMatch(/^> /);
    const out = h.term.stdout.chunks.join('');
    expect(out).not.toMatch(/\x1b\[(3[0-8]|9[0-7]|4[0-8]|10[0-7])(;|m)/);
    expect(out).toContain('\x1b[7m'); // the cursor row is inverse
  });
});
