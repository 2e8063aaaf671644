/**
 * The header knows Postfix's rules, against a REAL private Postfix in tmux (the built CLI at
 * 120x24, resized to 100x12 and back): with qmgr_message_active_limit = 2 and a relay that
 * accepts connections and never answers, two messages sit in active and the rest wait in
 * incoming; the header shows `2/2 FULL` and the consequence, on one line beside the live status
 * at 100x12. Raising the limit (postconf -e, postfix reload) clears it:
 * postq re-reads the limits when main.cf changes. `postfix stop` shows "Postfix not running",
 * `postfix start` clears it. A 0600 file left in incoming/ is flagged as stuck after
 * --stuck-after (2 s here).
 */
import { chmodSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createPostfixInstance, waitFor, type PostfixInstance } from '../helpers/postfix-instance.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';

let pf: PostfixInstance;
let relay: Server;
const sockets = new Set<Socket>();
let pane: TmuxPane | null = null;

/** A loopback SMTP "server" that accepts and never says a word: deliveries hang in active. */
async function silentRelay(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

beforeAll(async () => {
  await ensureBuilt();
  const { server, port } = await silentRelay();
  relay = server;
  pf = await createPostfixInstance({
    label: 'health',
    config: { relayhost: `[127.0.0.1]:${port}`, qmgr_message_active_limit: '2', smtp_helo_timeout: '3600s', smtp_connect_timeout: '3600s' },
  });
  for (const n of [1, 2, 3, 4]) pf.sendmail(`s${n}@example.org`, [`r${n}@remote.example`], `Subject: health ${n}\n\nbody\n`);
  await pf.waitForQueue((e) => e.filter((m) => m.queue_name === 'active').length === 2 && e.filter((m) => m.queue_name === 'incoming').length === 2, { what: '2 active (hanging), 2 waiting in incoming' });
}, 180_000);

afterAll(() => {
  pane?.close();
  pf?.stop();
  for (const s of sockets) s.destroy();
  relay?.close();
});

const firstLines = (screen: string, n: number) => screen.split('\n').slice(0, n).join('\n');

/** Stop this instance's Postfix and set a new limit (qmgr takes it when started again). */
async function stopWithLimit(limit: number) {
  expect(pf.run('postfix', ['-c', pf.configDir, 'stop']).status).toBe(0);
  // `postfix stop` signals master and returns; `postfix status` fails once it is gone.
  await waitFor(() => pf.run('postfix', ['-c', pf.configDir, 'status']).status !== 0, { what: 'master to exit' });
  expect(pf.run('postconf', ['-c', pf.configDir, '-e', `qmgr_message_active_limit=${limit}`]).status).toBe(0);
}

test('FULL at the limit with the consequence, also at 100x12; Postfix stopped shown; the limit raised clears FULL; a stuck 0600 file', async () => {
  pane = startTmux({ columns: 120, rows: 24, argv: ['node', CLI_PATH, '-c', pf.configDir, '--read-only', '--stuck-after', '2'] });
  let screen = await pane.waitFor('active FULL 2/2: qmgr takes nothing from incoming or deferred', 30_000);
  // `act` where the first trend sample already put sparklines beside the counts (as below).
  expect(firstLines(screen, 2)).toMatch(/\bact(ive)? 2\/2 FULL/);

  // At 100x12 the header is one line: FULL beside the live status. (This was a second console
  // started at 100x12 after a Postfix restart with a limit of 4: the same header, ~5 s more.)
  pane.resize(100, 12);
  // Drawn again at that size: the hint line (the last row at 24 rows) within the 12 rows.
  screen = await pane.waitUntil((s) => /\? help/.test(firstLines(s, 12)) && /active FULL/.test(firstLines(s, 1)), 'FULL on the first line at 100x12', 30_000);
  expect(firstLines(screen, 1)).toContain('● live');
  // The count (2/2 FULL) or, where the alert takes its room, the alert itself (FULL 2/2).
  expect(firstLines(screen, 1)).toMatch(/2\/2 FULL|FULL 2\/2/);
  pane.resize(120, 24);
  await pane.waitFor('active FULL 2/2: qmgr takes nothing from incoming or deferred', 30_000);

  await stopWithLimit(100);
  screen = await pane.waitFor('Postfix not running', 30_000);
  // postq re-read main.cf's new limit: 2 of 100 is not full.
  screen = await pane.waitGone('FULL', 30_000);
  expect(pf.start().status).toBe(0);
  await pane.waitGone('Postfix not running', 30_000);
  await pf.waitForQueue((e) => e.filter((m) => m.queue_name === 'active').length === 4, { what: 'qmgr to take incoming under the new limit' });
  // `act` once the first trend sample puts sparklines beside the counts (short names make room).
  screen = await pane.waitUntil((s) => /\bact(ive)? 4 /.test(firstLines(s, 2)), 'active 4 in the header', 30_000);
  expect(firstLines(screen, 2)).not.toContain('FULL');

  // A cleanup killed mid-write leaves its file 0600 for good.
  const stuck = join(pf.queueDirectory, 'incoming', 'ABCDEF123456');
  writeFileSync(stuck, 'C         0          0          0\n');
  chmodSync(stuck, 0o600);
  utimesSync(stuck, new Date(), new Date());
  screen = await pane.waitFor('stuck in incoming', 30_000);
  expect(firstLines(screen, 1)).toMatch(/1 stuck in incoming \(0600 for \d+s: a killed cleanup; qmgr ignores it\)/);
  // Removed (postsuper -p would at the next start): the flag goes with it.
  rmSync(stuck);
  await pane.waitGone('stuck in incoming', 30_000);
}, 240_000);
