/**
 * The merged fleet view's HOST column, on the real App with the basic corpus spread over two
 * targets (ID@TARGET rows, as the fleet console builds them): the ID cell is the bare queue id
 * with mailq's markers, HOST names the target (narrowed keeping both ends when the width is
 * short, dropped at 40 columns where the detail line still names it), `host:` narrows the
 * list to one target, and an ordinary spool has no HOST column at all. `c` copies the bare ids
 * (what a shell on that host takes) and the flash names the host(s); the pane's title says
 * `ID on HOST`, and its log trail says the log is on that host (not this machine's log).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { selectCursorEntry } from '../../src/store/selectors.js';
import { MergedIds, remoteLogTrails, splitMergedId } from '../../src/remote/merged.js';
import { GUTTER, layoutColumns } from '../../src/ui/columns.js';
import { hostColumnWidth, idColumnWidth } from '../../src/ui/id-width.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { mountConsole, type Harness } from './harness.js';

const LONG = 'exec:docker exec -i mailcow-postfix-1';
const HOSTS = ['mx1', LONG];

/** Every other entry on each target, keyed the way the fleet console keys them. */
function spread(entries: QueueEntry[]) {
  const ids = new MergedIds();
  const parts = HOSTS.map((label, h) => ids.toMerged({ upserts: entries.filter((_, i) => i % 2 === h), removals: [], full: true, firstEventAt: null }, label));
  return { upserts: parts.flatMap((p) => p.upserts), removals: [], full: true, firstEventAt: null };
}

interface Row {
  id: string;
  host: string | null;
}

