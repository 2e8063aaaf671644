/**
 * Live theme reload end to end in one process: a real theme file, the real directory watcher
 * (themeReloadFeed, as the console wires it), the store's flash and the App on the fake
 * terminal. A saved theme re-renders the running console with its colours; an invalid save
 * keeps the colours on screen and says which file and key are wrong.
 */
import chalk from 'chalk';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadThemeFile } from '../../src/config/theme-load.js';
import { themeReloadFeed } from '../../src/cli/theme-feed.js';
import { createThemeSource } from '../../src/ui/theme-context.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole, type Harness } from './harness.js';

let copy: CorpusCopy;
beforeAll(() => {
  process.env.TZ = 'UTC';
  copy = copyCorpusSpool('basic');
  return () => copy.cleanup();
});
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A user theme that colours the column header line (always on screen). */
const themeText = (fg: string) => JSON.stringify({ name: 'mine', tokens: { columnHeader: { fg, attrs: ['underline'] } } });
/** chalk's truecolor foreground for #rrggbb. */
const sgr = (hex: string) => `\x1b[38;2;${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(';')}m`;

function atomicSave(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

describe('theme reload', () => {
  it('a saved theme re-renders with its colours; an invalid one keeps them and names file and key', async () => {
    const level = chalk.level;
    chalk.level = 3; // pin truecolor: chalk would follow the runner's non-TTY stdout
    onTestFinished(() => {
      chalk.level = level;
    });
    const dir = mkdtempSync(join(tmpdir(), 'postq-theme-reload-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'mine.json');
    writeFileSync(path, themeText('#aa0000'));
    const source = createThemeSource(loadThemeFile(path));
    const h: Harness = await mountConsole(copy.spool, { columns: 100, rows: 24, themeSource: source });
    cleanups.push(() => h.unmount());
    const out = () => h.term.stdout.chunks.join('');
    expect(out()).toContain(`${sgr('#aa0000')}`);
    const watcher = themeReloadFeed(h.store, source, path, { stabilityMs: 50 });
    expect(watcher).not.toBeNull();
    cleanups.push(() => watcher!.stop());
    await watcher!.ready;

    let mark = h.term.stdout.chunks.length;
    const since = () => h.term.stdout.chunks.slice(mark).join('');
    atomicSave(path, themeText('#00aa00'));
    await waitForCondition(() => since().includes(sgr('#00aa00')) && h.screen().includes('reloaded from mine.json'), 'the new colour on screen', 10_000);
    expect(since()).not.toContain(sgr('#aa0000'));
    expect(h.store.getState().flash?.level).toBe('ok');

    mark = h.term.stdout.chunks.length;
    writeFileSync(path, themeText('nope'));
    await waitForCondition(() => h.screen().includes('tokens.columnHeader.fg'), 'the error in the flash line', 10_000);
    const flashRow = h.screen().split('\n').find((l) => l.includes('tokens.columnHeader.fg'))!;
    expect(flashRow).toContain('theme mine.json not applied: tokens.columnHeader.fg: "nope" is not a colour');
    expect(h.store.getState().flash?.level).toBe('error');
    expect(source.get().tokens.columnHeader.color).toBe('#00aa00');
    // A full repaint draws every line again: still the last good colour, never the bad file's.
    mark = h.term.stdout.chunks.length;
    await h.press('view.repaint');
    await waitForCondition(() => since().includes(sgr('#00aa00')) && h.screen().includes('QUEUE ID'), 'the repainted frame', 10_000);
    expect(since()).not.toContain(sgr('#aa0000'));

    // Fixed again: applied at once.
    mark = h.term.stdout.chunks.length;
    atomicSave(path, themeText('#0000aa'));
    await waitForCondition(() => since().includes(sgr('#0000aa')), 'the fixed theme on screen', 10_000);
    expect(h.screen()).toContain('reloaded from mine.json');
  });
});
