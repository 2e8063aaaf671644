/**
 * Filters as you type (the console's `/`): an edit that does not parse changes nothing that is
 * applied (the filter from before `/` stays in force, not the last prefix that parsed); Esc
 * returns to that filter; Enter keeps only a filter that parses; the error says where.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectVisibleIds } from '../../src/store/selectors.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { mountConsole, type Harness } from './harness.js';

let copy: CorpusCopy;
let h: Harness;
beforeAll(() => {
  copy = copyCorpusSpool('basic');
});
afterAll(() => copy.cleanup());
afterEach(() => h?.unmount());

const shown = () => selectVisibleIds(h.store.getState()).length;
const crumbs = () => h.screen().split('\n')[2] ?? '';

describe('filter typing', () => {
  it('from empty, `age>xyz` leaves every row shown (not the bare word "age")', async () => {
    h = await mountConsole(copy.spool, { columns: 100, rows: 24 });
    const all = shown();
    await h.press('view.filter');
    await h.type('age>xyz');
    expect(h.store.getState().filter.text).toBe('');
    expect(shown()).toBe(all);
    expect(crumbs()).toMatch(/✗ col 5: bad age "xyz"/);
  });

  it('`domain:far.example zz:` keeps domain:far.example, not "domain:far.example zz"', async () => {
    h = await mountConsole(copy.spool, { columns: 100, rows: 24 });
    await h.press('view.filter');
    await h.type('domain:far.example');
    await h.press('filter.apply');
    const far = shown();
    expect(far).toBeGreaterThan(0);
    await h.press('view.filter');
    await h.type(' zz');
    expect(shown()).toBe(0); // a bare word that parses applies at once
    await h.type(':');
    expect(h.store.getState().filter.text).toBe('domain:far.example');
    expect(shown()).toBe(far);
    expect(crumbs()).toMatch(/✗ col 20: unknown field "zz:"/);
    // Enter does not keep a filter that does not parse: the line stays open.
    await h.press('filter.apply');
    expect(h.ui.getState().draft).toBe('domain:far.example zz:');
    // Backspace back to a filter that parses applies it again.
    await h.press('filter.backspace');
    expect(h.store.getState().filter.text).toBe('domain:far.example zz');
    // Esc: the filter from before `/`.
    await h.press('filter.cancel');
    expect(h.ui.getState().draft).toBeNull();
    expect(h.store.getState().filterText).toBe('domain:far.example');
    expect(h.store.getState().filterError).toBeNull();
    expect(shown()).toBe(far);
  });

  it('a 25,000-character paste is parsed once for the chunk, not once per character', async () => {
    h = await mountConsole(copy.spool, { columns: 100, rows: 24 });
    const words: string[] = [];
    for (let i = 0; words.join(' ').length < 25_000; i++) words.push(`subject:w${i}`);
    const paste = words.join(' ').slice(0, 25_000).replace(/[ :]+$/, '');
    expect(paste.length).toBeGreaterThan(24_900);
    // setFilterText is where the text is compiled (parsed); count the calls around it.
    const real = h.store.getState().setFilterText;
    let parses = 0;
    h.store.setState({ setFilterText: (text, fallback) => (parses++, real(text, fallback)) });
    await h.press('view.filter');
    const before = parses;
    await h.type(paste);
    expect(parses - before).toBe(1);
    expect(h.ui.getState().draft).toBe(paste);
    expect(h.store.getState().filterText).toBe(paste);
    expect(h.store.getState().filterError).toBeNull();
    expect(shown()).toBe(0);
    // Typing goes on a key at a time after it, each key one parse.
    await h.type('x');
    expect(parses - before).toBe(2);
    expect(h.ui.getState().draft).toBe(`${paste}x`);
  });
});
