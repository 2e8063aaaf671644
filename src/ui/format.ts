/**
 * Short human forms for the list and header: ages ("3d2h", "45m"), sizes ("1.2M"), counts
 * ("1,234"), retry times ("+44m", "due"). Pure; times in epoch seconds.
 */

/** Two units at most: 45s, 12m, 2h5m, 3d2h, 14d. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  if (d >= 10) return `${d}d`;
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes}`;
  const units = ['K', 'M', 'G', 'T'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}${units[unit]}`;
}

/** Next retry of a deferred message: "+44m", or "due" once the time has passed. */
export function formatRetry(retryAt: number, now: number): string {
  return retryAt > now ? `+${formatAge(retryAt - now)}` : 'due';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** mailq's arrival form, "Sat Nov 28 19:43" shortened to "Nov 28 19:43" (local time). */
export function formatArrival(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
