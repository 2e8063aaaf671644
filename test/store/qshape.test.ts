/**
 * The qshape view against Postfix's own qshape output on the corpus (oracle/qshape.txt).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QueueName } from '../../src/domain/queue.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { computeQueueShape, selectQueueShape, shapeBucket, shapeHeadings } from '../../src/store/qshape.js';
import { CORPUS_ROOT } from '../helpers/corpus.js';
import { batch, corpusEntries, fakeBackend, makeEntry, NOW_MS, NOW_SEC } from './fixtures.js';

/** oracle/qshape.txt sections: title -> rows of [domain, ...counts]. */
function oracleSections(): Map<string, Array<[string, number[]]>> {
  const text = readFileSync(join(CORPUS_ROOT, 'basic/oracle/qshape.txt'), 'utf8');
  const sections = new Map<string, Array<[string, number[]]>>();
  let rows: Array<[string, number[]]> | null = null;
  for (const line of text.split('\n')) {
    const title = /^### (.*)$/.exec(line);
    if (title) sections.set(title[1]!, (rows = []));
    else if (rows && line.trim() && !/^\s*T\s/.test(line)) {
      const [domain, ...counts] = line.trim().split(/\s+/);
      rows.push([domain!, counts.map(Number)]);
    }
  }
  return sections;
}

describe('qshape view', () => {
  it('has qshape headings and buckets', () => {
    expect(shapeHeadings(5, 10)).toEqual(['T', '5', '10', '20', '40', '80', '160', '320', '640', '1280', '1280+']);
    expect(shapeHeadings(10, 4)).toEqual(['T', '10', '20', '40', '40+']);
    const m = 60;
    expect([0, 4 * m, 5 * m, 9 * m, 10 * m, 39 * m, 40 * m, 1279 * m, 1280 * m, 100000 * m].map((a) => shapeBucket(a, 5, 10))).toEqual([
      1, 1, 2, 2, 3, 4, 5, 9, 10, 10,
    ]);
  });

  const oracle = oracleSections();
  const cases: Array<[string, QueueName, 'recipient' | 'sender']> = [
    ['qshape deferred', 'deferred', 'recipient'],
    ['qshape hold', 'hold', 'recipient'],
    ['qshape -s deferred', 'deferred', 'sender'],
    ['qshape -s hold', 'hold', 'sender'],
  ];
  it.each(cases)('%s equals Postfix qshape on the corpus', (title, queue, by) => {
    // qshape reads only complete, readable files whose mode & 0733 is 0700 (not 0710, forced
    // expiry); the console counts every message, so give it what qshape would read.
    const entries = corpusEntries().filter((e) => (e.mode & 0o733) === 0o700 && e.state === 'ok');
    const shape = computeQueueShape(entries, NOW_SEC, { queues: [queue], by });
    const expected = oracle.get(title)!;
    expect(expected.length).toBeGreaterThan(1);
    const [totalLabel, totalCounts] = expected[0]!;
    expect(totalLabel).toBe('TOTAL');
    expect(shape.total).toEqual(totalCounts);
    const got = new Map(shape.rows.map((r) => [r.domain, [...r.counts]]));
    expect(got).toEqual(new Map(expected.slice(1)));
    // qshape's order: by total, descending (ties: shorter name first)
    expect(shape.rows.map((r) => r.counts[0])).toEqual(expected.slice(1).map(([, c]) => c[0]));
  });

  it('is memoised per store and follows batches and the clock', () => {
    let now = NOW_MS;
    const store = createConsoleStore({ backend: fakeBackend(), now: () => now });
    store.getState().applySpoolBatch(
      batch([
        makeEntry('Q000000001', { to: ['a@Gmail.com', 'b@gmail.com.'], arrivalTime: NOW_SEC - 60 }),
        makeEntry('Q000000002', { to: ['c@outlook.com'], arrivalTime: NOW_SEC - 7 * 60 }),
        makeEntry('Q000000003', { to: ['d@outlook.com'], queueName: 'hold' }),
      ]),
    );
    const options = { queues: ['deferred'] as QueueName[] };
    const a = selectQueueShape(store.getState(), options);
    expect(a.rows.map((r) => [r.domain, r.counts.slice(0, 3)])).toEqual([
      ['gmail.com', [2, 2, 0]],
      ['outlook.com', [1, 0, 1]],
    ]);
    expect(a.messages).toBe(2);
    store.getState().moveCursor(1);
    expect(selectQueueShape(store.getState(), { queues: ['deferred'] })).toBe(a);
    now += 10 * 60_000;
    store.getState().tick();
    const b = selectQueueShape(store.getState(), options);
    expect(b).not.toBe(a);
    expect(b.rows.map((r) => [r.domain, r.counts.slice(0, 4)])).toEqual([
      ['gmail.com', [2, 0, 0, 2]],
      ['outlook.com', [1, 0, 0, 1]],
    ]);
  });
});
