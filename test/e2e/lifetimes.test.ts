/**
 * Lifetimes from postconf, on a REAL private Postfix in tmux (the built CLI at 120x24): two
 * messages held by header_checks (so nothing ever tries to deliver them), the second queued a
 * second after the first, outlive maximal_queue_lifetime = 2s; the EXPIRES column says
 * `expired`, the filter `expires<1m` finds them (Postfix's default 5d would not), and releasing
 * the first (L) warns in the confirmation that it bounces at once and offers requeue (R). R then
 * y runs postsuper -r: the message comes back (held again by header_checks) under a new id.
 * Postfix keeps its arrival time (postqueue -j shows the same one) but renews create_time
 * (postcat), which is what qmgr's lifetime counts from. postq counts from it too: sorted by
 * expiry, the requeued message now comes after the second one although it arrived before it
 * (by arrival it would come first). The lifetime raised to 1h in main.cf (postq re-reads it),
 * it shows unexpired and releasing it carries no bounce warning.
 *
 * The order, not the clock, tells create_time from arrival time: a lifetime of 2 s is waited
 * out once (it was 30 s, so that the requeued message stayed unexpired for the rest of the test).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { createPostfixInstance, waitFor, type PostfixInstance, type PostqueueEntry } from '../helpers/postfix-instance.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';

const LIFETIME_S = 2;
let pf: PostfixInstance;
let pane: TmuxPane | null = null;
const work = mkdtempSync(join(tmpdir(), 'postq-lifetimes-'));
/** The first message (requeued by the test) and the second (left alone). */
let held: PostqueueEntry;
let second: PostqueueEntry;

/** The clock (not a sleep): wait until the epoch second `seconds` has passed. */
const past = (seconds: number, what: string) => waitFor(() => Date.now() / 1000 > seconds, { what, timeoutMs: 60_000, intervalMs: 100 });
const holdOnly = (count: number) => (e: PostqueueEntry[]) => e.length === count && e.every((m) => m.queue_name === 'hold');

beforeAll(async () => {
  await ensureBuilt();
  chmodSync(work, 0o755);
  const checks = join(work, 'header_checks');
  writeFileSync(checks, '/^Subject: hold me/ HOLD\n', { mode: 0o644 });
  pf = await createPostfixInstance({
    label: 'lifetimes',
    config: { header_checks: `regexp:${checks}`, maximal_queue_lifetime: `${LIFETIME_S}s`, bounce_queue_lifetime: `${LIFETIME_S}s` },
  });
  pf.sendmail('old@example.org', ['someone@remote.example'], 'Subject: hold me\n\nan old held message\n');
  held = (await pf.waitForQueue(holdOnly(1), { what: 'the message held by header_checks' }))[0]!;
  // A later arrival second than the first (arrival_time counts whole seconds).
  await past(held.arrival_time + 1, 'the next second');
  pf.sendmail('later@example.org', ['someone@remote.example'], 'Subject: hold me too\n\na later held message\n');
  second = (await pf.waitForQueue(holdOnly(2), { what: 'both messages held' })).find((e) => e.queue_id !== held.queue_id)!;
  expect(second.arrival_time).toBeGreaterThan(held.arrival_time);
  await past(second.arrival_time + LIFETIME_S + 1, 'both held messages to outlive their lifetime');
}, 180_000);

afterAll(() => {
  pane?.close();
  pf?.stop();
  rmSync(work, { recursive: true, force: true });
});

const press = (id: string) => pane!.send(pressSequence(id));
const createTime = (id: string) => Date.parse(/^create_time: (.*)$/m.exec(pf.run('postcat', ['-c', pf.configDir, '-eq', id]).stdout)?.[1] ?? '');
const rowIndex = (screen: string, id: string) => screen.split('\n').findIndex((line) => line.includes(`${id}!`));

