/**
 * The log trail against a real private Postfix (maillog_file + the postlog service): one
 * message over SMTP (a client with a HELO), one through sendmail, both deferred by the closed
 * relay port; the first requeued with postsuper -r (a new id), then expired with postsuper -e
 * so that a bounce is made. `postq log -c DIR FIRST` finds the log through postconf and shows
 * the smtpd session, cleanup, qmgr, the deferral, the requeue and bounce links and each
 * linked id's trail; every line of the log file that names one of those ids is in it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, writePostfixConfig } from '../helpers/postfix-config.js';
import { createPostfixInstance, waitFor, type PostfixInstance } from '../helpers/postfix-instance.js';
import { ensureBuilt, runPostq } from '../helpers/postq-cli.js';
import { mentionsId } from '../../src/logs/trail-collate.js';
import { sendOverSmtp } from './smtp-client.js';

let pf: PostfixInstance;
let first = '';
let sent = '';
let requeued = '';
let bounce = '';

beforeAll(async () => {
  await ensureBuilt();
  pf = await createPostfixInstance({ label: 'logtrail' });
  const smtpPort = await closedPort();
  writePostfixConfig(join(pf.configDir, 'master.cf'), `127.0.0.1:${smtpPort} inet n - n - - smtpd\n`, { append: true });
  pf.run('postfix', ['-c', pf.configDir, 'reload']);
  await waitFor(() => sendOverSmtp(smtpPort, 'client.example', 'alice@client.example', 'bob@far.example', 'Subject: over smtp\n\nhello').then(() => true), {
    what: 'smtpd to accept a message',
    timeoutMs: 30_000,
    intervalMs: 300,
  });
  pf.sendmail('carol@local.example', ['dave@far.example'], 'Subject: via sendmail\n\nhello\n');
  const queued = await pf.waitForDeferred(2);
  first = queued.find((e) => e.sender === 'alice@client.example')!.queue_id;
  sent = queued.find((e) => e.sender === 'carol@local.example')!.queue_id;
  pf.postsuper(['-r', first]);
  // pickup polls maildrop once a minute: wake it as postdrop would.
  pf.run('postkick', ['-c', pf.configDir, 'public', 'pickup', 'W']);
  const again = await pf.waitForQueue((es) => es.some((e) => e.sender === 'alice@client.example' && e.queue_id !== first && e.recipients.every((r) => !!r.delay_reason)), { what: 'the requeued message deferred again' });
  requeued = again.find((e) => e.sender === 'alice@client.example')!.queue_id;
  pf.postsuper(['-e', requeued]);
  pf.run('postqueue', ['-c', pf.configDir, '-i', requeued]);
  bounce = await waitFor(() => /\b([0-9A-F]+): sender non-delivery notification: ([0-9A-F]+)/.exec(pf.maillog())?.[2], { what: 'the bounce notice', timeoutMs: 60_000 });
  await waitFor(() => pf.maillog().includes(`${requeued}: removed`), { what: 'the expired message removed' });
}, 240_000);

afterAll(() => pf?.stop());

describe('postq log on a real Postfix log', () => {
  it('shows the session, cleanup, qmgr, deferral, requeue and bounce, with each linked trail', () => {
    const r = runPostq(['log', '-c', pf.configDir, first], pf.env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out.split('\n')[0]).toBe(`log: ${join(pf.root, 'maillog')} [maillog_file from postconf]`);
    const block = (id: string) => {
      const start = out.indexOf(`\n${id}: `);
      expect(start, id).toBeGreaterThan(0);
      return out.slice(start, out.indexOf('\n\n', start + 1));
    };
    const a = block(first);
    expect(a).toMatch(new RegExp(`${first}: from=<alice@client\\.example> size=\\d+ nrcpt=1 message-id=<[^>]+> client=localhost\\[127\\.0\\.0\\.1\\]`));
    expect(a).toMatch(/\n  session +.*\/smtpd\[\d+\]: connect from localhost\[127\.0\.0\.1\]\n  session +.*client=localhost/);
    expect(a).toMatch(/\n  session +.*disconnect from localhost\[127\.0\.0\.1\] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5/);
    expect(a).toMatch(/\n  cleanup +.*message-id=</);
    expect(a).toMatch(/\n  qmgr +.*from=<alice@client\.example>, size=\d+, nrcpt=1 \(queue active\)/);
    expect(a).toMatch(/\n  delivery +.*to=<bob@far\.example>, relay=none, .*status=deferred \(connect to 127\.0\.0\.1\[127\.0\.0\.1\]:\d+: Connection refused\)/);
    expect(a).toMatch(new RegExp(`\\n  postsuper +.*${first}: requeued`));
    const b = block(requeued);
    expect(b).toMatch(new RegExp(`\\n  pickup +.*${requeued}: uid=\\d+ from=<alice@client\\.example> orig_id=${first}`));
    expect(b).toMatch(/\n  qmgr +.*status=force-expired, returned to sender/);
    expect(b).toMatch(new RegExp(`\\n  bounce +.*${requeued}: sender non-delivery notification: ${bounce}`));
    const c = block(bounce);
    expect(c).toMatch(/\n  cleanup +.*message-id=</);
    expect(c).toMatch(/\n  qmgr +.*from=<>, size=\d+, nrcpt=1 \(queue active\)/);
    expect(out).toContain(`links:\n  ${first} requeued (postsuper -r); picked up again as ${requeued}\n  ${requeued} notification (bounce, delay or success notice) sent as ${bounce}\n`);
    // The oracle: every line of the log file that names one of the ids is in the trail.
    const log = pf.maillog().split('\n').filter(Boolean);
    for (const id of [first, requeued, bounce]) {
      const naming = log.filter((l) => mentionsId(l, id));
      expect(naming.length, id).toBeGreaterThan(1);
      for (const line of naming) expect(out, line).toContain(line);
    }
    expect(out).not.toContain(`${sent}:`);
  });

  it('prints the sendmail message as JSON, one object per log line, the raw lines those of the file', () => {
    const r = runPostq(['log', '-c', pf.configDir, '--json', sent], pf.env);
    expect(r.status).toBe(0);
    const objects = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const naming = pf.maillog().split('\n').filter((l) => mentionsId(l, sent));
    expect(objects.map((o) => o.raw)).toEqual(naming);
    expect(objects[0]).toMatchObject({ type: 'line', host: 'mx', pid: expect.any(Number), queue_id: sent, stage: 'pickup', fields: { from: 'carol@local.example' } });
    expect(objects.find((o) => o.stage === 'delivery')).toMatchObject({ fields: { to: 'dave@far.example', status: 'deferred', dsn: '4.4.1' } });
    expect(r.stderr).toMatch(/^log: .*maillog \[maillog_file from postconf\]\n$/);
  });
});
