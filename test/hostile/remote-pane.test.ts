/**
 * The fleet console's pane on a remote message over 8 MB (MAX_READ_BYTES): the first 8 MB come
 * over the target's live link (its `read` request on the open connection: no `serve --read`
 * run for it; the pane says it is reading until the answer is in), with the file's size and
 * identity, and the window after them over the link too, before the pager needs it (no
 * `serve --read` run for paging on; a jump would be one). An `exec:` target runs the built postq (through a wrapper that logs each run) on a
 * copy holding an 8.5 MB message: every page put together is what Postfix's postcat prints for
 * it, the record view reaches its last record, and a file replaced under the same name is not
 * read from (its later windows come back empty).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFleet } from '../../src/cli/fleet-plan.js';
import { runServeRead } from '../../src/cli/serve-command.js';
import { createLinkPaneReader, type LinkPaneReader } from '../../src/cli/remote-read.js';
import { createConnection, type Connection } from '../../src/remote/connection.js';
import { waitFor } from '../helpers/wait-for.js';
import { queuePath, resolveSpoolConfig } from '../../src/config/spool-config.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import { MAX_READ_BYTES } from '../../src/remote/protocol.js';
import { dumpRecords } from '../../src/spool/record-dump.js';
import { buildMessageDocument, type FoundMessage, type MessageDocument } from '../../src/ui/message-document.js';
import { scanQueues } from '../../src/watch/scan.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { hostileSpool, type HostileSpool } from './hostile-spool.js';
import { LINES, writeLargeMessage } from './large-message.js';

const ID = 'ABCDE22C2AD';
let spool: HostileSpool;
let rel: string;
let entry: QueueEntry;
let link: Connection;
let runs: string;
beforeAll(async () => {
  await ensureBuilt();
  spool = hostileSpool();
  // The remote postq, through a wrapper that logs each run's arguments.
  runs = join(spool.outside, 'runs.log');
  const wrapper = join(spool.outside, 'postq-logged');
  writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${runs}'\nexec '${process.execPath}' '${CLI_PATH}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const config = resolveSpoolConfig({ spool: spool.spool });
  rel = queuePath(config, 'deferred', ID);
  const bytes = writeLargeMessage(join(spool.spool, rel));
  expect(bytes.length).toBeGreaterThan(MAX_READ_BYTES);
  entry = scanQueues(config, ['deferred']).find((e) => e.queueId === ID)!;
  link = createConnection({ target: plan().targets[0]!, context: plan().context, serveArgs: plan().serveArgs, version: '0.1.0' });
  link.start();
  await waitFor(() => link.status.ready, { what: 'the target ready', describe: () => JSON.stringify(link.status) });
});
afterAll(() => {
  link?.stop();
  spool?.cleanupAll();
});

const plan = () => planFleet({ host: ['exec:env'], spool: spool.spool, 'remote-postq': join(spool.outside, 'postq-logged') });
/** One remote read (the first 8 MB over the link, then windows as pages need them), shared by both views. */
let found: FoundMessage | undefined;
let reader: LinkPaneReader;
const open = (view: 'postcat' | 'records') => buildMessageDocument(entry, () => found!, view, dumpRecords);
const logged = () => readFileSync(runs, 'utf8').trim().split('\n');

/** Every page's lines, from page 1 to the last. */
function allPages(first: MessageDocument): { lines: string[]; last: MessageDocument } {
  const lines: string[] = [];
  let doc = first;
  for (;;) {
    lines.push(...doc.lines.map((l) => l.text));
    if (!doc.pages?.next) return { lines, last: doc };
    doc = doc.pages.next();
  }
}

describe('the remote pane on a message over 8 MB', { timeout: 60_000 }, () => {
  it('the first 8 MB over the link: "reading" until the answer is in, and no transport run for it', async () => {
    reader = createLinkPaneReader(link, plan());
    const waiting = buildMessageDocument(entry, () => reader(entry), 'postcat', dumpRecords);
    expect(waiting.lines.map((l) => l.text)).toEqual([`reading ${ID} from exec:env…`]);
    await waiting.pending;
    found = reader(entry);
    expect(found && 'bytes' in found && found.bytes.length).toBe(MAX_READ_BYTES);
    await reader.settled(); // the window after the first 8 MB, asked over the link at once
    expect(logged()).toEqual([expect.stringMatching(/^serve --stdio /)]);
  });

  it('pages through all of it: the pages are what postcat prints', () => {
    const first = open('postcat');
    expect(first.pages).toBeDefined();
    const { lines, last } = allPages(first);
    expect(last.title).toContain('100% read');
    expect(lines.some((l) => l.includes(`line ${LINES - 10} LAST-WORD`))).toBe(true);
    const start = lines.findIndex((t) => t.startsWith('*** ENVELOPE RECORDS'));
    const postcat = spawnSync('/usr/sbin/postcat', [rel], { cwd: spool.spool, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(postcat.status).toBe(0);
    expect(lines.slice(start).join('\n') + '\n').toBe(postcat.stdout);
    // Past the first 8 MB too, over the link: no `serve --read` run (one each before).
    expect(logged()).toEqual([expect.stringMatching(/^serve --stdio /)]);
  });

  it('r pages the records to the last one; a file replaced under its name is not read on', () => {
    const { lines, last } = allPages(open('records'));
    expect(last.title).toContain('100% read');
    expect(lines.at(-1)).toMatch(/'E' \(69\) +0 /);
    // The file is replaced (another inode, same name and bytes): serve reads no window of it
    // for the identity the first read gave (the pane then reads the end of the file there).
    const config = resolveSpoolConfig({ spool: spool.spool });
    const window = (identity: { dev: number; ino: number }) => {
      let reply = '';
      runServeRead(config, ID, rel, (t) => (reply += t), { offset: MAX_READ_BYTES, length: 4096, identity });
      return JSON.parse(reply) as { data: string | null; error: string | null; identity?: { dev: number; ino: number } };
    };
    const first = JSON.parse((() => {
      let reply = '';
      runServeRead(config, ID, rel, (t) => (reply += t));
      return reply;
    })()) as { identity: { dev: number; ino: number } };
    expect(Buffer.from(window(first.identity).data!, 'base64').length).toBe(4096);
    const abs = join(spool.spool, rel);
    copyFileSync(abs, `${abs}.new`);
    renameSync(`${abs}.new`, abs);
    expect(window(first.identity)).toMatchObject({ data: null, error: 'the message is no longer in the queue' });
  });
});
