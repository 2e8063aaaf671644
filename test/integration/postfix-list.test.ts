/**
 * `postq list` and `postq list --json` against a REAL private Postfix instance: messages are
 * queued with sendmail, deferred by the closed relay port, some held / force-expired with
 * postsuper, and then postq (reading the files) must say exactly what postqueue (asking showq)
 * says: -j message for message and field for field, -p block for block, both with --spool
 * (layout inferred from the files) and with -c (layout from postconf).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPostfixInstance, type PostfixInstance, type PostqueueEntry } from '../helpers/postfix-instance.js';
import { ensureBuilt, runPostq } from '../helpers/postq-cli.js';
import { expectJsonMatches, expectMailqMatches } from '../helpers/queue-compare.js';

let pf: PostfixInstance;
let empty: { json: string; text: string; postqueueJson: string; postqueueText: string };
let listing: PostqueueEntry[];

const message = (subject: string) => `Subject: ${subject}\nX-Test: postq integration\n\nHello from the postq tests.\n`;

/** Messages by sender; the sender is unique per message so tests can find the queue id. */
const MESSAGES: Array<{ from: string; to: string[] }> = [
  { from: 'alice@example.org', to: ['bob@remote.example', 'carol@other.example'] },
  { from: '', to: ['postmaster@remote.example'] }, // null sender: MAILER-DAEMON
  { from: 'dave@example.org', to: ['r1@a.example', 'r2@b.example', 'r3@c.example', 'r4@d.example', 'r5@e.example'] },
  { from: 'erin@example.org', to: ['held@remote.example'] },
  { from: 'frank@example.org', to: ['expired@remote.example', 'expired2@other.example'] },
  { from: 'grace@example.org', to: ['held-and-expired@remote.example'] },
  // One recipient is "delivered" by the discard transport (a done record), one defers.
  { from: 'heidi@example.org', to: ['gone@discard.example', 'stays@remote.example'] },
  { from: '"weird sender"@example.org', to: ['"john doe"@remote.example', 'jürgen@umlaut.example'] },
];

const idOf = (sender: string) => {
  const entry = listing.find((e) => e.sender === sender);
  if (!entry) throw new Error(`no message from ${sender} in ${JSON.stringify(listing)}`);
  return entry.queue_id;
};

function postq(...args: string[]) {
  const r = runPostq(['list', ...args], pf.env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  await ensureBuilt();
  pf = await createPostfixInstance({
    label: 'list',
    config: { transport_maps: 'inline:{discard.example=discard:}' },
  });
  empty = {
    json: postq('--json', '--spool', pf.queueDirectory),
    text: postq('--spool', pf.queueDirectory),
    postqueueJson: pf.run('postqueue', ['-c', pf.configDir, '-j']).stdout,
    postqueueText: pf.postqueueText(),
  };
  for (const [i, m] of MESSAGES.entries()) pf.sendmail(m.from, m.to, message(`test ${i}`));
  listing = await pf.waitForDeferred(MESSAGES.length);
  pf.postsuper(['-h', idOf('erin@example.org')]);
  pf.postsuper(['-e', idOf('frank@example.org')]);
  pf.postsuper(['-h', idOf('grace@example.org')]);
  pf.postsuper(['-e', idOf('grace@example.org')]);
  listing = pf.postqueueJson();
}, 240_000);

afterAll(() => pf?.stop());

describe('postq list on a real Postfix queue', () => {
  test('an empty queue: no JSON at all, "Mail queue is empty", like postqueue', () => {
    expect(empty.postqueueJson).toBe('');
    expect(empty.json).toBe('');
    expect(empty.text).toBe(empty.postqueueText);
    expect(empty.text).toBe('Mail queue is empty\n');
  });

  test('the scenario happened: deferred to the closed port, held, force-expired, null sender, done recipient', () => {
    const by = (sender: string) => listing.find((e) => e.sender === sender)!;
    expect(listing).toHaveLength(MESSAGES.length);
    expect(by('MAILER-DAEMON').queue_name).toBe('deferred');
    expect(by('erin@example.org')).toMatchObject({ queue_name: 'hold', forced_expire: false });
    expect(by('frank@example.org')).toMatchObject({ queue_name: 'deferred', forced_expire: true });
    expect(by('grace@example.org')).toMatchObject({ queue_name: 'hold', forced_expire: true });
    expect(by('heidi@example.org').recipients.map((r) => r.address)).toEqual(['stays@remote.example']);
    expect(by('"weird sender"@example.org').recipients).toHaveLength(2);
    expect(by('alice@example.org').recipients[0]!.delay_reason).toContain(`127.0.0.1]:${pf.relayPort}: Connection refused`);
  });

  test('list --json --spool QUEUE_DIR equals postqueue -j', () => {
    expectJsonMatches(postq('--json', '--spool', pf.queueDirectory), pf.run('postqueue', ['-c', pf.configDir, '-j']).stdout);
  });

  test('list --json -c CONFIG_DIR equals postqueue -j', () => {
    expectJsonMatches(postq('--json', '-c', pf.configDir), pf.run('postqueue', ['-c', pf.configDir, '-j']).stdout);
  });

  test('list --spool QUEUE_DIR equals postqueue -p (header, blocks, markers, footer)', () => {
    const text = pf.postqueueText();
    expect(text).toMatch(/^[0-9A-F]+!# /m); // held and expired: both markers
    expectMailqMatches(postq('--spool', pf.queueDirectory), text);
  });

  test('list -c CONFIG_DIR equals postqueue -p', () => {
    expectMailqMatches(postq('-c', pf.configDir), pf.postqueueText());
  });

  test('list --json --queue hold lists exactly the held messages', () => {
    const held = pf.run('postqueue', ['-c', pf.configDir, '-j']).stdout.split('\n').filter((l) => l.includes('"queue_name": "hold"'));
    expect(held).toHaveLength(2);
    expectJsonMatches(postq('--json', '--queue', 'hold', '-c', pf.configDir), held.join('\n') + '\n');
  });
});
