/**
 * Ages (s m h d w, combinable) and sizes (bytes, k M G, 1024-based) as an admin writes them:
 * the filter language's comparisons (store/filter-parse.ts) and the thresholds file and flags
 * (config/thresholds.ts) read the same units. In domain so both layers reach it without
 * config importing the store. Pure; a bad value throws ParseFailure with its position.
 */
const AGE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A filter that does not parse: where (0-based offset) and why. Caught by parseFilter. */
export class ParseFailure extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

/** N with s/m/h/d/w units, e.g. 90s, 2h, 1h30m, 1.5d -> seconds. */
export function parseAge(text: string, position = 0): number {
  const parts = /^(?:\d+(?:\.\d+)?[smhdw])+$/i.test(text) ? text.match(/\d+(?:\.\d+)?[smhdw]/gi) : null;
  if (!parts) {
    throw new ParseFailure(position, `bad age "${text}": a number with a unit s, m, h, d or w (e.g. 2h, 1h30m)`);
  }
  let seconds = 0;
  for (const part of parts) seconds += Number(part.slice(0, -1)) * AGE_UNITS[part.slice(-1).toLowerCase()]!;
  return seconds;
}

/** N in bytes or with k/M/G (1024-based), e.g. 500, 10k, 1.5M -> bytes. */
export function parseSize(text: string, position = 0): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)(?:i?b)?$/i.exec(text);
  if (!m) throw new ParseFailure(position, `bad size "${text}": a number of bytes, or with k, M or G (e.g. 10k, 1M)`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
}
