/**
 * Columns: what fits at each width (priority order), exact row widths for every corpus entry
 * at many widths, sanitized cells, and the short human formats.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { scanQueues } from '../../src/watch/scan.js';
import { GUTTER, formatHeaderRow, formatRow, layoutColumns, reasonClass } from '../../src/ui/columns.js';
import { cellWidth, expandTabs, fitCells, truncateCells, truncateMiddle } from '../../src/ui/text-cells.js';
import { formatAge, formatRetry, formatSize } from '../../src/ui/format.js';
import { copyCorpusSpool } from '../helpers/corpus.js';

const copy = copyCorpusSpool('basic');
afterAll(() => copy.cleanup());
const entries = scanQueues(resolveSpoolConfig({ spool: copy.spool }), QUEUE_NAMES);

describe('layoutColumns', () => {
  it('drops columns by priority as the width shrinks', () => {
    const ids = (w: number) => layoutColumns(w).columns.map((c) => c.id);
    expect(ids(160)).toEqual(['id', 'age', 'arrival', 'size', 'next', 'expires', 'sender', 'rcpt', 'reason']);
    expect(ids(120)).toEqual(['id', 'age', 'size', 'next', 'expires', 'sender', 'rcpt', 'reason']);
    expect(ids(100)).toEqual(['id', 'age', 'next', 'sender', 'rcpt', 'reason']);
    expect(ids(80)).toEqual(['id', 'age', 'sender', 'rcpt', 'reason']);
    expect(ids(60)).toEqual(['id', 'age', 'rcpt', 'reason']);
    expect(ids(40)).toEqual(['id', 'age', 'reason']);
  });

  it('every row of every corpus entry is exactly the width, at every width from 40 to 200', () => {
    for (let width = 40; width <= 200; width += 7) {
      const layout = layoutColumns(width);
      expect(cellWidth(formatHeaderRow(layout))).toBe(width - GUTTER);
      for (const e of entries) {
        const row = formatRow(e, layout, e.arrivalTime + 7200);
        expect(cellWidth(row), `${e.queueId} at ${width}`).toBe(width - GUTTER);
        expect(row).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }
    }
  });

  it('the row keeps +N for many recipients and the mailq markers', () => {
    const layout = layoutColumns(120);
    const many = entries.find((e) => e.queueId === '8A59A22C209')!;
    expect(formatRow(many, layout, many.arrivalTime)).toContain('+299');
    const held = entries.find((e) => e.queueName === 'hold' && !e.forcedExpire)!;
    expect(formatRow(held, layout, held.arrivalTime)).toMatch(new RegExp(`^${held.queueId}!`));
    const expired = entries.find((e) => e.forcedExpire)!;
    expect(formatRow(expired, layout, expired.arrivalTime)).toMatch(new RegExp(`^${expired.queueId}#`));
  });

  it('AGE shows 10h..23h59m whole, NEXT a retry as far off', () => {
    const e = { ...entries.find((x) => x.queueName === 'deferred')! };
    for (const width of [60, 100]) {
      const layout = layoutColumns(width);
      const age = layout.columns.find((c) => c.id === 'age')!;
      expect(formatRow(e, layout, e.arrivalTime + 23 * 3600 + 59 * 60)).toContain('23h59m');
      expect(age.width).toBeGreaterThanOrEqual(6);
    }
    e.mtime = e.arrivalTime + 12 * 3600 + 34 * 60;
    expect(formatRow(e, layoutColumns(100), e.arrivalTime)).toContain('+12h34m');
  });
});

describe('the HOST column (merged fleet view)', () => {
  it('comes in only with targets, after the id, narrows to 6 cells and goes at 40 columns', () => {
    const host = (w: number, hostWidth: number) => layoutColumns(w, 13, 'off', hostWidth).columns.find((c) => c.id === 'host')?.width ?? null;
    expect(layoutColumns(120, 12, 'off', 0).columns.map((c) => c.id)).not.toContain('host');
    expect(layoutColumns(120, 12, 'off', 7).columns.map((c) => c.id).slice(0, 2)).toEqual(['id', 'host']);
    expect(host(120, 3)).toBe(4); // never narrower than its title
    expect(host(200, 36)).toBe(24); // never wider than 24
    expect(host(60, 36)).toBeGreaterThanOrEqual(6);
    expect(host(40, 36)).toBeNull(); // id (13 with markers) and REASON first
  });

  it('rows stay exactly the width, the id bare, the label cut in the middle', () => {
    const e = { ...entries[0]!, queueId: `${entries[0]!.queueId}@exec:docker exec -i mailcow-postfix-1`, host: 'exec:docker exec -i mailcow-postfix-1' };
    for (let width = 40; width <= 200; width += 7) {
      const layout = layoutColumns(width, 13, 'off', 37);
      const row = formatRow(e, layout, e.arrivalTime);
      expect(cellWidth(row)).toBe(width - GUTTER);
      expect(row.startsWith(entries[0]!.queueId)).toBe(true);
      expect(row.split(' ')[0]).not.toContain('@');
    }
    expect(truncateMiddle('mx1.eu.example.com', 7)).toBe('mx1…com');
    expect(truncateMiddle('mx1', 7)).toBe('mx1');
  });
});

describe('text cells and formats', () => {
  it('measures, truncates and pads wide characters by cells', () => {
    expect(cellWidth('日本')).toBe(4);
    expect(truncateCells('日本語テキスト', 5)).toBe('日本…');
    expect(cellWidth(fitCells('日本語', 5))).toBe(5);
    expect(fitCells('abc', 5, true)).toBe('  abc');
    expect(expandTabs('a\tb')).toBe('a       b');
  });
  it('formats ages, sizes, retries and reason classes', () => {
    expect(formatAge(45)).toBe('45s');
    expect(formatAge(125 * 60)).toBe('2h5m');
    expect(formatAge(3 * 86400 + 7200)).toBe('3d2h');
    expect(formatAge(20 * 86400)).toBe('20d');
    expect(formatSize(900)).toBe('900');
    expect(formatSize(1536)).toBe('1.5K');
    expect(formatSize(3 * 1024 * 1024)).toBe('3.0M');
    expect(formatRetry(1000 + 44 * 60, 1000)).toBe('+44m');
    expect(formatRetry(900, 1000)).toBe('due');
    expect(reasonClass('connect to x[1.2.3.4]:25: Connection timed out')).toBe('conn timed out');
    expect(reasonClass('host x said: 450 4.7.1 greylisted, try again later')).toBe('greylisted');
    expect(reasonClass('550 5.1.1 user unknown')).toBe('user unknown');
  });
});
