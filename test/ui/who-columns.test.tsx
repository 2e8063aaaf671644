/**
 * The list's optional who columns (LOGIN: the SASL login, CLIENT: the client address): the
 * QueueList alone with ink-testing-library, then the console on the basic corpus (whose SMTP
 * mail came from 127.0.0.1) plus one message with a SASL login, where `i` cycles login,
 * client, both, none, at 100x24, in the compact 100x12 layout, and at 80 columns where a
 * column that does not fit is dropped and the flash line says so.
 */
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { monoTheme } from '../../src/config/theme.js';
import { QueueList } from '../../src/ui/components/queue-list.js';
import { layoutColumns } from '../../src/ui/columns.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { makeEntry, NOW_MS, NOW_SEC } from '../store/fixtures.js';
import { waitForFrame } from './frames.js';
import { mountConsole, type Harness } from './harness.js';

const who = (login: string | null, address: string | null) => ({
  clientName: 'unknown', clientAddress: address, clientPort: '40000', heloName: 'laptop', protocolName: 'ESMTPSA',
  saslMethod: login ? 'PLAIN' : null, saslUsername: login, saslSender: null,
});
const mallory = makeEntry('F00D1E55A1', { sender: 'spam@corp.example', client: who('mallory@corp.example', '198.51.100.77') });

describe('QueueList with the who columns', () => {
  afterEach(() => cleanup());
  const themed = (node: React.ReactElement) => <ThemeContext.Provider value={monoTheme()}>{node}</ThemeContext.Provider>;
  const windowOf = (entries: QueueEntry[]) => ({
    rows: entries.map((entry, index) => ({ entry, index, cursor: index === 0, marked: false, pending: null })),
    start: 0, total: entries.length, cursorIndex: 0, height: 4,
  });

  it('shows LOGIN and CLIENT cells (empty for local mail), sanitized, and drops them where there is no room', async () => {
    const hostile = makeEntry('BAD1E55A1', { client: who('x\x1b[2Jy', '2001:db8::25') });
    const local = makeEntry('LOCA1A1A1', { sender: 'cron@corp.example' });
    const entries = [mallory, hostile, local];
    const { lastFrame } = render(themed(<QueueList window={windowOf(entries)} layout={layoutColumns(100, 12, 'both')} height={4} now={NOW_SEC} emptyText="none" />));
    const lines = (await waitForFrame(lastFrame, 'LOGIN')).split('\n');
    expect(lines[0]).toMatch(/QUEUE ID\s+AGE\s+NEXT LOGIN\s+CLIENT\s+RECIPIENT\s+REASON/);
    expect(lines[1]).toMatch(/^> F00D1E55A1\s+1h\s+\+5m mallory@corp… 198\.51\.100\.77\s+user@example\.com/);
    expect(lines[2]).toContain('x^[[2Jy');
    expect(lines[2]).toContain('2001:db8::25');
    expect(lines[2]).not.toContain('\x1b[2J');
    // Local mail: no login, no client; the two cells are blank.
    expect(lines[3]).toMatch(/LOCA1A1A1\s+1h\s+\+5m {32}user@example\.com/);

    const narrow = render(themed(<QueueList window={windowOf(entries)} layout={layoutColumns(60, 12, 'both')} height={4} now={NOW_SEC} emptyText="none" />));
    const frame = await waitForFrame(narrow.lastFrame, 'QUEUE ID');
    expect(frame).not.toMatch(/LOGIN|CLIENT|mallory|198\.51/);
  });
});

describe('the console: i cycles the who columns', () => {
  let copy: CorpusCopy;
  beforeAll(() => {
    process.env.TZ = 'UTC';
    copy = copyCorpusSpool('basic');
    return () => copy.cleanup();
  });
  const mounted: Harness[] = [];
  afterEach(() => {
    for (const h of mounted.splice(0)) h.unmount();
  });
  async function mount(columns: number, rows: number): Promise<Harness> {
    const h = await mountConsole(copy.spool, { columns, rows, now: NOW_MS });
    mounted.push(h);
    h.store.getState().applySpoolBatch({ upserts: [mallory], removals: [], full: false, firstEventAt: null });
    return h;
  }
  const headerLine = (h: Harness) => h.screen().split('\n').find((l) => l.includes('QUEUE ID')) ?? '';
  const rowOf = (h: Harness, id: string) => h.screen().split('\n').find((l) => l.includes(id)) ?? '';

  it('at 100x24: login, client, both, none; the cells are the SASL login and the client address', async () => {
    const h = await mount(100, 24);
    expect(headerLine(h)).not.toMatch(/LOGIN|CLIENT/);
    h.store.getState().setFilterText('sasl:mallory or origin:smtp');
    await h.press('view.whoColumns');
    expect(headerLine(h)).toMatch(/SENDER\s+LOGIN\s+RECIPIENT/);
    expect(rowOf(h, 'F00D1E55A1')).toContain('mallory@corp');
    expect(h.screen()).toContain('who columns: LOGIN');
    await h.press('view.whoColumns');
    expect(headerLine(h)).toMatch(/SENDER\s+CLIENT\s+RECIPIENT/);
    expect(rowOf(h, 'F00D1E55A1')).toContain('198.51.100.77');
    // The corpus's SMTP mail came over loopback: every other row shows 127.0.0.1.
    const rows = h.screen().split('\n').filter((l) => /^[> ][* ]\w{10,11}[*!#?]*\s/.test(l) && !l.includes('F00D1E55A1'));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(row).toContain('127.0.0.1');
    await h.press('view.whoColumns');
    expect(headerLine(h)).toMatch(/LOGIN\s+CLIENT\s+RECIPIENT/);
    expect(h.screen()).toContain('who columns: LOGIN and CLIENT');
    await h.press('view.whoColumns');
    expect(headerLine(h)).not.toMatch(/LOGIN|CLIENT/);
    expect(h.screen()).toContain('who columns off');
  });

  it('in the compact 100x12 layout, and at 80 columns where CLIENT gives way and the flash says so', async () => {
    const compact = await mount(100, 12);
    await compact.press('view.whoColumns');
    await compact.press('view.whoColumns');
    expect(headerLine(compact)).toMatch(/SENDER\s+CLIENT\s+RECIPIENT/);
    expect(compact.screen().split('\n')).toHaveLength(12);

    const narrow = await mount(80, 24);
    for (let i = 0; i < 3; i++) await narrow.press('view.whoColumns');
    expect(headerLine(narrow)).toMatch(/AGE\s+LOGIN\s+RECIPIENT/);
    expect(headerLine(narrow)).not.toContain('CLIENT');
    expect(narrow.screen()).toContain('who columns: LOGIN and CLIENT (CLIENT needs a wider terminal)');
  });
});
