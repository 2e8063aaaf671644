/**
 * Who sent it, on the real corpus: `postq list --json --all` carries smtpd's named attributes
 * exactly as postcat -e shows them (named_attribute: client_name=..., with log_client_* only
 * where the plain one is absent), and client:, helo:, proto:, origin: select exactly the
 * messages whose postcat output has those attributes.
 * Most commands run in process (postq-in-process.ts: a spawn each was most of this file's
 * CPU); `top` and a usage error run the built CLI.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_ROOT, copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { runCli } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';

let corpus: CorpusCopy;
beforeAll(() => {
  corpus = copyCorpusSpool('basic');
});
afterAll(() => corpus.cleanup());

const NAMES = ['client_name', 'client_address', 'client_port', 'helo_name', 'protocol_name', 'sasl_method', 'sasl_username', 'sasl_sender'];

/** From postcat -e of each id: the client attributes as named_attribute lines give them. */
function postcatAttributes(): Map<string, Record<string, string>> {
  const dir = join(CORPUS_ROOT, 'basic', 'oracle', 'postcat');
  const out = new Map<string, Record<string, string>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.e.txt'))) {
    const text = readFileSync(join(dir, file), 'latin1');
    const attrs: Record<string, string> = {};
    const logged: Record<string, string> = {};
    for (const m of text.matchAll(/^named_attribute: (log_)?([a-z_]+)=(.*)$/gm)) {
      const [, log, name, value] = m;
      if (!NAMES.includes(name!) && !(log && NAMES.includes(name!))) continue;
      if (log) logged[name!] ??= value!;
      else attrs[name!] ??= value!;
    }
    out.set(file.split('.')[0]!, { ...logged, ...attrs });
  }
  return out;
}

const json = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
const ids = async (filter: string) =>
  (await cliInProcess(['hold', '--filter', filter, '--spool', corpus.spool, '--backend', 'direct', '--dry-run'])).stdout.match(/\b[0-9A-F]{10,12}\b/g)?.sort() ?? [];
const stdout = async (args: string[]) => (await cliInProcess(args)).stdout;

describe('who: the corpus', () => {
  it('list --json carries the client attributes postcat shows, under their Postfix names', async () => {
    const expected = postcatAttributes();
    const listed = json(await stdout(['list', '--json', '--all', '--spool', corpus.spool]));
    let withClient = 0;
    for (const e of listed) {
      const want = expected.get(e.queue_id);
      if (!want) continue; // no postcat -e output for this id in the oracle
      const got = Object.fromEntries(NAMES.filter((n) => n in e.postq).map((n) => [n, e.postq[n]]));
      expect(got, e.queue_id).toEqual(want);
      expect(e.postq.origin, e.queue_id).toBe(Object.keys(want).length > 0 ? 'smtp' : 'local');
      if (Object.keys(want).length > 0) withClient++;
    }
    expect(withClient).toBe(5); // the corpus's five smtpd messages
  });

  it('helo:, client:, proto: and origin: find exactly the smtpd messages', async () => {
    const smtp = [...postcatAttributes()].filter(([, a]) => a.helo_name === 'client.basic-corpus.test').map(([id]) => id);
    const listedSmtp = smtp.sort();
    expect(listedSmtp.length).toBe(5);
    expect(await ids('helo:client.basic-corpus.test')).toEqual(listedSmtp);
    expect(await ids('client:127.0.0.1')).toEqual(listedSmtp);
    expect(await ids('client:127.0.0.0/8')).toEqual(listedSmtp);
    expect(await ids('client:localhost')).toEqual(listedSmtp);
    expect(await ids('proto:esmtp')).toEqual(listedSmtp);
    expect(await ids('origin:smtp')).toEqual(listedSmtp);
    expect(await ids('client:10.0.0.0/8')).toEqual([]);
    expect(await ids('client:::1/128')).toEqual([]);
    expect(await ids('sasl:alice')).toEqual([]);
    const local = await ids('origin:local');
    expect(local.length).toBeGreaterThan(20);
    expect(local.filter((id) => listedSmtp.includes(id))).toEqual([]);
  });
});

describe('count and list --filter', () => {
  it('count prints only the number list --filter lists, for the new grammar too', async () => {
    for (const filter of ['origin:smtp', '(helo:client or from:alice) !queue:active', 'rcpt-count>2', 'queue:hold or queue:maildrop']) {
      const count = await stdout(['count', '--filter', filter, '--spool', corpus.spool]);
      expect(count).toMatch(/^\d+\n$/);
      const listed = json(await stdout(['list', '--json', '--filter', filter, '--spool', corpus.spool]));
      expect(Number(count), filter).toBe(listed.length);
      expect(listed.length, filter).toBeGreaterThan(0);
    }
    expect(await stdout(['count', '--spool', corpus.spool])).toBe(`${json(await stdout(['list', '--json', '--spool', corpus.spool])).length}\n`);
    expect(await stdout(['count', '--filter', 'rcpt-count>2 !rcpt-count>2', '--spool', corpus.spool])).toBe('0\n');
  });

  it('a filter that does not parse is a usage error pointing at the spot', () => {
    const r = runCli(['count', '--filter', '(from:a or', '--spool', corpus.spool]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`  (from:a or\n  ${' '.repeat(8)}^`); // the caret under "or" 
  });
});

describe('top', () => {
  it('--by reason: cluster x domain rows whose counts add up, in text and JSON', async () => {
    const rows = json(await stdout(['top', '--by', 'reason', '--json', '--spool', corpus.spool]));
    expect(rows[0]).toMatchObject({ by: 'reason', class: 'refused', template: 'connect to <host>: Connection refused', domain: 'lists.example.com' });
    expect(rows.map((r) => r.class)).toEqual(expect.arrayContaining(['greylisting', 'mailbox full']));
    for (const r of rows) expect(Number(await stdout(['count', '--filter', r.filter, '--spool', corpus.spool]))).toBe(r.messages);
    const text = runCli(['top', '--by', 'reason', '--limit', '2', '--spool', corpus.spool]).stdout.split('\n');
    expect(text[0]).toMatch(/^MSGS\s+RCPTS\s+OLDEST\s+NEWEST\s+NEXT\s+AGES\s+DOMAIN\s+REASON$/);
    expect(text[1]).toContain('lists.example.com');
    expect(text.filter(Boolean)).toHaveLength(3);
  });

  it('--by client and --filter: who sent the queued mail', async () => {
    const rows = json(await stdout(['top', '--by', 'client', '--json', '--filter', 'origin:smtp', '--spool', corpus.spool]));
    expect(rows.map((r) => [r.group, r.messages])).toEqual([['localhost[127.0.0.1]', 4]]);
    const bad = await cliInProcess(['top', '--by', 'colour', '--spool', corpus.spool]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--by colour: one of reason, domain, sender, sasl, client');
  });
});
