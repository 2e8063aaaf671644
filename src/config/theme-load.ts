/**
 * Finding and loading a theme by name: the user's theme directory
 * ($XDG_CONFIG_HOME/postq/themes, else ~/.config/postq/themes) first, then the themes/ shipped
 * with postq. NO_COLOR (set and not empty) forces the attributes-only `mono` theme whatever
 * was asked for, because chalk inside Ink ignores NO_COLOR. Throws ThemeError (file + key) for
 * a bad file or an unknown name; reads files and nothing else. findThemeFile() and
 * loadThemeFile() serve the console's live reload (src/watch/theme-watcher.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monoTheme, parseTheme, ThemeError, type Theme } from './theme.js';

/** themes/ beside the package: dist/config/ and src/config/ are both two levels down. */
export function builtinThemeDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../themes');
}

export function userThemeDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'postq', 'themes');
}

export interface ThemeLookup {
  name?: string | null;
  env?: NodeJS.ProcessEnv;
  userDir?: string;
  builtinDir?: string;
}

function readThemeFile(path: string, fallback: Theme | null): Theme {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ThemeError(path, '', `cannot read theme: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Never the parser's message: it quotes the file's start, and a theme path symlinked to
    // a secret (a root-run console) would print it. Only where it went wrong.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new ThemeError(path, '', `not valid JSON${at === undefined ? '' : ` (at byte ${at})`}`);
  }
  return parseTheme(path, json, fallback);
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  } catch {
    return [];
  }
}

/** Theme names available, user ones first, without duplicates. */
export function listThemes(lookup: ThemeLookup = {}): string[] {
  const env = lookup.env ?? process.env;
  const names = [...listNames(lookup.userDir ?? userThemeDir(env)), ...listNames(lookup.builtinDir ?? builtinThemeDir())];
  return [...new Set(names)].sort();
}

function defaultFallback(builtinDir: string): Theme {
  const defaultPath = join(builtinDir, 'default.json');
  return existsSync(defaultPath) ? readThemeFile(defaultPath, null) : monoTheme();
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) {
    throw new ThemeError(name, '', 'a theme name is a file name without .json (letters, digits, ., _, -)');
  }
}

/**
 * The file loadTheme() reads for this lookup, or null when it reads none: NO_COLOR (mono is
 * forced), a bad name, or a name answered without a file (default, mono).
 */
export function findThemeFile(lookup: ThemeLookup = {}): string | null {
  const env = lookup.env ?? process.env;
  if (env.NO_COLOR) return null;
  const name = lookup.name || env.POSTQ_THEME || 'default';
  try {
    checkName(name);
  } catch {
    return null;
  }
  for (const dir of [lookup.userDir ?? userThemeDir(env), lookup.builtinDir ?? builtinThemeDir()]) {
    const path = join(dir, `${name}.json`);
    if (existsSync(path)) return path;
  }
  return null;
}

/** Read one theme file again (live reload); the built-in default fills what it leaves out. */
export function loadThemeFile(path: string, lookup: ThemeLookup = {}): Theme {
  return readThemeFile(path, defaultFallback(lookup.builtinDir ?? builtinThemeDir()));
}

export function loadTheme(lookup: ThemeLookup = {}): Theme {
  const env = lookup.env ?? process.env;
  if (env.NO_COLOR) return monoTheme();
  const name = lookup.name || env.POSTQ_THEME || 'default';
  checkName(name);
  const builtinDir = lookup.builtinDir ?? builtinThemeDir();
  const userDir = lookup.userDir ?? userThemeDir(env);
  const fallback = defaultFallback(builtinDir);
  const path = findThemeFile({ name, env, userDir, builtinDir });
  if (path) return readThemeFile(path, fallback);
  if (name === 'default') return fallback;
  if (name === 'mono') return monoTheme();
  const known = listThemes({ env, userDir, builtinDir });
  throw new ThemeError(`${name}.json`, '', `no theme "${name}" in ${userDir} or ${builtinDir} (available: ${known.join(', ') || 'none'})`);
}
