/**
 * The fleet pane's later windows of a remote message (src/cli/remote-read.ts) with a link
 * that serves a file from memory: paging on in order is read over the link, each window
 * bringing the next, with no `serve --read` run (the plan's transport here cannot run one:
 * a window it had to fetch would come back empty and the bytes would differ).
 */
import { describe, expect, it } from 'vitest';
import { createLinkPaneReader } from '../../src/cli/remote-read.js';
import type { RemoteRead } from '../../src/remote/connection.js';
import type { ReadWindow } from '../../src/remote/protocol.js';
import { parseTarget } from '../../src/remote/target.js';
import { makeEntry } from '../store/fixtures.js';

const ID = 'ABCDE22C2AD';
const size = 5 * 1024 * 1024 + 12_345;
const file = Buffer.alloc(size);
for (let i = 0; i < size; i++) file[i] = 32 + ((i * 7 + (i >> 13)) % 90);
const identity = { dev: 1, ino: 2 };
const FIRST = 100_000;

function fakeLink(opts: { gone?: boolean } = {}) {
  const windows: ReadWindow[] = [];
  const link = {
    target: parseTarget('exec:false'),
    async read(_id: string, path: string, window?: ReadWindow): Promise<RemoteRead | null> {
      if (!window) return { bytes: file.subarray(0, FIRST), path, size, identity };
      windows.push(window);
      if (opts.gone) return null;
      return { bytes: file.subarray(window.offset, window.offset + window.length) };
    },
  };
  return { link, windows };
}

const plan = { targets: [parseTarget('exec:false')], serveArgs: [], context: { ssh: ['ssh'], self: [], remotePostq: 'false' } };
const entry = makeEntry(ID);

async function open(link: ReturnType<typeof fakeLink>['link']) {
  const reader = createLinkPaneReader(link, plan);
  const waiting = reader(entry);
  if (waiting && 'pending' in waiting) await waiting.pending;
  const found = reader(entry);
  if (!found || !('fetch' in found) || !found.fetch) throw new Error('no paged message');
  await reader.settled();
  return { reader, fetch: found.fetch.bind(found) };
}

describe('remote pane windows past the first answer', () => {
  it('pages to the end over the link, each window bringing the next, no serve --read run', async () => {
    const { link, windows } = fakeLink();
    const { reader, fetch } = await open(link);
    const pages: Buffer[] = [];
    for (let at = 0; at < size; at += 65_536) {
      pages.push(fetch(at, 65_536));
      await reader.settled();
    }
    expect(Buffer.concat(pages).equals(file)).toBe(true);
    // Windows of 2 MB from the end of the first answer, each asked once.
    expect(windows.map((w) => w.offset)).toEqual([FIRST, FIRST + 2 * 1024 * 1024, FIRST + 4 * 1024 * 1024]);
    expect(windows.every((w) => w.identity.ino === identity.ino)).toBe(true);
  });

  it('a page across two windows is put together from both', async () => {
    const { link } = fakeLink();
    const { reader, fetch } = await open(link);
    const edge = FIRST + 2 * 1024 * 1024;
    expect(fetch(edge - 100, 50).equals(file.subarray(edge - 100, edge - 50))).toBe(true);
    await reader.settled();
    expect(fetch(edge - 1000, 3000).equals(file.subarray(edge - 1000, edge + 2000))).toBe(true);
  });

  it('a file gone or replaced at a window reads as its end', async () => {
    const { link, windows } = fakeLink({ gone: true });
    const { fetch } = await open(link);
    expect(fetch(0, 10).equals(file.subarray(0, 10))).toBe(true);
    expect(fetch(FIRST, 4096).length).toBe(0);
    expect(windows.length).toBe(1);
  });
});
