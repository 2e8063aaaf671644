/**
 * The who/why group views: GroupsView alone with ink-testing-library (headings, the cursor
 * row, paging, sanitized labels), then the console on the basic corpus (real defer logs:
 * refused connections, greylisting, a full mailbox) plus three messages with SASL logins,
 * pressed by binding id: `r` rows per reason cluster x domain, `s`/`S` sort, `b` regroups,
 * `w` by login, and Enter sets the filter that lists exactly the row's messages.
 */
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { monoTheme } from '../../src/config/theme.js';
import { buildGroups } from '../../src/store/groupings.js';
import { selectVisibleIds } from '../../src/store/selectors.js';
import { GroupsView } from '../../src/ui/components/groups-view.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { makeEntry, NOW_MS, NOW_SEC } from '../store/fixtures.js';
import { waitForFrame } from './frames.js';
import { mountConsole, type Harness } from './harness.js';

const who = (login: string) => ({
  clientName: 'unknown', clientAddress: '198.51.100.77', clientPort: '40000', heloName: 'laptop', protocolName: 'ESMTPSA',
  saslMethod: 'PLAIN', saslUsername: login, saslSender: null,
});
const logins = [
  makeEntry('F00D1E55A1', { sender: 'spam1@corp.example', client: who('mallory@corp.example') }),
  makeEntry('F00D1E55A2', { sender: 'spam2@corp.example', client: who('mallory@corp.example') }),
  makeEntry('B0B0B0B0B1', { sender: 'bob@corp.example', client: who('bob@corp.example') }),
];