test('expired in the list; release warns it bounces at once; R requeues it with a new create_time, which the expiry counts from', async () => {
  pane = startTmux({ columns: 120, rows: 24, argv: ['node', CLI_PATH, '-c', pf.configDir], env: { POSTQ_AUDIT_LOG: join(work, 'audit.log') } });
  await pane.waitFor(held.queue_id, 30_000);
  press('queue.holdView');
  let screen = await pane.waitFor(/EXPIRES/);
  expect(screen).toMatch(new RegExp(`${held.queue_id}!.*\\bexpired\\b`));
  expect(screen).toMatch(new RegExp(`${second.queue_id}!.*\\bexpired\\b`));
  // The filter language reads the same lifetimes: with Postfix's default 5d the messages
  // would have days left; with this instance's 2s they have none.
  press('view.filter');
  pane.send('expires<1m');
  press('filter.apply');
  screen = await pane.waitFor(/hold 2\s+filter expires<1m/);
  expect(screen).toContain(held.queue_id);
  press('view.filter');
  pane.send(pressSequence('filter.clearLine') + 'expires>1h');
  press('filter.apply');
  await pane.waitFor(/hold 0 of 2\s+filter expires>1h/);
  press('view.clearFilter');
  // Oldest first: the cursor is on the first message.
  screen = await pane.waitFor(new RegExp(`hold 2\\s.*\\n(.*\\n)*.*${second.queue_id}!`));
  expect(rowIndex(screen, held.queue_id)).toBeLessThan(rowIndex(screen, second.queue_id));

  press('queue.release');
  screen = await pane.waitFor('Release 1 message from hold?');
  expect(screen).toContain(`ids: ${held.queue_id}`);
  expect(screen).toContain('It is past the queue lifetime: released, it bounces at once');
  expect(screen).toContain('[R] requeue instead (postsuper -r: the lifetime starts again)');

  press('confirm.requeueInstead');
  screen = await pane.waitFor('Requeue 1 message from hold?');
  expect(screen).not.toContain('bounces at once');
  press('confirm.yes');
  // postsuper -r leaves the file in maildrop; wake pickup rather than wait for its 60 s timer.
  await waitFor(() => pf.postqueueJson().some((e) => e.queue_name === 'maildrop' || e.queue_id !== held.queue_id && e.queue_id !== second.queue_id), { what: 'the requeue' });
  pf.run('postkick', ['-c', pf.configDir, 'public', 'pickup', 'W']);
  const listed = await pf.waitForQueue((e) => holdOnly(2)(e) && !e.some((m) => m.queue_id === held.queue_id), { what: 'the requeued message, held again' });
  const again = listed.find((e) => e.queue_id !== second.queue_id)!;
  expect(again.sender).toBe('old@example.org');
  // Postfix keeps the arrival time and renews create_time, which the lifetime counts from.
  expect(again.arrival_time).toBe(held.arrival_time);
  expect(createTime(again.queue_id)).toBeGreaterThan((held.arrival_time + LIFETIME_S) * 1000);
  expect(createTime(again.queue_id)).toBeGreaterThan(createTime(second.queue_id));

  // Sorted by expiry (soonest first), the second message now expires before the requeued one.
  for (let i = 0; i < 6; i++) press('view.sort');
  screen = await pane.waitFor(new RegExp(`sort expires ↑(.*\\n)*.*${again.queue_id}!`), 30_000);
  expect(rowIndex(screen, second.queue_id)).toBeGreaterThan(-1);
  expect(rowIndex(screen, second.queue_id)).toBeLessThan(rowIndex(screen, again.queue_id));

  // A lifetime of an hour (postq re-reads main.cf when it changes): nothing is expired.
  expect(pf.run('postconf', ['-c', pf.configDir, '-e', 'maximal_queue_lifetime=1h']).status).toBe(0);
  screen = await pane.waitUntil((s) => s.includes(`${again.queue_id}!`) && !/\bexpired\b/.test(s), 'no message expired', 30_000);
  // The requeued message is the last row: released, it carries no bounce warning.
  press('list.bottom');
  press('queue.release');
  screen = await pane.waitFor('Release 1 message from hold?');
  expect(screen).toContain(`ids: ${again.queue_id}`);
  expect(screen).not.toContain('bounces at once');
  press('confirm.no');
}, 180_000);