/** The rows on screen, the HOST cell cut out where the layout puts it (under its title). */
function rows(h: Harness, columns: number): Row[] {
  const lines = h.screen().split('\n');
  const header = lines.findIndex((l) => l.includes('QUEUE ID'));
  const s = h.store.getState();
  const layout = layoutColumns(columns, idColumnWidth(s.entries, null), 'off', hostColumnWidth(s.entries, null));
  const i = layout.columns.findIndex((c) => c.id === 'host');
  const at = i < 0 ? -1 : GUTTER + layout.columns.slice(0, i).reduce((n, c) => n + c.width + 1, 0);
  const next = i < 0 ? -1 : at + layout.columns[i]!.width;
  if (i >= 0) expect(lines[header]!.slice(at, next).trim()).toBe('HOST');
  const out: Row[] = [];
  for (const line of lines.slice(header + 1)) {
    const id = /^[> ][* ]([0-9A-Z]{6,}[*!#?]*)(\s|$)/.exec(line)?.[1];
    if (!id) continue;
    out.push({ id, host: at < 0 ? null : line.slice(at, next).trim() });
  }
  return out;
}

describe('merged fleet view: the HOST column', () => {
  let copy: CorpusCopy;
  beforeAll(() => {
    copy = copyCorpusSpool('basic');
  });
  afterAll(() => copy.cleanup());

  it('120 columns: bare ids, the target whole or narrowed at both ends, never ID@TARGET', async () => {
    const h = await mountConsole(copy.spool, { columns: 120, rows: 30, firstBatch: spread });
    try {
      expect(h.screen()).toMatch(/QUEUE ID\s+HOST\s+AGE/);
      expect(h.screen()).not.toMatch(/[0-9A-Z]@(mx1|exec)/);
      const shown = rows(h, 120);
      expect(shown.length).toBeGreaterThan(10);
      const entries = h.store.getState().entries;
      for (const r of shown) {
        const bare = /^[0-9A-Z]+/.exec(r.id)![0];
        const owners = HOSTS.filter((label) => entries.has(`${bare}@${label}`));
        expect(owners, r.id).toHaveLength(1);
        expect(r.host, r.id).toEqual(owners[0] === 'mx1' ? 'mx1' : expect.stringMatching(/^exec:.*…\S*-1$/));
      }
      expect(new Set(shown.map((r) => r.host)).size).toBe(2);
    } finally {
      h.unmount();
    }
  });

  it('host: narrows to one target', async () => {
    const h = await mountConsole(copy.spool, { columns: 120, rows: 30, firstBatch: spread });
    try {
      await h.press('view.filter');
      await h.type('host:mx1');
      await h.press('filter.apply');
      const shown = rows(h, 120);
      expect(shown.length).toBeGreaterThan(5);
      expect(shown.every((r) => r.host === 'mx1')).toBe(true);
    } finally {
      h.unmount();
    }
  });

  it('60 columns: HOST narrowed to a few cells keeping both ends; 40 columns: dropped, the detail line names the target', async () => {
    const mid = await mountConsole(copy.spool, { columns: 60, rows: 24, firstBatch: spread });
    try {
      const hosts = new Set(rows(mid, 60).map((r) => r.host));
      expect(hosts).toEqual(new Set(['mx1', expect.stringMatching(/^exe…\S*-1$/)]));
      expect([...hosts].every((x) => x!.length <= 7)).toBe(true);
    } finally {
      mid.unmount();
    }
    const narrow = await mountConsole(copy.spool, { columns: 40, rows: 24, firstBatch: spread });
    try {
      expect(narrow.screen()).not.toContain('HOST');
      expect(rows(narrow, 40).length).toBeGreaterThan(5);
      const cursor = selectCursorEntry(narrow.store.getState())!;
      expect(narrow.screen()).toContain(`on ${cursor.host === 'mx1' ? 'mx1' : 'exec:'}`);
    } finally {
      narrow.unmount();
    }
  });

  it('c copies bare queue ids, the flash names their hosts; the pane title says ID on HOST; the log trail says the log is there', async () => {
    const logTrails = remoteLogTrails((id) => splitMergedId(id)!);
    const h = await mountConsole(copy.spool, { columns: 120, rows: 30, firstBatch: spread, logTrails });
    const copied = () => {
      const osc = h.term.stdout.chunks.filter((c) => c.includes('\x1b]52;c;')).pop()!;
      return Buffer.from(/\x1b]52;c;([^\x07]*)\x07/.exec(osc)![1]!, 'base64').toString('utf8');
    };
    try {
      const first = selectCursorEntry(h.store.getState())!;
      const bare = first.queueId.slice(0, first.queueId.indexOf('@'));
      await h.press('mark.copy');
      expect(copied()).toBe(bare);
      expect(h.screen()).toContain(`copied ${bare} (on ${first.host}) to the clipboard`);
      // Mark the cursor row and the next row from the other host: both ids bare, grouped by host.
      await h.press('mark.toggle');
      while (selectCursorEntry(h.store.getState())!.host === first.host) await h.press('list.down');
      const second = selectCursorEntry(h.store.getState())!;
      await h.press('mark.toggle');
      await h.press('mark.copy');
      const byHost = [first, second].sort((x, y) => x.host!.localeCompare(y.host!)).map((e) => e.queueId.slice(0, e.queueId.indexOf('@')));
      expect(copied()).toBe(byHost.join(' '));
      expect(copied()).not.toContain('@');
      expect(h.store.getState().flash?.text).toMatch(/^copied 2 marked ids \((mx1: 1, exec:.*: 1|exec:.*: 1, mx1: 1); each id is valid on its host only\)/);
      const shown = selectCursorEntry(h.store.getState())!;
      await h.press('pane.open');
      const id2 = shown.queueId.slice(0, shown.queueId.indexOf('@'));
      expect(h.ui.getState().pane?.title).toMatch(new RegExp(`^${id2} on ${shown.host === 'mx1' ? 'mx1' : 'exec:docker exec -i mailcow-postfix-1'}  \\S+  \\d+ bytes`));
      expect(h.screen()).toContain(`${id2} on `);
      expect(h.screen()).not.toContain(`${id2}@`);
      // This machine's log is not that host's: the Log section says where the log is, and searches nothing here.
      await h.press('pane.log');
      expect(h.ui.getState().log).toMatchObject({ queueId: id2, phase: 'unavailable' });
      expect(h.screen()).toContain(`the log is on ${shown.host === 'mx1' ? 'mx1' : 'exec:'}`);
      expect(h.screen()).not.toContain(`${id2}@`);
    } finally {
      h.unmount();
    }
  });

  it('one spool (no targets): no HOST column', async () => {
    const h = await mountConsole(copy.spool, { columns: 120, rows: 30 });
    try {
      expect(h.screen()).toMatch(/QUEUE ID\s+AGE/);
      expect(h.screen()).not.toContain('HOST');
    } finally {
      h.unmount();
    }
  });
});
