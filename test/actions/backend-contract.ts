/**
 * The contract every QueueBackend that changes the queue must keep (postsuper's by-id
 * semantics), as one function run against each backend: test/actions/direct-contract.test.ts
 * (a corpus spool copy) and test/actions/postsuper-integration.test.ts (a real Postfix).
 *
 * The fixture hands over ready messages it knows the place of; each test consumes its own ids,
 * so one fixture (one Postfix instance) serves the whole suite. Where a message is comes from a
 * fresh walk of every queue directory, not from the backend's word.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionTarget, QueueBackend } from '../../src/domain/backend.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import { queuePath, type SpoolConfig } from '../../src/config/spool-config.js';
import { listQueueFiles } from '../../src/watch/scan.js';

export interface ContractFixture {
  backend: QueueBackend;
  config: SpoolConfig;
  /** Ready messages in deferred/ with a defer log (at least 6). */
  deferred: string[];
  /** Ready messages in hold/ (at least 2). */
  held: string[];
  /** Where Postfix itself lists each id (postqueue -j queue_name), when a Postfix runs. */
  listed?: () => Map<string, string>;
  cleanup(): void;
}

/** Every place each id is, by a fresh walk of all queue directories. */
export function whereAll(config: SpoolConfig): Map<string, QueueName[]> {
  const places = new Map<string, QueueName[]>();
  for (const queueName of QUEUE_NAMES) {
    for (const ref of listQueueFiles(config, queueName)) {
      places.set(ref.queueId, [...(places.get(ref.queueId) ?? []), queueName]);
    }
  }
  return places;
}

export function describeBackendContract(name: string, makeFixture: () => Promise<ContractFixture>): void {
  describe(`backend contract: ${name}`, () => {
    let f: ContractFixture;
    let deferred: string[];
    let held: string[];
    const take = (list: string[]) => {
      const id = list.shift();
      if (!id) throw new Error('fixture ran out of ids');
      return id;
    };
    const abs = (queueName: string, id: string) => join(f.config.queueDirectory, queuePath(f.config, queueName, id));
    /** The place by the files, and by postqueue -j when the fixture has a Postfix. */
    const placeOf = (id: string) => {
      const files = whereAll(f.config).get(id)?.join('+') ?? null;
      if (!f.listed) return files;
      const listed = f.listed().get(id) ?? null;
      return listed === files ? files : `files: ${files}, postqueue -j: ${listed}`;
    };
    const snapshot = () => [...whereAll(f.config)].map(([id, qs]) => `${id}:${qs.join('+')}`).sort();

    beforeAll(async () => {
      f = await makeFixture();
      deferred = [...f.deferred];
      held = [...f.held];
      expect(deferred.length).toBeGreaterThanOrEqual(6);
      expect(held.length).toBeGreaterThanOrEqual(2);
    }, 300_000);
    afterAll(() => f?.cleanup());

    it('hold moves deferred -> hold/ID and keeps the defer log', async () => {
      const id = take(deferred);
      expect(existsSync(abs('defer', id))).toBe(true);
      const result = await f.backend.run('hold', [{ queueId: id, queueName: 'deferred' }]);
      expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
      expect(placeOf(id)).toBe('hold');
      expect(existsSync(abs('hold', id))).toBe(true);
      expect(existsSync(abs('defer', id))).toBe(true);
    });

    it('expire adds g+x (even on hold); release then moves it to deferred, mode kept', async () => {
      const id = take(held);
      const expired = await f.backend.run('expire', [{ queueId: id, queueName: 'hold' }]);
      expect(expired.outcomes).toEqual([{ queueId: id, status: 'done' }]);
      expect(statSync(abs('hold', id)).mode & 0o7777).toBe(0o710);
      const again = await f.backend.run('expire', [{ queueId: id, queueName: 'hold' }]);
      expect(again.outcomes).toEqual([{ queueId: id, status: 'not-found' }]); // postsuper does not count it twice
      const result = await f.backend.run('release', [{ queueId: id, queueName: 'hold' }]);
      expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
      expect(placeOf(id)).toBe('deferred');
      expect(statSync(abs('deferred', id)).mode & 0o7777).toBe(0o710);
    });

    it('requeue takes the message out of deferred into maildrop (pickup gives it a new id)', async () => {
      const id = take(deferred);
      const before = whereAll(f.config).size;
      const result = await f.backend.run('requeue', [{ queueId: id, queueName: 'deferred' }]);
      expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
      const after = whereAll(f.config);
      // Either still in maildrop under the old id, or already picked up under a new one.
      expect(after.get(id) ?? ['picked up']).not.toContain('deferred');
      expect([...after.values()].flat().length).toBe(before);
    });

    it('delete removes the message and its defer log', async () => {
      const id = take(deferred);
      const result = await f.backend.run('delete', [{ queueId: id, queueName: 'deferred' }]);
      expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
      expect(placeOf(id)).toBeNull();
      expect(existsSync(abs('defer', id))).toBe(false);
    });

    it('a batch: done, not-found (never there / already gone), invalid; nothing else changes', async () => {
      const a = take(deferred);
      const b = take(deferred);
      const gone = take(deferred);
      await f.backend.run('delete', [{ queueId: gone, queueName: 'deferred' }]);
      const before = snapshot();
      const targets: ActionTarget[] = [
        { queueId: a, queueName: 'deferred' },
        { queueId: 'ABCDE12345F', queueName: 'deferred' },
        { queueId: gone, queueName: 'deferred' },
        { queueId: 'not/an id', queueName: 'deferred' },
        { queueId: `${b}*`, queueName: 'deferred' },
      ];
      const result = await f.backend.run('hold', targets);
      expect(result.outcomes).toEqual([
        { queueId: a, status: 'done' },
        { queueId: 'ABCDE12345F', status: 'not-found' },
        { queueId: gone, status: 'not-found' },
        { queueId: 'not/an id', status: 'failed', reason: 'invalid queue id' },
        { queueId: b, status: 'done' },
      ]);
      const expected = before.map((line) => (line === `${a}:deferred` ? `${a}:hold` : line === `${b}:deferred` ? `${b}:hold` : line)).sort();
      expect(snapshot()).toEqual(expected);
    });

    it('an id looked for in the queue it was seen in: moved elsewhere since -> not-found, untouched', async () => {
      const id = take(held);
      const before = snapshot();
      const result = await f.backend.run('delete', [{ queueId: id, queueName: 'deferred' }]);
      expect(result.outcomes).toEqual([{ queueId: id, status: 'not-found' }]);
      expect(snapshot()).toEqual(before);
    });

    it('release of a message not on hold is refused with why, nothing runs', async () => {
      const id = deferred[0]!;
      const before = snapshot();
      const result = await f.backend.run('release', [{ queueId: id, queueName: 'deferred' }]);
      expect(result.outcomes).toEqual([{ queueId: id, status: 'failed', reason: 'not on hold (in deferred/)' }]);
      expect(result.commands).toEqual([]);
      expect(snapshot()).toEqual(before);
    });
  });
}
