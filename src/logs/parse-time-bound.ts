/**
 * `--since` / `--until` values: `@EPOCH` seconds, a duration ago (`90s`, `15m`, `2h`, `3d`),
 * a date `2026-12-04` (local midnight), a local `2026-12-04 15:30[:00]` or
 * `2026-12-04T15:30`, or any RFC 3339 time with an offset. Pure; returns null for anything
 * else (the caller says it is a usage error).
 */
const AGO = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const LOCAL = /^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?$/;

export function parseTimeBound(text: string, now: number): number | null {
  const t = text.trim();
  if (/^@\d+$/.test(t)) return Number(t.slice(1)) * 1000;
  const ago = AGO.exec(t);
  if (ago) return now - Number(ago[1]) * UNIT_MS[ago[2]!]!;
  const local = LOCAL.exec(t);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    const time = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime();
    return Number.isFinite(time) ? time : null;
  }
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(t)) {
    const time = Date.parse(t);
    return Number.isFinite(time) ? time : null;
  }
  return null;
}
