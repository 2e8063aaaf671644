/**
 * filterDecider (filter-decides.ts): what a filter's answer is from the queue a file lies in
 * and from its content answers alone. False only where no message could match (so skipping a
 * file on it never changes the selection): checked against the compiled filter over entries
 * of every queue with every content answer.
 */
import { describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { filterDecider } from '../../src/store/filter-decides.js';
import { compileFilter, isFilterError } from '../../src/store/filter-match.js';
import { makeEntry, NOW_MS } from './fixtures.js';

describe('filterDecider', () => {
  it('rules out by queue and by content answers, three-valued through !, and, or', () => {
    const d = filterDecider('queue:hold body:x');
    expect([d.inQueue('hold'), d.inQueue('deferred')]).toEqual([true, false]);
    expect([d.withContent('hold', [true]), d.withContent('hold', [false])]).toEqual([true, false]);
    expect(d.readsContent).toBe(true);
    const or = filterDecider('body:x or age>1d');
    // Unknown age: a body without x may still match through the age.
    expect([or.withContent('deferred', [false]), or.inQueue('hold')]).toEqual([true, true]);
    const not = filterDecider('!(body:x or body:y) !queue:hold');
    expect([not.withContent('deferred', [false, false]), not.withContent('deferred', [true, false]), not.inQueue('hold')]).toEqual([true, false, false]);
    expect(filterDecider('from:a').readsContent).toBe(false);
  });

  it('never says false where the compiled filter matches (every queue, every content answer)', () => {
    const texts = ['body:x', '!body:x', 'body:x or queue:hold', '(body:x !body:y) or !(queue:deferred or age>1h)', 'queue:hold !body:x', 'header:a:b body:y', 'size>1 or !body:x'];
    let checked = 0;
    for (const text of texts) {
      const d = filterDecider(text);
      const n = text.split(/(?:body|header):/).length - 1;
      for (const queueName of QUEUE_NAMES) {
        for (let bits = 0; bits < 1 << n; bits++) {
          const hits = Array.from({ length: n }, (_, i) => (bits & (1 << i)) !== 0);
          const f = compileFilter(text, { content: () => hits });
          if (isFilterError(f)) throw new Error(f.error.message);
          for (const age of [60, 86_400]) {
            const entry = makeEntry('A1B2C3', { queueName, arrivalTime: NOW_MS / 1000 - age });
            if (f.match(entry, NOW_MS)) {
              checked++;
              expect(d.inQueue(queueName), `${text} in ${queueName}`).toBe(true);
              expect(d.withContent(queueName, hits), `${text} ${hits}`).toBe(true);
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
