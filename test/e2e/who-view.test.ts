/**
 * The compromised-login workflow, end to end: a REAL private Postfix where one SASL login
 * (set by XCLIENT, as smtpd records it) sent most of the deferred mail, another login and
 * sendmail a little. The built console in tmux (postsuper backend): `w` (who view, the login
 * with the most mail is the first row), Enter (its messages), `a` (mark them all), `H`, `y`.
 * Five keys; then postqueue -j must show exactly that login's messages on hold and no other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { closedPort } from '../helpers/postfix-config.js';
import { createPostfixInstance, type PostfixInstance } from '../helpers/postfix-instance.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { sendSmtp } from '../helpers/smtp-client.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';

let pf: PostfixInstance;
const bySender = new Map<string, string>();

beforeAll(async () => {
  await ensureBuilt();
  const smtpdPort = await closedPort();
  pf = await createPostfixInstance({
    label: 'whoview',
    smtpdPort,
    config: {
      smtpd_authorized_xclient_hosts: '127.0.0.0/8',
      mynetworks: '0.0.0.0/0',
      smtpd_relay_restrictions: 'permit_mynetworks, reject',
      smtpd_sasl_auth_enable: 'yes',
      smtpd_sasl_type: 'cyrus',
      smtpd_peername_lookup: 'no',
    },
  });
  const send = async (login: string, from: string, i: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const address = login === 'mallory@corp.example' ? `198.51.100.${10 + i}` : '203.0.113.5';
        return await sendSmtp(smtpdPort, { xclient: { ADDR: address, LOGIN: login }, helo: 'laptop', from, to: [`r${i}@remote.example`], data: `Subject: ${from}\n\nhi\n` });
      } catch (error) {
        if (attempt > 50 || !/ECONNREFUSED/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  for (let i = 0; i < 8; i++) await send('mallory@corp.example', `spam${i}@corp.example`, i);
  for (let i = 0; i < 2; i++) await send('bob@corp.example', `bob${i}@corp.example`, i);
  for (let i = 0; i < 3; i++) pf.sendmail(`cron${i}@corp.example`, [`ops${i}@remote.example`], `Subject: cron ${i}\n\nok\n`);
  for (const e of await pf.waitForDeferred(13)) bySender.set(e.sender, e.queue_id);
}, 180_000);
afterAll(() => pf?.stop());

describe('who view', () => {
  it('w Enter a H y holds exactly the messages of the login that sent most of the deferred mail', async () => {
    const pane: TmuxPane = startTmux({ columns: 100, rows: 24, argv: ['node', CLI_PATH, '-c', pf.configDir], env: { TZ: 'UTC' } });
    try {
      await pane.waitFor(/all queues 13\s/); // indexed, not only counted
      pane.send(pressSequence('view.who'));
      let screen = await pane.waitFor('who: by SASL login');
      const cursorLine = screen.split('\n').find((l) => l.startsWith('>'))!;
      expect(cursorLine).toMatch(/^>\s+8\s+8\s.*mallory@corp\.example/);
      expect(screen).toMatch(/\s3\s+3\s.*\(no SASL login\)/);
      expect(screen).toMatch(/\s2\s+2\s.*bob@corp\.example/);
      pane.send(pressSequence('groups.open'));
      screen = await pane.waitFor('sasl:/^mallory@corp\\.example$/');
      pane.send(pressSequence('mark.allMatching'));
      await pane.waitFor(/all queues 8 of 13 .*marked 8\s/);
      pane.send(pressSequence('queue.hold'));
      screen = await pane.waitFor('Hold 8 messages from deferred?');
      pane.send(pressSequence('confirm.yes'));
      await pane.waitFor(/deferred 5\s+hold 8\s/, 60_000);
    } finally {
      pane.close();
    }
    const after = pf.postqueueJson();
    const held = after.filter((e) => e.queue_name === 'hold').map((e) => e.sender).sort();
    expect(held).toEqual([...bySender.keys()].filter((s) => s.startsWith('spam')).sort());
    expect(after.filter((e) => e.queue_name === 'deferred').map((e) => e.sender).sort()).toEqual(
      [...bySender.keys()].filter((s) => !s.startsWith('spam')).sort(),
    );
  }, 120_000);
});
