/**
 * Components alone, with ink-testing-library (width 100): header, crumbs, list, confirmation,
 * help. Frames are awaited with waitForFrame, never with a timer.
 */
import React from 'react';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { Confirmation } from '../../src/store/console-state.js';
import type { CountsView } from '../../src/store/selectors.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { monoTheme } from '../../src/config/theme.js';
import { Header } from '../../src/ui/components/header.js';
import { Crumbs } from '../../src/ui/components/crumbs.js';
import { QueueList } from '../../src/ui/components/queue-list.js';
import { ConfirmView } from '../../src/ui/components/confirm-view.js';
import { HelpView } from '../../src/ui/components/help-view.js';
import { layoutColumns } from '../../src/ui/columns.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { waitForFrame } from './frames.js';

afterEach(() => cleanup());
const themed = (node: React.ReactElement) => <ThemeContext.Provider value={monoTheme()}>{node}</ThemeContext.Provider>;

function counts(partial: Partial<Record<string, number>>): CountsView {
  const queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, { count: partial[q] ?? 0, indexed: partial[q] ?? 0, totalSize: 1000 * (partial[q] ?? 0), oldestArrival: partial[q] ? 1000 : null }]));
  const total = Object.values(partial).reduce((a, b) => a! + b!, 0)!;
  return { queues: queues as CountsView['queues'], total: { count: total, indexed: total, totalSize: total * 1000, oldestArrival: 1000 }, indexing: false };
}

function entry(id: string, extra: Partial<QueueEntry> = {}): QueueEntry {
  return {
    queueName: 'deferred', queueId: id, path: `deferred/${id[0]}/${id}`, arrivalTime: 1000, messageSize: 2048, forcedExpire: false,
    sender: 'alice@example.org', recipients: [{ address: 'bob@example.net', delayReason: 'connect to x: Connection refused' }],
    listed: true, state: 'ok', diagnostics: [], mtime: 5000, fileSize: 2048, mode: 0o700, subject: 'hi', ...extra,
  };
}

describe('Header', () => {
  it('shows all six queues, zeros included, total, oldest age, live state and [RO]', async () => {
    const { lastFrame } = render(themed(
      <Header host="mx1" spool="/var/spool/postfix" counts={counts({ deferred: 1234, hold: 3 })} watcher={{ mode: 'live', message: null, warnings: [] }}
        paused={false} readOnly={true} now={1000 + 3 * 86400 + 7200} width={100} compact={false} />,
    ));
    const frame = await waitForFrame(lastFrame, 'maildrop');
    expect(frame).toMatch(/maildrop 0\s+incoming 0\s+active 0\s+deferred 1,234\s+hold 3\s+corrupt 0/);
    expect(frame).toContain('oldest 3d2h');
    expect(frame).toContain('● live');
    expect(frame).toContain('[RO]');
  });

  it('says PAUSED, polling, or that the watcher failed; compact is one line', async () => {
    const base = { host: 'mx1', spool: '/s', counts: counts({}), readOnly: false, now: 0, width: 100 };
    const r1 = render(themed(<Header {...base} watcher={{ mode: 'polling', message: 'x', warnings: [] }} paused={true} compact={true} />));
    const f1 = await waitForFrame(r1.lastFrame, 'PAUSED');
    expect(f1.split('\n')).toHaveLength(1);
    const r2 = render(themed(<Header {...base} watcher={{ mode: 'polling', message: 'x', warnings: [] }} paused={false} compact={false} />));
    expect(await waitForFrame(r2.lastFrame, 'polling')).toContain('◌ polling');
    const r3 = render(themed(<Header {...base} watcher={{ mode: 'error', message: 'x', warnings: [] }} paused={false} compact={false} />));
    expect(await waitForFrame(r3.lastFrame, 'not watching')).toContain('✗ not watching');
  });
});

