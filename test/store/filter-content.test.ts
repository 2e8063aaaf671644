/**
 * header:NAME:V and body:V in the filter language: parsing, matching through the content
 * answers a searcher hands over (a message not searched yet matches no such filter, negated
 * or not), terms before a content term deciding first (the command line then reads fewer
 * files), and the store taking answers for the filter in force only, with its progress.
 */
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { contentEvaluator, contentSig, type ContentHit } from '../../src/store/content-terms.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { compileFilter, isFilterError, type CompiledFilter } from '../../src/store/filter-match.js';
import { parseFilter } from '../../src/store/filter-parse.js';
import { selectVisibleIds } from '../../src/store/selectors.js';
import type { MessageContent } from '../../src/spool/message-content.js';
import { batch, fakeBackend, makeEntry, NOW_MS } from './fixtures.js';

const content: Record<string, MessageContent> = {
  A1: { headers: [{ name: 'x-mailer', value: 'PHPMailer 6.1' }, { name: 'subject', value: 'Отчёт за март' }], body: 'Buy cheap pills now\n', truncated: false },
  B2: { headers: [{ name: 'x-mailer', value: 'Thunderbird' }, { name: 'subject', value: 'lunch' }], body: 'see you at noon\n', truncated: false },
  C3: { headers: [{ name: 'subject', value: 'pills' }], body: 'nothing here\n', truncated: false },
};
const entries = ['A1', 'B2', 'C3'].map((id) => makeEntry(id, { queueName: id === 'C3' ? 'hold' : 'deferred', inode: id.charCodeAt(0) }));

function compiled(text: string, searched: string[] = ['A1', 'B2', 'C3']): { filter: CompiledFilter; asked: string[] } {
  const plain = compileFilter(text);
  if (isFilterError(plain)) throw new Error(plain.error.message);
  const evaluate = contentEvaluator(plain.terms);
  const asked: string[] = [];
  const filter = compileFilter(text, {
    content: (e: QueueEntry) => {
      asked.push(e.queueId);
      return searched.includes(e.queueId) ? evaluate(content[e.queueId]!) : undefined;
    },
  }) as CompiledFilter;
  return { filter, asked };
}
const select = (text: string, searched?: string[]) => {
  const { filter } = compiled(text, searched);
  return entries.filter((e) => filter.match(e, NOW_MS)).map((e) => e.queueId);
};

describe('parsing', () => {
  it('header:NAME:V takes a word, a quoted text or a /regex/; body:V likewise; mistakes point at the spot', () => {
    const ok = parseFilter('header:X-Mailer:/php/ body:"cheap pills" !header:subject:lunch');
    expect(ok.ok && ok.terms.map((t) => [t.kind, 'field' in t ? t.field : '', t.header, t.negate])).toEqual([
      ['regex', 'header', 'x-mailer', false], ['text', 'body', undefined, false], ['text', 'header', 'subject', true],
    ]);
    expect(parseFilter('from:a header:subject')).toEqual({ ok: false, error: { position: 14, message: expect.stringMatching(/header: needs a name and a value/) } });
    expect(parseFilter('body:')).toMatchObject({ ok: false, error: { position: 5, message: expect.stringMatching(/body: needs a value/) } });
    expect(compileFilter('body:x header:a:b').valueOf()).toMatchObject({ contentKey: 'body::x\u0000header:a:b' });
    expect(compileFilter('from:x')).toMatchObject({ contentKey: '' });
  });
});

describe('matching on the content answers', () => {
  it('body: and header: search the content (case-insensitive, decoded header values)', () => {
    expect(select('body:PILLS')).toEqual(['A1']);
    expect(select('header:x-mailer:/^php/')).toEqual(['A1']);
    expect(select('header:subject:отчёт')).toEqual(['A1']);
    expect(select('header:subject:pills')).toEqual(['C3']);
    expect(select('!body:pills')).toEqual(['B2', 'C3']);
    expect(select('body:noon or header:subject:pills')).toEqual(['B2', 'C3']);
  });

  it('a message not searched yet matches no filter with content terms, negated or not', () => {
    expect(select('body:pills', ['B2'])).toEqual([]);
    expect(select('!body:pills', ['B2'])).toEqual(['B2']);
    expect(select('from:sender or body:x', [])).toEqual([]);
  });

  it('terms before a content term decide first: only the messages they leave are asked', () => {
    const { filter, asked } = compiled('queue:hold body:pills');
    expect(entries.filter((e) => filter.match(e, NOW_MS)).map((e) => e.queueId)).toEqual([]);
    expect([...new Set(asked)]).toEqual(['C3']);
  });
});

describe('the store', () => {
  const hitsFor = (key: string, ids: string[], evaluate: (c: MessageContent) => boolean[]) =>
    new Map<string, ContentHit>(ids.map((id) => [id, { key, sig: contentSig(entries.find((e) => e.queueId === id)!), hits: evaluate(content[id]!) }]));

  it('fills the list as answers come, keeps the progress, and drops answers for a filter no longer in force', () => {
    const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
    store.getState().applySpoolBatch(batch(entries));
    store.getState().setFilterText('body:pills or body:noon');
    const { contentKey, terms } = store.getState().filter;
    const evaluate = contentEvaluator(terms);
    expect(selectVisibleIds(store.getState())).toEqual([]);
    store.getState().applyContentHits(contentKey, hitsFor(contentKey, ['A1'], evaluate), { done: 1, total: 3 }, true);
    expect(selectVisibleIds(store.getState())).toEqual(['A1']);
    expect(store.getState().contentSearch).toEqual({ done: 1, total: 3 });
    store.getState().applyContentHits(contentKey, hitsFor(contentKey, ['B2', 'C3'], evaluate), null);
    expect([...selectVisibleIds(store.getState())].sort()).toEqual(['A1', 'B2']);
    expect(store.getState().contentSearch).toBeNull();

    // A file that changed (another size): its answer no longer holds until searched again.
    const grown = { ...entries[1]!, fileSize: entries[1]!.fileSize + 10 };
    store.getState().applySpoolBatch(batch([grown]));
    expect(selectVisibleIds(store.getState())).toEqual(['A1']);

    // The user typed another filter: the old search's answers are dropped.
    store.getState().setFilterText('body:nothing');
    store.getState().applyContentHits(contentKey, hitsFor(contentKey, ['C3'], evaluate), { done: 3, total: 3 });
    expect(selectVisibleIds(store.getState())).toEqual([]);
    expect(store.getState().contentSearch).toBeNull();
  });
});
