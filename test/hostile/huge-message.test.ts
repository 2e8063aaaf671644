/**
 * A 2 GiB queue file (sparse: 32 runs of text 64 MiB apart, joined by pointer records, the way
 * cleanup links header edits) is shown by `cat` and by the message pane in windows: `cat`
 * streams what postcat prints, byte for byte, with RSS growth under 64 MB (the figure;
 * before, anything over 256 MB was refused, and reading it whole cost its size), and the pane
 * opens it as page 1 and turns pages as it scrolls past either end.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queuePath, resolveSpoolConfig } from '../../src/config/spool-config.js';
import { runCat } from '../../src/cli/cat-command.js';
import { runServeRead } from '../../src/cli/serve-command.js';
import { MAX_READ_BYTES } from '../../src/remote/protocol.js';
import { REC } from '../../src/spool/rec-type.js';
import { encodeRecord, formatSizeRecord } from '../../src/spool/queue-file-writer.js';
import { mountConsole, type Harness } from '../ui/harness.js';
import { hostileSpool, type HostileSpool } from './hostile-spool.js';

process.env.TZ = 'UTC';
let spool: HostileSpool | undefined;
let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
  spool?.cleanupAll();
  spool = undefined;
});

const MIB = 1024 * 1024;
const RUNS = 32;
const STRIDE = 64 * MIB;
const LINES = 400;
const ID = 'ABCDE22C2AB';

const pointer = (to: number) => encodeRecord(REC.PTR, String(to).padStart(15, ' '));

/** The message: envelope, then run k at k * STRIDE (headers first), `p` to the next run; 2 GiB in all. */
function writeHugeMessage(path: string): number {
  const envelope = [encodeRecord(REC.TIME, '1764359000 0'), encodeRecord(REC.FROM, 'big@sender.example'), encodeRecord(REC.RCPT, 'rcpt@far.example'), encodeRecord(REC.MESG)];
  const sizeOf = (dataSize: number, dataOffset: number) => encodeRecord(REC.SIZE, formatSizeRecord({ dataSize, dataOffset, recipientCount: 1, qmgrFlags: 0, contentLength: dataSize, smtputf8: 0 }));
  const dataOffset = sizeOf(0, 0).length + Buffer.concat(envelope).length;
  const runs: Array<{ at: number; bytes: Buffer }> = [];
  for (let k = 0; k < RUNS; k++) {
    const lines = k === 0 ? [encodeRecord(REC.NORM, 'Subject: a very large message'), encodeRecord(REC.NORM, '')] : [];
    for (let j = 0; j < LINES; j++) lines.push(encodeRecord(REC.NORM, `run ${k} line ${j}: ${'x'.repeat(40)}`));
    runs.push({ at: k === 0 ? dataOffset : k * STRIDE, bytes: Buffer.concat(lines) });
  }
  const last = runs[RUNS - 1]!;
  const contentEnd = last.at + last.bytes.length;
  const fd = openSync(path, 'w', 0o700);
  try {
    writeSync(fd, Buffer.concat([sizeOf(contentEnd - dataOffset, dataOffset), ...envelope]), 0, undefined, 0);
    for (const [k, run] of runs.entries()) {
      const next = k < RUNS - 1 ? pointer(runs[k + 1]!.at) : Buffer.concat([encodeRecord(REC.XTRA), encodeRecord(REC.END)]);
      writeSync(fd, Buffer.concat([run.bytes, next]), 0, undefined, run.at);
    }
  } finally {
    closeSync(fd);
  }
  return contentEnd;
}

function setUp(): { spool: HostileSpool; rel: string } {
  spool = hostileSpool();
  const rel = queuePath(resolveSpoolConfig({ spool: spool.spool }), 'deferred', ID);
  mkdirSync(dirname(join(spool.spool, rel)), { recursive: true });
  const end = writeHugeMessage(join(spool.spool, rel));
  expect(end).toBeGreaterThan(2 * 1024 * MIB - STRIDE);
  return { spool, rel };
}

