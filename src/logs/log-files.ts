/**
 * A log file and its rotations, oldest first: logrotate's `mail.log.1`, `mail.log.2.gz`, ...
 * (a higher number is older) and dateext's `mail.log-20261201[.gz]`, then the live file.
 * Names are matched exactly against the base name; nothing else in the directory is read.
 *
 * Contract: listRotations(path) never throws (an unreadable directory gives just the path).
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function listRotations(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path);
  const pattern = new RegExp(`^${escape(base)}(?:\\.(\\d{1,4})|-(\\d{8,10}))(\\.gz)?$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [path];
  }
  const rotated: Array<{ name: string; age: number }> = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    // Numbered: .1 is newer than .2. Dated: a later date is newer. Dated ones sort older
    // than numbered ones never mix in practice; keep each scheme's own order.
    const age = m[1] !== undefined ? Number(m[1]) : 1e12 - Number(m[2]);
    rotated.push({ name, age });
  }
  rotated.sort((a, b) => b.age - a.age || a.name.localeCompare(b.name));
  return [...rotated.map((r) => join(dir, r.name)), path];
}
