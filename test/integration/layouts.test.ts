/**
 * Queue layouts on REAL Postfix instances: long queue ids (enable_long_queue_ids = yes) and
 * hash_queue_depth = 2 must work as well as the default (which postfix-list.test.ts covers on a
 * real instance and the corpus golden tests cover for cat). For each layout: postq list --json
 * equals postqueue -j, postq list equals postqueue -p (including the long layout's header and
 * wider columns and the status markers), and postq cat equals postcat -q for every message
 * (--spool: the hashed path found from the files) and for each section flag (-c).
 * The instances run in a zone with a half-hour offset so local-time formatting is exercised.
 * The three instances are set up side by side; postq runs in process (postq-in-process.ts)
 * but for one list --json per layout through the built CLI.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { printable } from '../../src/spool/printable.js';
import { createPostfixInstance, type PostfixInstance, type PostqueueEntry } from '../helpers/postfix-instance.js';
import { ensureBuilt, runPostq, type PostqResult } from '../helpers/postq-cli.js';
import { postqInProcess } from '../helpers/postq-in-process.js';
import { expectJsonMatches, expectMailqMatches } from '../helpers/queue-compare.js';

const TZ = 'Asia/Kolkata';
/** Postfix commands (postqueue, postcat) are processes each; on a busy shared machine that takes seconds. */
const SLOW = { timeout: 180_000 };
const LAYOUTS = [
  { name: 'long queue ids', longQueueIds: true, hashQueueDepth: 1 },
  { name: 'hash_queue_depth = 2', longQueueIds: false, hashQueueDepth: 2 },
  { name: 'long queue ids and hash_queue_depth = 2', longQueueIds: true, hashQueueDepth: 2 },
];

const body = (n: number) =>
  `Subject: layout test ${n}\nFrom: Layout Tester <tester@example.org>\nX-Tab:\tvalue\n\nLine one of message ${n}.\n\nLast line.\n`;

/** Queue files under deferred/, relative to the queue directory. */
function deferredPaths(queueDirectory: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(queueDirectory, path));
    }
  };
  walk(join(queueDirectory, 'deferred'));
  return out;
}

interface Setup {
  pf: PostfixInstance;
  listing: PostqueueEntry[];
}

/** One instance of this layout with four deferred messages, one of them held and two expired. */
async function setUp(layout: (typeof LAYOUTS)[number]): Promise<Setup> {
  const pf = await createPostfixInstance({ label: 'layout', tz: TZ, longQueueIds: layout.longQueueIds, hashQueueDepth: layout.hashQueueDepth });
  instances.push(pf);
  pf.sendmail('alice@example.org', ['bob@remote.example', 'carol@other.example'], body(1));
  pf.sendmail('', ['postmaster@remote.example'], body(2));
  pf.sendmail('dave@example.org', ['held@remote.example'], body(3));
  pf.sendmail('erin@example.org', ['expired@remote.example'], body(4));
  const deferred = await pf.waitForDeferred(4);
  const id = (sender: string) => deferred.find((e) => e.sender === sender)!.queue_id;
  pf.postsuper(['-h', id('dave@example.org')]);
  pf.postsuper(['-e', id('dave@example.org')]);
  pf.postsuper(['-e', id('erin@example.org')]);
  return { pf, listing: pf.postqueueJson() };
}

const instances: PostfixInstance[] = [];
let setups: Setup[];
// The three instances start and defer their mail side by side: most of it is waiting on Postfix.
beforeAll(async () => {
  await ensureBuilt();
  setups = await Promise.all(LAYOUTS.map(setUp));
}, 240_000);
afterAll(() => {
  for (const pf of instances) pf.stop();
});

describe.each(LAYOUTS.map((layout, index) => ({ ...layout, index })))('layout: $name', (layout) => {
  let pf: PostfixInstance;
  let listing: PostqueueEntry[];
  beforeAll(() => {
    ({ pf, listing } = setups[layout.index]!);
  });

  const check = (r: PostqResult) => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout;
  };
  /** In process (postq-in-process.ts); the built CLI for one listing per layout. */
  const postq = async (...args: string[]) => check(await postqInProcess(args, pf.env));
  const spawned = (...args: string[]) => check(runPostq(args, pf.env));

  test('the instance really uses this layout', () => {
    for (const e of listing) expect(e.queue_id).toMatch(layout.longQueueIds ? /^[0-9A-Za-z]{10,}z[0-9A-Za-y]+$/ : /^[0-9A-F]{6,}$/);
    const paths = deferredPaths(pf.queueDirectory);
    expect(paths).toHaveLength(3);
    // deferred/ plus one single-character directory per hash level, then the id.
    for (const path of paths) expect(path.split('/').slice(1, -1).map((d) => d.length)).toEqual(Array(layout.hashQueueDepth).fill(1));
    const text = pf.postqueueText();
    expect(text.split('\n')[0]).toMatch(layout.longQueueIds ? /^----Queue ID----- / : /^-Queue ID-  /);
    expect(text).toMatch(/!# /);
  });

  test('list --json equals postqueue -j (--spool and -c)', SLOW, async () => {
    const expected = pf.run('postqueue', ['-c', pf.configDir, '-j']).stdout;
    expectJsonMatches(spawned('list', '--json', '--spool', pf.queueDirectory), expected);
    expectJsonMatches(await postq('list', '--json', '-c', pf.configDir), expected);
  });

  test(`list equals postqueue -p in local time (${TZ}) (--spool and -c)`, SLOW, async () => {
    const expected = pf.postqueueText();
    // The zone is really applied: postqueue's dates are not the UTC ones.
    const alice = listing.find((e) => e.sender === 'alice@example.org')!;
    const utc = new Date(alice.arrival_time * 1000).toUTCString().slice(17, 25);
    expect(expected).not.toContain(utc);
    expectMailqMatches(await postq('list', '--spool', pf.queueDirectory), expected);
    expectMailqMatches(await postq('list', '-c', pf.configDir), expected);
  });

  const postcat = (flags: string[], id: string) => {
    const r = pf.run('postcat', ['-c', pf.configDir, ...flags, '-q', id]);
    expect(r.status).toBe(0);
    return printable(r.stdout, { keepTab: true, keepNewline: true });
  };

  test('cat equals postcat -q for every message (--spool)', SLOW, async () => {
    for (const { queue_id: id } of listing) expect(await postq('cat', '--spool', pf.queueDirectory, id), `postq cat ${id}`).toBe(postcat([], id));
  });

  test('cat -e / -h / -b / -e -h equal postcat\'s sections (-c)', SLOW, async () => {
    const id = listing.find((e) => e.sender === 'alice@example.org')!.queue_id;
    for (const flags of [['-e'], ['-h'], ['-b'], ['-e', '-h']]) {
      expect(await postq('cat', ...flags, '-c', pf.configDir, id), `postq cat ${flags.join(' ')} ${id}`).toBe(postcat(flags, id));
    }
  });
});