/** What Postfix's own postcat prints for the file (run from the queue directory: same path in the markers). */
function postcat(dir: string, rel: string): string {
  const r = spawnSync('/usr/sbin/postcat', [rel], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * MIB });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('a 2 GiB message', { timeout: 60_000 }, () => {
  it('cat streams what postcat prints, in pieces, with RSS growth under 64 MB', () => {
    const { spool: s, rel } = setUp();
    const config = resolveSpoolConfig({ spool: s.spool });
    const pieces: string[] = [];
    const errors: string[] = [];
    const before = process.memoryUsage().rss;
    let peak = before;
    const code = runCat(config, ID, { envelope: false, headers: false, body: false }, (text) => {
      pieces.push(text);
      peak = Math.max(peak, process.memoryUsage().rss);
    }, (text) => errors.push(text));
    const growth = peak - before;
    console.log(`cat of a 2 GiB message: RSS growth ${(growth / MIB).toFixed(1)} MB, ${pieces.length} pieces`);
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    expect(growth).toBeLessThan(64 * MIB);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(postcat(s.spool, rel));
  });

  it('the pane opens it as page 1 and pages through it, ending where postcat ends', async () => {
    const { spool: s, rel } = setUp();
    const before = process.memoryUsage().rss;
    h = await mountConsole(s.spool, { columns: 100, rows: 24 });
    h.store.getState().setCursorId(ID);
    await h.press('pane.open');
    const title = () => h!.screen().split('\n')[3] ?? '';
    expect(title()).toContain('page 1,');
    const texts: string[] = [];
    for (let page = 1; ; page++) {
      expect(title()).toContain(`page ${page},`);
      texts.push(...h.ui.getState().pane!.lines.map((l) => l.text));
      if (!h.ui.getState().pane!.pages?.next) break;
      expect(page).toBeLessThan(50);
      await h.press('pane.bottom');
      await h.press('pane.down');
    }
    const lines = texts.length;
    const growth = process.memoryUsage().rss - before;
    console.log(`pane on a 2 GiB message: ${lines} lines over the pages, RSS growth ${(growth / MIB).toFixed(1)} MB`);
    expect(growth).toBeLessThan(64 * MIB);
    await h.press('pane.bottom');
    expect(h.screen()).toContain('*** MESSAGE FILE END');
    expect(title()).toContain('100% read');
    // Everything postcat prints, once, in order (the first page opens with the recipients).
    const start = texts.findIndex((t) => t.startsWith('*** ENVELOPE RECORDS'));
    expect(texts[0]).toContain('*** RECIPIENTS 1');
    expect(texts.slice(start).join('\n') + '\n').toBe(postcat(s.spool, rel));
    // Up at the top of a page turns back to the previous one, shown at its end.
    await h.press('pane.top');
    await h.press('pane.up');
    expect(title()).toMatch(/page \d+,/);
    expect(title()).not.toContain('100% read');
    expect(h.screen()).toContain('run ');
  });
});

describe('a 2 GiB message for the remote pane', { timeout: 60_000 }, () => {
  it('serve --read sends its first MAX_READ_BYTES, reading no more', () => {
    const { spool: s, rel } = setUp();
    const config = resolveSpoolConfig({ spool: s.spool });
    const before = process.memoryUsage().rss;
    let reply = '';
    expect(runServeRead(config, ID, rel, (text) => (reply += text))).toBe(0);
    const growth = process.memoryUsage().rss - before;
    const message = JSON.parse(reply) as { path: string; data: string; error: string | null };
    expect(message.error).toBeNull();
    expect(message.path).toBe(rel);
    const bytes = Buffer.from(message.data, 'base64');
    expect(bytes.length).toBe(MAX_READ_BYTES);
    expect(bytes.subarray(0, 1).toString('latin1')).toBe('C'); // the size record opens the file
    expect(growth).toBeLessThan(64 * MIB);
  });
});
