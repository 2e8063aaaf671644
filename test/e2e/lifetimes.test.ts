/**
 * Lifetimes from postconf, on a REAL private Postfix in tmux (the built CLI at 120x24): a
 * message held by header_checks (so nothing ever tries to deliver it) outlives
 * maximal_queue_lifetime = 30s; the EXPIRES column says `expired`, the filter `expires<1m` finds
 * it (Postfix's default 5d would not), and releasing it (L) warns
 * in the confirmation that it bounces at once and offers requeue (R). R then y runs
 * postsuper -r: the message comes back (held again by header_checks) under a new id. Postfix
 * keeps its arrival time (postqueue -j shows the same one) but renews create_time (postcat),
 * which is what qmgr's lifetime counts from: postq shows it unexpired, and releasing it now
 * carries no bounce warning.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { createPostfixInstance, waitFor, type PostfixInstance, type PostqueueEntry } from '../helpers/postfix-instance.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';

let pf: PostfixInstance;
let pane: TmuxPane | null = null;
const work = mkdtempSync(join(tmpdir(), 'postq-lifetimes-'));
let held: PostqueueEntry;

beforeAll(async () => {
  await ensureBuilt();
  chmodSync(work, 0o755);
  const checks = join(work, 'header_checks');
  writeFileSync(checks, '/^Subject: hold me/ HOLD\n', { mode: 0o644 });
  pf = await createPostfixInstance({
    label: 'lifetimes',
    config: { header_checks: `regexp:${checks}`, maximal_queue_lifetime: '30s', bounce_queue_lifetime: '30s' },
  });
  pf.sendmail('old@example.org', ['someone@remote.example'], 'Subject: hold me\n\nan old held message\n');
  held = (await pf.waitForQueue((e) => e.length === 1 && e[0]!.queue_name === 'hold', { what: 'the message held by header_checks' }))[0]!;
  // Past its 30 s lifetime (the clock, not a sleep: wait until it is so).
  await waitFor(() => Date.now() / 1000 - held.arrival_time > 31, { what: 'the held message to outlive its lifetime', timeoutMs: 60_000, intervalMs: 200 });
}, 180_000);

afterAll(() => {
  pane?.close();
  pf?.stop();
  rmSync(work, { recursive: true, force: true });
});

const press = (id: string) => pane!.send(pressSequence(id));

test('expired in the list; release warns it bounces at once; R requeues it with a new create_time', async () => {
  pane = startTmux({ columns: 120, rows: 24, argv: ['node', CLI_PATH, '-c', pf.configDir], env: { POSTQ_AUDIT_LOG: join(work, 'audit.log') } });
  await pane.waitFor(held.queue_id, 30_000);
  press('queue.holdView');
  let screen = await pane.waitFor(/EXPIRES/);
  expect(screen).toMatch(new RegExp(`${held.queue_id}!.*\\bexpired\\b`));
  // The filter language reads the same lifetimes: with Postfix's default 5d the message
  // would have days left; with this instance's 30s it has none.
  press('view.filter');
  pane.send('expires<1m');
  press('filter.apply');
  screen = await pane.waitFor(/hold 1\s+filter expires<1m/);
  expect(screen).toContain(held.queue_id);
  press('view.filter');
  pane.send(pressSequence('filter.clearLine') + 'expires>1h');
  press('filter.apply');
  await pane.waitFor(/hold 0 of 1\s+filter expires>1h/);
  press('view.clearFilter');
  await pane.waitFor(new RegExp(`hold 1\\s.*\\n(.*\\n)*.*${held.queue_id}!`));

  press('queue.release');
  screen = await pane.waitFor('Release 1 message from hold?');
  expect(screen).toContain('It is past the queue lifetime: released, it bounces at once');
  expect(screen).toContain('[R] requeue instead (postsuper -r: the lifetime starts again)');

  press('confirm.requeueInstead');
  screen = await pane.waitFor('Requeue 1 message from hold?');
  expect(screen).not.toContain('bounces at once');
  press('confirm.yes');
  // postsuper -r leaves the file in maildrop; wake pickup rather than wait for its 60 s timer.
  await waitFor(() => pf.postqueueJson()[0]?.queue_name === 'maildrop' || pf.postqueueJson()[0]?.queue_id !== held.queue_id, { what: 'the requeue' });
  pf.run('postkick', ['-c', pf.configDir, 'public', 'pickup', 'W']);
  const [again] = await pf.waitForQueue((e) => e.length === 1 && e[0]!.queue_id !== held.queue_id && e[0]!.queue_name === 'hold', { what: 'the requeued message, held again' });
  expect(again!.sender).toBe('old@example.org');
  // Postfix keeps the arrival time and renews create_time, which the lifetime counts from.
  expect(again!.arrival_time).toBe(held.arrival_time);
  const createTime = (id: string) => /^create_time: (.*)$/m.exec(pf.run('postcat', ['-c', pf.configDir, '-eq', id]).stdout)?.[1];
  expect(Date.parse(createTime(again!.queue_id)!)).toBeGreaterThan(held.arrival_time * 1000 + 30_000);
  screen = await pane.waitFor(new RegExp(`${again!.queue_id}!`), 30_000);
  expect(screen).not.toMatch(new RegExp(`${again!.queue_id}!.*\\bexpired\\b`));
  press('queue.release');
  screen = await pane.waitFor('Release 1 message from hold?');
  expect(screen).not.toContain('bounces at once');
  press('confirm.no');
}, 180_000);
