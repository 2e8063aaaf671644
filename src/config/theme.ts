/**
 * Themes: semantic tokens -> text styles. A theme file (themes/NAME.json) is data:
 *   { "name": "...", "description": "...", "palette": { "warm": "#d7875f" },
 *     "glyphs": { "cursor": ">", "mark": "*" }, "tokens": { "queue.deferred": { "fg": "yellow" } } }
 * Colours: `default`, the 16 ANSI names (`red`, `brightred`, ...), `#rrggbb`, `ansi256:N`, or
 * `@name` for a palette entry. Attributes: bold, dim, underline, inverse, italic.
 * Tokens a theme leaves out come from the fallback (the built-in default), so user themes may
 * be partial. parseTheme() is pure; it throws ThemeError naming the file and the key at fault.
 */

export const THEME_TOKENS = [
  'text', 'muted', 'accent', 'header', 'columnHeader', 'cursor', 'marked', 'pending',
  'queue.maildrop', 'queue.incoming', 'queue.active', 'queue.deferred', 'queue.hold', 'queue.corrupt',
  'age.fresh', 'age.hours', 'age.days',
  'status.ok', 'status.warn', 'status.error', 'status.info',
  'danger', 'escaped', 'filter', 'readOnly', 'live', 'paused', 'key', 'disabled', 'border',
] as const;
export type ThemeToken = (typeof THEME_TOKENS)[number];

export const THEME_ATTRS = ['bold', 'dim', 'underline', 'inverse', 'italic'] as const;
type ThemeAttr = (typeof THEME_ATTRS)[number];

/** What Ink's <Text> takes: colour names as chalk spells them, hex, or ansi256(N). */
export interface TextStyle {
  color?: string;
  backgroundColor?: string;
  bold?: boolean;
  dim?: boolean;
  underline?: boolean;
  inverse?: boolean;
  italic?: boolean;
}

export interface Theme {
  name: string;
  description: string;
  glyphs: { cursor: string; mark: string };
  tokens: Record<ThemeToken, TextStyle>;
}

export class ThemeError extends Error {
  override readonly name = 'ThemeError';
  constructor(
    readonly file: string,
    readonly key: string,
    problem: string,
  ) {
    super(`${file}: ${key ? `${key}: ` : ''}${problem}`);
  }
}

const ANSI = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
const COLOUR_HELP = 'expected default, one of the 16 ANSI names (red, brightred, ...), #rrggbb, ansi256:N or @palette-name';

