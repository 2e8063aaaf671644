/**
 * The QUEUE ID column on real spools: every id whole with mailq's marker (the oracle is
 * postqueue -p's own id column), at every width and in the compact layout; long queue ids
 * from a real Postfix instance (enable_long_queue_ids = yes); `?` for damaged files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostfixInstance, type PostfixInstance } from '../helpers/postfix-instance.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { mountConsole, type Harness } from './harness.js';

/** mailq's first column: id with its markers, for every message line. */
function mailqIds(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n').slice(1)) {
    const m = /^([0-9A-Za-z]+)([*!#]*)\s/.exec(line);
    if (m) out.set(m[1]!, m[1]! + m[2]!);
  }
  return out;
}

/** The id cells on screen: the first word of each list row (after the 2-cell gutter). */
function shownIds(h: Harness): string[] {
  const lines = h.screen().split('\n');
  const header = lines.findIndex((l) => l.includes('QUEUE ID'));
  return lines.slice(header + 1).map((l) => /^[> ][* ](\S+)/.exec(l)?.[1]).filter((x): x is string => !!x && /^[0-9A-Za-z]{6,}/.test(x));
}

/** Page through the whole list, collecting every id cell. */
async function allShownIds(h: Harness): Promise<string[]> {
  const seen = new Set<string>();
  await h.press('list.top');
  for (let i = 0; i < 20; i++) {
    for (const id of shownIds(h)) seen.add(id);
    const before = h.store.getState().cursorId;
    await h.press('list.pageDown');
    if (h.store.getState().cursorId === before) break;
  }
  for (const id of shownIds(h)) seen.add(id);
  return [...seen];
}

const SIZES: Array<[number, number]> = [[40, 24], [60, 20], [80, 24], [100, 12], [200, 50]];

describe('corpus (short ids): markers as mailq prints them, ? for damaged', () => {
  let copy: CorpusCopy;
  beforeAll(() => {
    copy = copyCorpusSpool('basic');
  });
  afterAll(() => copy.cleanup());

  it.each(SIZES)('%ix%i', async (columns, rows) => {
    const h = await mountConsole(copy.spool, { columns, rows });
    try {
      const oracle = mailqIds(readFileSync(join(copy.oracle, 'mailq.txt'), 'utf8'));
      const shown = await allShownIds(h);
      const entries = h.store.getState().entries;
      for (const cell of shown) {
        const id = /^[0-9A-Za-z]+/.exec(cell)![0];
        const entry = entries.get(id)!;
        expect(entry, cell).toBeDefined();
        const damaged = entry.state === 'damaged' || entry.state === 'corrupt';
        // Listed by mailq: its cell exactly, plus `?` when postq found the file damaged.
        if (oracle.has(id)) expect(cell).toBe(oracle.get(id)! + (damaged ? '?' : ''));
        else if (damaged) expect(cell).toBe(`${id}?`);
      }
      expect(shown).toContain('5AF0622C221!#'); // held and forced to expire
      expect(shown).toContain('649B722C223#');
      expect(shown).toContain('775EB22C21F*');
      expect(shown).toContain('9735322C228?'); // truncated-deferred: listed, damaged
      expect(shown).toContain('07E8622C262?'); // corrupt/
    } finally {
      h.unmount();
    }
  });
});

describe('long queue ids (a real Postfix with enable_long_queue_ids = yes)', () => {
  let pf: PostfixInstance;
  beforeAll(async () => {
    pf = await createPostfixInstance({ label: 'longids', longQueueIds: true });
    for (let i = 0; i < 3; i++) pf.sendmail(`s${i}@example.org`, [`r${i}@remote.example`], `Subject: long ${i}\n\nbody\n`);
    const listing = await pf.waitForDeferred(3);
    pf.postsuper(['-h', listing[0]!.queue_id]);
    pf.postsuper(['-e', listing[0]!.queue_id]);
    pf.postsuper(['-e', listing[1]!.queue_id]);
  }, 180_000);
  afterAll(() => pf?.stop());

  it.each(SIZES)('%ix%i: every id whole with its marker, as mailq shows it', async (columns, rows) => {
    const oracle = mailqIds(pf.postqueueText());
    expect(oracle.size).toBe(3);
    for (const id of oracle.keys()) expect(id.length).toBeGreaterThan(12);
    const h = await mountConsole(pf.queueDirectory, { columns, rows });
    try {
      expect((await allShownIds(h)).sort()).toEqual([...oracle.values()].sort());
      expect([...oracle.values()].some((c) => c.endsWith('!#'))).toBe(true);
    } finally {
      h.unmount();
    }
  });
});
