/**
 * Benchmark tables: the machine, then rows of figures with the baseline measured in the same
 * run, the ratio and the goal. Reusable: other parts add their rows (e.g. key press -> frame)
 * with the same Row shape and printTable().
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Row {
  metric: string;
  /** The figure, already formatted with its unit. */
  value: string;
  /** The baseline measured in the same run, formatted; '' when there is none. */
  baseline?: string;
  /** value / baseline, or null. */
  ratio?: number | null;
  /** The goal in words, e.g. '<= 1.0' or '< 300 ms'. */
  goal?: string;
  /** Whether the goal is met; undefined when there is no goal or no figure. */
  ok?: boolean;
}

export function machineLines(): string[] {
  const cpu = cpus();
  let kernel = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    kernel = process.platform;
  }
  let load = '';
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    load = '?';
  }
  return [
    `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, kernel ${kernel}`,
    `node ${process.version}, load average at start ${load}, uid ${process.getuid?.() ?? '?'}`,
  ];
}

export const ms = (value: number | null | undefined) => (value == null ? 'n/a' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`);
export const mb = (bytes: number | null | undefined) => (bytes == null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
export const pct = (value: number | null | undefined) => (value == null ? 'n/a' : `${value.toFixed(2)} %`);

export function ratioOf(value: number | null | undefined, baseline: number | null | undefined): number | null {
  return value == null || baseline == null || baseline === 0 ? null : value / baseline;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function printTable(title: string, rows: Row[], out: (line: string) => void = console.log): void {
  const cells = rows.map((r) => [
    r.metric,
    r.value,
    r.baseline ?? '',
    r.ratio == null ? '' : r.ratio.toFixed(2),
    r.goal ?? '',
    r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
  ]);
  printMarkdownTable(title, ['metric', 'postq', 'baseline (same run)', 'ratio', 'goal', 'met'], cells, out);
}

/** A titled Markdown table, columns padded to their widest cell. */
export function printMarkdownTable(title: string, header: string[], cells: string[][], out: (line: string) => void = console.log): void {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  out('');
  out(`## ${title}`);
  out('');
  out(line(header));
  out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) out(line(c));
}
