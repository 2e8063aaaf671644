/**
 * The theme file watcher on a real temp file: saves in place, atomic saves (temp file renamed
 * over the theme, as editors do), vim's rename-away-and-write, an invalid file and a fix. Each
 * step waits for its reload by condition; the full sequence is compared at the end, so a lost
 * or duplicated reload fails.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinThemeDir, findThemeFile, loadThemeFile } from '../../src/config/theme-load.js';
import { watchThemeFile, type ThemeReload, type ThemeWatcher } from '../../src/watch/theme-watcher.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function themeText(hold: string): string {
  return JSON.stringify({ name: 'mine', tokens: { 'queue.hold': { fg: hold } } }, null, 2);
}

/** What a reload looks like in the sequence: the hold colour, or the error's key. */
function summary(r: ThemeReload): string {
  return r.ok ? `ok ${r.theme.tokens['queue.hold'].color}` : `error ${r.error.file === r.path ? 'file' : r.error.file} ${r.error.key || '-'}`;
}

async function setup(): Promise<{ dir: string; path: string; seen: string[]; watcher: ThemeWatcher }> {
  const dir = mkdtempSync(join(tmpdir(), 'postq-theme-watch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'mine.json');
  writeFileSync(path, themeText('#111111'));
  const seen: string[] = [];
  const watcher = watchThemeFile(path, (p) => loadThemeFile(p), (r) => seen.push(summary(r)), { stabilityMs: 50 });
  expect(watcher).not.toBeNull();
  cleanups.push(() => watcher!.stop());
  await watcher!.ready;
  return { dir, path, seen, watcher: watcher! };
}

async function expectNext(seen: string[], count: number, last: string): Promise<void> {
  await waitFor(() => seen.length >= count, { timeoutMs: 10_000, intervalMs: 10, what: `reload ${count} (${last})`, describe: () => seen.join('\n') });
  expect(seen[count - 1]).toBe(last);
}

describe('watchThemeFile', () => {
  it('reports in-place writes, atomic rename-over saves, an invalid file and its fix, in order', async () => {
    const { dir, path, seen } = await setup();
    expect(seen).toEqual([]); // ignoreInitial: the theme already loaded is not reported again

    writeFileSync(path, themeText('#ff0000'));
    await expectNext(seen, 1, 'ok #ff0000');

    // An editor's atomic save: write a temp file beside it, rename it over the theme.
    writeFileSync(join(dir, '.mine.json.tmp'), themeText('#00ff00'));
    renameSync(join(dir, '.mine.json.tmp'), path);
    await expectNext(seen, 2, 'ok #00ff00');

    // The watch survived the replaced inode: a plain write is still seen.
    writeFileSync(path, themeText('#0000ff'));
    await expectNext(seen, 3, 'ok #0000ff');

    // vim (backupcopy=no): the original is renamed away, a new file is written in its place.
    renameSync(path, `${path}~`);
    writeFileSync(path, themeText('#222222'));
    await expectNext(seen, 4, 'ok #222222');

    writeFileSync(path, '{ "name": "mine", "tokens": ');
    await expectNext(seen, 5, 'error file -');

    writeFileSync(path, themeText('not-a-colour'));
    await expectNext(seen, 6, 'error file tokens.queue.hold.fg');

    writeFileSync(join(dir, '.mine.json.tmp'), themeText('#333333'));
    renameSync(join(dir, '.mine.json.tmp'), path);
    await expectNext(seen, 7, 'ok #333333');

    expect(seen).toEqual([
      'ok #ff0000', 'ok #00ff00', 'ok #0000ff', 'ok #222222',
      'error file -', 'error file tokens.queue.hold.fg', 'ok #333333',
    ]);
  });

  it('a file that is not on disk (the bundle\'s embedded themes) gives no watcher', () => {
    expect(watchThemeFile('/postq-bundle/themes/default.json', () => { throw new Error('not called'); }, () => {})).toBeNull();
  });
});

describe('findThemeFile: what the console watches', () => {
  it('the user file first, else the shipped one; nothing under NO_COLOR or without a file', () => {
    const xdg = mkdtempSync(join(tmpdir(), 'postq-theme-find-'));
    cleanups.push(() => rmSync(xdg, { recursive: true, force: true }));
    const userDir = join(xdg, 'postq', 'themes');
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, 'default.json'), themeText('#123456'));
    const env = { HOME: '/nonexistent', XDG_CONFIG_HOME: xdg } as NodeJS.ProcessEnv;
    expect(findThemeFile({ name: 'default', env })).toBe(join(userDir, 'default.json'));
    expect(findThemeFile({ name: 'high-contrast', env })).toBe(join(builtinThemeDir(), 'high-contrast.json'));
    expect(findThemeFile({ name: 'high-contrast', env: { ...env, NO_COLOR: '1' } })).toBeNull();
    expect(findThemeFile({ name: 'no-such-theme', env })).toBeNull();
    expect(findThemeFile({ name: '../etc/passwd', env })).toBeNull();
    expect(findThemeFile({ name: 'default', env, builtinDir: '/nonexistent', userDir: '/nonexistent' })).toBeNull();
  });
});
