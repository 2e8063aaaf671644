/**
 * The watcher against a REAL private Postfix instance: messages queued by sendmail (maildrop,
 * then a new id through incoming and active) land in deferred and appear with their defer reasons; postsuper -h
 * moves one to hold and -H back, postsuper -d removes one; at every step the watcher's state
 * agrees with `postqueue -j` and, at the end, with a fresh scan. The postqueue -j poller (the
 * read-only fallback) is checked against the same instance.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { createPostqueuePoller } from '../../src/watch/postqueue-poller.js';
import { createSpoolWatcher, type SpoolWatcher } from '../../src/watch/spool-watcher.js';
import { createPostfixInstance, waitFor, type PostfixInstance } from '../helpers/postfix-instance.js';
import { SpoolAccumulator } from './accumulator.js';
import { freshScan } from './spool-fixture.js';

let pf: PostfixInstance;
let config: SpoolConfig;
let watcher: SpoolWatcher;
const acc = new SpoolAccumulator();

beforeAll(async () => {
  pf = await createPostfixInstance({ label: 'watch' });
  config = resolveSpoolConfig({ configDir: pf.configDir });
  watcher = createSpoolWatcher(config, acc.apply, { reconcileMinMs: 3_600_000, burstNames: Number.POSITIVE_INFINITY });
  await watcher.start();
}, 120_000);

afterAll(() => {
  watcher?.stop();
  pf?.stop();
});

const body = (n: number) => `Subject: watch test ${n}\n\nHello.\n`;
const deferredIds = () => [...acc.entries.values()].filter((e) => e.queueName === 'deferred').map((e) => e.queueId).sort();

test('sendmail -> deferred with reasons; postsuper -h, -H, -d move and remove; state equals postqueue -j', async () => {
  expect(config.fromPostconf).toBe(true);
  expect(watcher.status.mode).toBe('live');
  for (const n of [1, 2, 3]) pf.sendmail(`sender${n}@example.org`, [`rcpt${n}@remote.example`], body(n));
  const listing = await pf.waitForDeferred(3, { timeoutMs: 60_000 });
  const ids = listing.map((e) => e.queue_id).sort();
  await waitFor(
    () => JSON.stringify(deferredIds()) === JSON.stringify(ids) && ids.every((id) => acc.get(id)!.recipients[0]?.delayReason.includes('refused')),
    { what: 'three deferred messages with reasons in the watcher', timeoutMs: 30_000, intervalMs: 20, describe: () => JSON.stringify([...acc.entries.values()]) },
  );
  const [held, removed] = ids;
  pf.postsuper(['-h', held!]);
  await waitFor(() => acc.get(held!)?.queueName === 'hold', { what: 'postsuper -h to show', timeoutMs: 15_000, intervalMs: 20 });
  expect(acc.batches.some((b) => b.removals.includes(held!))).toBe(false);
  pf.postsuper(['-H', held!]);
  await waitFor(() => acc.get(held!)?.queueName === 'deferred', { what: 'postsuper -H to show', timeoutMs: 15_000, intervalMs: 20 });
  pf.postsuper(['-d', removed!]);
  await waitFor(() => !acc.entries.has(removed!), { what: 'postsuper -d to show', timeoutMs: 15_000, intervalMs: 20 });

  const postqueue = pf.postqueueJson().map((e) => [e.queue_id, e.queue_name]).sort();
  expect([...acc.entries.values()].map((e) => [e.queueId, e.queueName]).sort()).toEqual(postqueue);
  expect(acc.sorted()).toEqual(freshScan(config));
}, 180_000);

test('the postqueue -j poller (read-only fallback) follows the same instance', async () => {
  const polled = new SpoolAccumulator();
  const poller = createPostqueuePoller(config, polled.apply, { minMs: 50, maxMs: 200 });
  await poller.start();
  try {
    expect(polled.batches[0]!.full).toBe(true);
    const fromPostqueue = () => pf.postqueueJson().map((e) => `${e.queue_id} ${e.queue_name} ${e.recipients.map((r) => r.delay_reason ?? '').join('|')}`).sort();
    const fromPoller = () => [...polled.entries.values()].map((e) => `${e.queueId} ${e.queueName} ${e.recipients.map((r) => r.delayReason).join('|')}`).sort();
    expect(fromPoller()).toEqual(fromPostqueue());
    const id = [...polled.entries.keys()][0]!;
    pf.postsuper(['-h', id]);
    await waitFor(() => polled.get(id)?.queueName === 'hold', { what: 'the poller to see the hold', timeoutMs: 30_000, intervalMs: 20 });
    expect(polled.batches.at(-1)).toMatchObject({ full: false, removals: [] });
    expect(polled.batches.at(-1)!.upserts.map((e) => e.queueId)).toEqual([id]);
  } finally {
    poller.stop();
  }
}, 60_000);
