import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { THEME_TOKENS, ThemeError, parseTheme } from '../../src/config/theme.js';
import { builtinThemeDir, listThemes, loadTheme } from '../../src/config/theme-load.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
function userDir(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), 'postq-theme-'));
  dirs.push(base);
  const dir = join(base, 'postq', 'themes');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return base;
}
const env = (extra: Record<string, string> = {}) => ({ HOME: '/nonexistent', ...extra }) as NodeJS.ProcessEnv;

describe('built-in themes', () => {
  it('ships default, mono, high-contrast and a truecolor theme, each defining every token', () => {
    const names = listThemes({ env: env(), userDir: '/nonexistent' });
    expect(names).toEqual(expect.arrayContaining(['default', 'mono', 'high-contrast', 'gruvbox-truecolor']));
    for (const name of names) {
      const theme = loadTheme({ name, env: env(), userDir: '/nonexistent' });
      expect(theme.name).toBe(name);
      // Built-ins are parsed without a fallback, so a missing token would throw here.
      const json = JSON.parse(readFileSync(join(builtinThemeDir(), `${name}.json`), 'utf8'));
      expect(() => parseTheme(name, json, null)).not.toThrow();
      expect(Object.keys(theme.tokens).sort()).toEqual([...THEME_TOKENS].sort());
    }
  });

  it('default uses only the 16 ANSI colours; truecolor resolves palette names to hex', () => {
    const def = loadTheme({ name: 'default', env: env(), userDir: '/nonexistent' });
    for (const style of Object.values(def.tokens)) {
      for (const c of [style.color, style.backgroundColor]) if (c) expect(c).toMatch(/^(black|red|green|yellow|blue|magenta|cyan|white)(Bright)?$/);
    }
    const tc = loadTheme({ name: 'gruvbox-truecolor', env: env(), userDir: '/nonexistent' });
    expect(tc.tokens['queue.deferred'].color).toBe('#fabd2f');
  });

  it('mono keeps cursor and marks visible without colour', () => {
    const mono = loadTheme({ name: 'mono', env: env(), userDir: '/nonexistent' });
    expect(mono.tokens.cursor.inverse).toBe(true);
    expect(mono.glyphs).toEqual({ cursor: '>', mark: '*' });
    for (const style of Object.values(mono.tokens)) expect(style.color ?? style.backgroundColor).toBeUndefined();
  });

  it('the built-in mono (what NO_COLOR gets) styles every token as themes/mono.json does', () => {
    const json = JSON.parse(readFileSync(join(builtinThemeDir(), 'mono.json'), 'utf8'));
    const file = parseTheme('mono.json', json, null);
    const forced = loadTheme({ name: 'default', env: env({ NO_COLOR: '1' }) });
    expect(forced.tokens).toEqual(file.tokens);
    expect(forced.tokens['status.warn']).toEqual({ bold: true });
  });
});

describe('loadTheme', () => {
  it('NO_COLOR forces mono even when a theme is named', () => {
    expect(loadTheme({ name: 'high-contrast', env: env({ NO_COLOR: '1' }) }).name).toBe('mono');
    expect(loadTheme({ name: 'high-contrast', env: env({ NO_COLOR: '' }), userDir: '/nonexistent' }).name).toBe('high-contrast');
  });

  it('finds user themes in $XDG_CONFIG_HOME/postq/themes first; partial themes inherit default', () => {
    const xdg = userDir({ 'mine.json': JSON.stringify({ name: 'mine', tokens: { 'queue.hold': { fg: '#ff0000' } } }) });
    const theme = loadTheme({ name: 'mine', env: env({ XDG_CONFIG_HOME: xdg }) });
    expect(theme.tokens['queue.hold'].color).toBe('#ff0000');
    expect(theme.tokens.cursor.inverse).toBe(true);
    expect(listThemes({ env: env({ XDG_CONFIG_HOME: xdg }) })).toContain('mine');
  });

  it('names the file and the key at fault', () => {
    const xdg = userDir({
      'badcolour.json': JSON.stringify({ name: 'x', tokens: { cursor: { fg: 'blu' } } }),
      'badtoken.json': JSON.stringify({ name: 'x', tokens: { 'queue.hld': {} } }),
      'badattr.json': JSON.stringify({ name: 'x', tokens: { cursor: { attrs: ['blink'] } } }),
      'badjson.json': '{ nope',
      'badpalette.json': JSON.stringify({ name: 'x', tokens: { cursor: { fg: '@nope' } } }),
    });
    const e = env({ XDG_CONFIG_HOME: xdg });
    const cases: Array<[string, RegExp]> = [
      ['badcolour', /badcolour\.json: tokens\.cursor\.fg: "blu" is not a colour/],
      ['badtoken', /badtoken\.json: tokens\.queue\.hld: unknown token/],
      ['badattr', /badattr\.json: tokens\.cursor\.attrs: unknown attribute "blink"/],
      ['badjson', /badjson\.json: not valid JSON \(at byte \d+\)/],
      ['badpalette', /badpalette\.json: tokens\.cursor\.fg: "@nope" names no palette entry/],
    ];
    for (const [name, message] of cases) {
      expect(() => loadTheme({ name, env: e })).toThrow(ThemeError);
      expect(() => loadTheme({ name, env: e })).toThrow(message);
    }
  });

  it('an unknown name lists the themes there are', () => {
    expect(() => loadTheme({ name: 'nosuch', env: env(), userDir: '/nonexistent' })).toThrow(/no theme "nosuch".*available: .*default/);
    expect(() => loadTheme({ name: '../etc/passwd', env: env() })).toThrow(ThemeError);
  });
});