describe('GroupsView alone', () => {
  afterEach(() => cleanup());
  it('headings, the cursor row, pages of rows, and labels from mail sanitized', async () => {
    const entries = [
      ...logins,
      makeEntry('E5C0000001', { client: who('evil\x1b[2J@x.example') }),
      makeEntry('E5C0000002', { client: who('carol@corp.example') }),
    ];
    const rows = buildGroups(entries, 'sasl', NOW_SEC);
    const { lastFrame } = render(
      <ThemeContext.Provider value={monoTheme()}>
        <GroupsView rows={rows} title="who: by SASL login" width={100} height={5} cursor={3} raw={false} now={NOW_SEC} />
      </ThemeContext.Provider>,
    );
    const lines = (await waitForFrame(lastFrame, 'MSGS')).split('\n');
    // Height 5: title, headings, 3 rows; the cursor (row 4) is on the second page.
    expect(lines[0]).toMatch(/^who: by SASL login 4-4\/4/);
    expect(lines[1]).toMatch(/MSGS RCPTS OLDEST NEWEST\s+NEXT AGES\s+GROUP/);
    expect(lines[2]).toMatch(/^> \s+1\s+1\s+1h\s+1h\s+\+5m \S+\s+evil\^\[\[2J@x\.example/);
    expect(lastFrame()).not.toContain('\x1b[2J');
    expect(rows.map((r) => [r.label, r.messages])).toEqual([['mallory@corp.example', 2], ['bob@corp.example', 1], ['carol@corp.example', 1], ['evil\x1b[2J@x.example', 1]]);
  });
});

describe('the console: r, w, sort, regroup, Enter', () => {
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
  async function mount(columns = 100, rows = 24): Promise<Harness> {
    const h = await mountConsole(copy.spool, { columns, rows, now: NOW_MS });
    mounted.push(h);
    h.store.getState().applySpoolBatch({ upserts: logins, removals: [], full: false, firstEventAt: null });
    return h;
  }
  /** The view's rows: [messages, the rest of the line], cursor row first marked by `>`. */
  const groupRows = (h: Harness) => h.screen().split('\n').filter((l) => /^[> ] +\d+ +\d+ /.test(l)).map((l) => ({ cursor: l.startsWith('>'), msgs: Number(/^[> ] +(\d+)/.exec(l)![1]), line: l }));

  it('r: one row per reason cluster x domain, largest first; S reverses, s sorts by next retry; b regroups', async () => {
    const h = await mount();
    await h.press('view.why');
    expect(h.screen()).toMatch(/why: reason clusters x domain, all queues, by messages 8 /);
    let rows = groupRows(h);
    expect(rows.map((r) => r.msgs)).toEqual([11, 9, 8, 1, 1, 1, 1, 1]);
    expect(rows[0]!.cursor).toBe(true);
    expect(rows[0]!.line).toMatch(/lists\.example\.com\s+refused connect to <host>: Connection/);
    expect(rows.find((r) => r.line.includes('grey.example.net'))!.line).toContain('greylisting');
    expect(rows.find((r) => r.line.includes('slow.example.net'))!.line).toContain('mailbox full');

    await h.press('groups.sortReverse');
    expect(h.screen()).toContain('by messages ↓');
    expect(groupRows(h).map((r) => r.msgs)).toEqual([1, 1, 1, 1, 1, 8, 9, 11]);
    await h.press('groups.sortReverse');
    for (let i = 0; i < 3; i++) await h.press('groups.sort'); // messages -> oldest -> newest -> retry
    expect(h.screen()).toContain('by retry');
    rows = groupRows(h);
    // The soonest retry first: the rows already due, then those retried in 59 minutes.
    const due = rows.map((r) => /\sdue\s/.test(r.line));
    expect(due.indexOf(false)).toBe(due.lastIndexOf(true) + 1);
    expect(due.filter(Boolean).length).toBe(2);

    await h.press('groups.by');
    expect(h.screen()).toContain('by recipient domain, all queues');
    // 14, not 15: incoming/52AAC22C26C is still being written (0600), no message yet, as in the list.
    expect(groupRows(h).map((r) => r.line)).toContainEqual(expect.stringMatching(/\s14\s+113\s.*lists\.example\.com/));
  });

  it('Enter on a row sets the filter that lists exactly its messages; the cursor picks the row', async () => {
    const h = await mount();
    await h.press('view.why');
    await h.press('groups.down');
    expect(groupRows(h)[1]!.cursor).toBe(true);
    await h.press('groups.open');
    const s = h.store.getState();
    expect(s.filterText).toMatch(/^why:#[0-9a-f]+ to:\/@far\\\.example\$\/$/);
    expect(h.screen()).toMatch(/all queues 9 of 39\s+filter why:#/);
    const listed = h.screen().split('\n').filter((l) => /^[> ] [0-9A-F]{10,11}/.test(l));
    expect(listed).toHaveLength(9);
    for (const line of listed) expect(line).toMatch(/@far\.e/);

    await h.press('view.who');
    expect(h.screen()).toContain('who: by SASL login');
    const rows = groupRows(h);
    expect(rows[0]!.line).toMatch(/\(no SASL login\)/);
    expect(rows.slice(1).map((r) => [r.msgs, /(\S+@corp\.example)/.exec(r.line)![1]])).toEqual([[2, 'mallory@corp.example'], [1, 'bob@corp.example']]);
    await h.press('groups.down');
    await h.press('groups.open');
    expect(h.store.getState().filterText).toBe('sasl:/^mallory@corp\\.example$/');
    expect([...selectVisibleIds(h.store.getState())].sort()).toEqual(['F00D1E55A1', 'F00D1E55A2']);
    expect(h.screen()).toMatch(/all queues 2 of 39/);
  });

  it('fits the compact 100x12 layout: a page of rows with its place in the list', async () => {
    const h = await mount(100, 12);
    await h.press('view.why');
    const lines = h.screen().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines.find((l) => l.startsWith('why:'))).toMatch(/ 1-\d\/8 /);
    for (let i = 0; i < 7; i++) await h.press('groups.down');
    expect(groupRows(h).find((r) => r.cursor)!.line).toMatch(/slow\.example\.net|grey\.example\.net/);
  });
});