describe('Crumbs', () => {
  const base = { queueFilter: 'deferred' as const, shown: 87, total: 1234, filterText: 'to:gmail', draft: null, filterError: null, marked: 12, markedHidden: 3, sortKey: 'age' as const, sortReverse: false, width: 100 };
  it('keeps the filter visible with counts, marks and what the view hides', async () => {
    const { lastFrame } = render(themed(<Crumbs {...base} />));
    const frame = await waitForFrame(lastFrame, 'filter');
    expect(frame).toMatch(/^deferred 87 of 1,234\s+filter to:gmail\s+marked 12 \(3 hidden\)\s+sort age ↑/);
  });
  it('while editing shows the line and the parse error position; hostile text is sanitized', async () => {
    const { lastFrame } = render(themed(<Crumbs {...base} draft={'age>x\x1b[2J'} filterError={{ position: 4, message: 'bad age' }} />));
    const frame = await waitForFrame(lastFrame, 'col');
    expect(frame).toContain('/age>x^[[2J');
    expect(frame).toContain('✗ col 5: bad age');
    expect(frame).not.toContain('\x1b[2J');
  });
});

describe('QueueList', () => {
  it('renders exactly `height` rows; cursor and marks as glyphs; hostile text sanitized', async () => {
    const rows = [
      { entry: entry('A1B2C3D4E5F'), index: 0, cursor: true, marked: false, pending: null },
      { entry: entry('B1B2C3D4E5F', { sender: 'e\x1b]0;p\x07@x.org', subject: null }), index: 1, cursor: false, marked: true, pending: null },
    ];
    const window = { rows, start: 0, total: 2, cursorIndex: 0, height: 5 };
    const { lastFrame } = render(themed(<QueueList window={window} layout={layoutColumns(100)} height={5} now={1000 + 3600} emptyText="none" />));
    const frame = await waitForFrame(lastFrame, 'QUEUE ID');
    const lines = frame.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^> A1B2C3D4E5F\s+1h\s+\+6m alice@example\.org\s+bob@example\.net\s+conn refused/);
    expect(lines[2]).toMatch(/^ \*B1B2C3D4E5F/);
    expect(lines[2]).toContain('e^[]0;p^G@x.org');
    expect(frame).not.toMatch(/\x1b\]|\x07/);
  });
});

describe('ConfirmView', () => {
  const c: Confirmation = {
    action: 'delete', scope: 'marked', targets: [], count: 1234, title: 'Delete 1,234 messages from deferred?', hiddenByFilter: 17, gone: 1,
    filterText: 'to:gmail', sampleIds: ['A1', 'B2', 'C3'], command: 'postsuper -d - deferred', wholeQueue: false, requireWord: 'DELETE',
  };
  it('says what, how many, how many hidden, the ids and the command; asks for the word', async () => {
    const { lastFrame } = render(themed(<ConfirmView confirmation={c} typed="DEL" running={false} width={100} height={10} />));
    const frame = await waitForFrame(lastFrame, 'Delete');
    expect(frame).toContain('Delete 1,234 messages from deferred?');
    expect(frame).toContain('1,234 marked · filter: to:gmail');
    expect(frame).toContain('17 of them hidden by the current view/filter');
    expect(frame).toContain('1 marked message(s) already gone');
    expect(frame).toContain('ids: A1 B2 C3 …');
    expect(frame).toContain('runs: postsuper -d - deferred');
    expect(frame).toContain('type DELETE and Enter to confirm: DEL');
  });
  it('without a word: [y] confirm, [n/Esc] cancel; fits a short pane', async () => {
    const { lastFrame } = render(themed(<ConfirmView confirmation={{ ...c, requireWord: null }} typed="" running={false} width={100} height={5} />));
    const frame = await waitForFrame(lastFrame, '[y]');
    expect(frame.split('\n')).toHaveLength(5);
    expect(frame).toContain('Delete 1,234');
    expect(frame).toContain('[n/Esc] cancel');
  });
});

describe('HelpView', () => {
  it('one column under 90 cells, two from 90; title shows the scroll position', async () => {
    const ctx = { actionsDisabled: null, supports: () => true };
    const { lastFrame } = render(themed(<HelpView ctx={ctx} width={100} height={8} offset={0} />));
    const frame = await waitForFrame(lastFrame, 'Keys');
    expect(frame.split('\n')).toHaveLength(8);
    expect(frame).toMatch(/Keys lines 1-7 of \d+/);
    expect(frame.split('\n')[1]).toMatch(/^Move\s{40,}\S/); // a second column
  });
});