/** A theme colour -> what Ink's colorize() accepts; undefined for `default`; null if invalid. */
function toInkColour(value: string): string | undefined | null {
  const v = value.toLowerCase();
  if (v === 'default') return undefined;
  if (ANSI.includes(v)) return v;
  const bright = /^bright(\w+)$/.exec(v);
  if (bright && ANSI.includes(bright[1]!)) return `${bright[1]}Bright`;
  if (v === 'gray' || v === 'grey') return 'gray';
  if (/^#[0-9a-f]{6}$/.test(v)) return v;
  const n = /^ansi256:(\d{1,3})$/.exec(v);
  if (n && Number(n[1]) <= 255) return `ansi256(${n[1]})`;
  return null;
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseColour(file: string, key: string, value: Json, palette: Map<string, string>): string | undefined {
  if (typeof value !== 'string') throw new ThemeError(file, key, `must be a string (${COLOUR_HELP})`);
  let raw = value;
  if (raw.startsWith('@')) {
    const found = palette.get(raw.slice(1));
    if (found === undefined) throw new ThemeError(file, key, `"${value}" names no palette entry`);
    raw = found;
  }
  const colour = toInkColour(raw);
  if (colour === null) throw new ThemeError(file, key, `"${value}" is not a colour (${COLOUR_HELP})`);
  return colour;
}

function parseStyle(file: string, key: string, value: Json, palette: Map<string, string>): TextStyle {
  if (!isObject(value)) throw new ThemeError(file, key, 'must be an object like {"fg": "yellow", "attrs": ["bold"]}');
  const style: TextStyle = {};
  for (const [field, v] of Object.entries(value)) {
    if (field === 'fg') style.color = parseColour(file, `${key}.fg`, v, palette);
    else if (field === 'bg') style.backgroundColor = parseColour(file, `${key}.bg`, v, palette);
    else if (field === 'attrs') {
      if (!Array.isArray(v)) throw new ThemeError(file, `${key}.attrs`, `must be a list of ${THEME_ATTRS.join(', ')}`);
      for (const attr of v) {
        if (typeof attr !== 'string' || !(THEME_ATTRS as readonly string[]).includes(attr)) {
          throw new ThemeError(file, `${key}.attrs`, `unknown attribute ${JSON.stringify(attr)} (expected ${THEME_ATTRS.join(', ')})`);
        }
        style[attr as ThemeAttr] = true;
      }
    } else throw new ThemeError(file, `${key}.${field}`, 'unknown field (expected fg, bg, attrs)');
  }
  if (style.color === undefined) delete style.color;
  if (style.backgroundColor === undefined) delete style.backgroundColor;
  return style;
}

function parseGlyph(file: string, key: string, value: Json): string {
  // One printable, single-cell character: glyphs carry the cursor and marks without colour.
  if (typeof value !== 'string' || !/^[\x21-\x7e\u00a0-\u024f\u2190-\u25ff]$/u.test(value)) {
    throw new ThemeError(file, key, 'must be one printable single-width character');
  }
  return value;
}

/** Validate a parsed theme file; missing tokens come from `fallback`. */
export function parseTheme(file: string, json: Json, fallback: Theme | null): Theme {
  if (!isObject(json)) throw new ThemeError(file, '', 'a theme file must hold a JSON object');
  for (const key of Object.keys(json)) {
    if (!['name', 'description', 'palette', 'glyphs', 'tokens', '$schema'].includes(key)) {
      throw new ThemeError(file, key, 'unknown key (expected name, description, palette, glyphs, tokens)');
    }
  }
  if (typeof json.name !== 'string' || json.name === '') throw new ThemeError(file, 'name', 'must be a non-empty string');
  const palette = new Map<string, string>();
  if (json.palette !== undefined) {
    if (!isObject(json.palette)) throw new ThemeError(file, 'palette', 'must be an object of name -> colour');
    for (const [name, colour] of Object.entries(json.palette)) {
      if (typeof colour !== 'string' || toInkColour(colour) === null) {
        throw new ThemeError(file, `palette.${name}`, `${JSON.stringify(colour)} is not a colour (${COLOUR_HELP})`);
      }
      palette.set(name, colour);
    }
  }
  const glyphsIn = json.glyphs ?? {};
  if (!isObject(glyphsIn)) throw new ThemeError(file, 'glyphs', 'must be an object {"cursor": ">", "mark": "*"}');
  for (const key of Object.keys(glyphsIn)) {
    if (key !== 'cursor' && key !== 'mark') throw new ThemeError(file, `glyphs.${key}`, 'unknown glyph (expected cursor, mark)');
  }
  const glyphs = {
    cursor: glyphsIn.cursor === undefined ? (fallback?.glyphs.cursor ?? '>') : parseGlyph(file, 'glyphs.cursor', glyphsIn.cursor),
    mark: glyphsIn.mark === undefined ? (fallback?.glyphs.mark ?? '*') : parseGlyph(file, 'glyphs.mark', glyphsIn.mark),
  };
  if (glyphs.cursor === glyphs.mark) throw new ThemeError(file, 'glyphs', 'cursor and mark glyphs must differ');
  const tokensIn = json.tokens ?? {};
  if (!isObject(tokensIn)) throw new ThemeError(file, 'tokens', 'must be an object of token -> style');
  const tokens = {} as Record<ThemeToken, TextStyle>;
  for (const [key, value] of Object.entries(tokensIn)) {
    if (!(THEME_TOKENS as readonly string[]).includes(key)) {
      throw new ThemeError(file, `tokens.${key}`, `unknown token (known: ${THEME_TOKENS.join(', ')})`);
    }
    tokens[key as ThemeToken] = parseStyle(file, `tokens.${key}`, value, palette);
  }
  for (const token of THEME_TOKENS) {
    if (tokens[token]) continue;
    if (!fallback) throw new ThemeError(file, `tokens.${token}`, 'missing (a built-in theme must define every token)');
    tokens[token] = fallback.tokens[token];
  }
  const description = typeof json.description === 'string' ? json.description : '';
  return { name: json.name, description, glyphs, tokens };
}

/**
 * Attributes only: what NO_COLOR (and TERM without colours) gets. Also the last resort. The
 * same styles as themes/mono.json (a test holds them equal): a warning is bold, as an error
 * is, so a threshold's amber still shows without colour.
 */
export function monoTheme(): Theme {
  const tokens = Object.fromEntries(THEME_TOKENS.map((t) => [t, {}])) as Record<ThemeToken, TextStyle>;
  Object.assign(tokens, {
    header: { bold: true }, columnHeader: { underline: true }, cursor: { inverse: true },
    marked: { bold: true }, pending: { dim: true }, muted: { dim: true }, accent: { bold: true },
    'queue.corrupt': { bold: true }, 'age.days': { bold: true }, 'status.warn': { bold: true }, 'status.error': { bold: true },
    danger: { bold: true, inverse: true }, escaped: { dim: true }, filter: { underline: true },
    readOnly: { bold: true }, paused: { bold: true, inverse: true }, key: { bold: true }, disabled: { dim: true }, border: { dim: true },
  });
  return { name: 'mono', description: 'attributes only (NO_COLOR)', glyphs: { cursor: '>', mark: '*' }, tokens };
}
