/**
 * The serve's outbox while the console does not read: batches that queue one after another
 * wait as one (the later wins per queue id), so a console suspended for hours does not make
 * the serve hold every batch since. What the console gets in the end must be what the
 * batches said in turn, in the same order around status and `ready`.
 */
import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../src/remote/outbox.js';
import { decodeServerMessage, joinBatchParts, type ServerMessage } from '../../src/remote/protocol.js';
import { applyBatchToEntries } from '../../src/store/batch-apply.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { batch, makeEntry } from '../store/fixtures.js';

const id = (i: number) => (0x20000000000 + i).toString(16).toUpperCase();

/** A deferred message retried again and again, others coming and going, now and then a rescan. */
function churn(rounds: number): SpoolBatch[] {
  const out: SpoolBatch[] = [];
  for (let r = 0; r < rounds; r++) {
    const upserts = [0, 1, 2].map((k) => makeEntry(id((r * 7 + k * 11) % 40), { messageSize: r * 10 + k, queueName: r % 2 ? 'deferred' : 'active' }));
    const removals = r % 3 === 0 ? [id((r * 13) % 40)].filter((x) => !upserts.some((e) => e.queueId === x)) : [];
    out.push(batch(upserts, removals, { full: r > 0 && r % 500 === 0, firstEventAt: 1_000 + r }));
  }
  return out;
}

/** The console's side: every batch line decoded, parts joined, applied in turn. */
function replay(lines: string[]): { entries: Map<string, QueueEntry>; order: string[] } {
  let entries = new Map<string, QueueEntry>();
  const order: string[] = [];
  let parts: SpoolBatch[] = [];
  for (const line of lines) {
    const decoded = decodeServerMessage(line.trimEnd());
    if (!('message' in decoded)) throw new Error(decoded.error);
    const m: ServerMessage = decoded.message;
    if (m.t !== 'batch') {
      order.push(m.t);
      continue;
    }
    parts.push(m.batch);
    if (m.more) continue;
    entries = new Map(applyBatchToEntries(entries, joinBatchParts(parts)).entries);
    order.push('batch');
    parts = [];
  }
  return { entries, order };
}

const view = (m: ReadonlyMap<string, QueueEntry>) => [...m.values()].map((e) => `${e.queueId} ${e.queueName} ${e.messageSize}`).sort();

describe('serve outbox: batches waiting for the window', () => {
  it('holds 3,000 batches that came while the console read nothing as one, and the console ends as the batches said', () => {
    const lines: string[] = [];
    const box = createOutbox((l) => lines.push(l), 50);
    const batches = churn(3_000);
    for (const b of batches) box.batch(b);
    // The old outbox queued every batch: 3,000 items, each with its own copies of entries.
    expect(box.queued).toBe(1);
    expect(lines).toEqual([]);

    box.setWindow(1 << 30);
    let expected = new Map<string, QueueEntry>();
    for (const b of batches) expected = new Map(applyBatchToEntries(expected, b).entries);
    const got = replay(lines);
    expect(view(got.entries)).toEqual(view(expected));
    expect(got.order).toEqual(['batch']);
    expect(box.queued).toBe(0);
  });

  it('keeps batches on either side of a status or `ready` apart, in order', () => {
    const lines: string[] = [];
    const box = createOutbox((l) => lines.push(l), 50);
    const a = makeEntry(id(1), { messageSize: 1 });
    box.batch(batch([a]));
    box.batch(batch([{ ...a, messageSize: 2 }]));
    box.inOrder({ t: 'status', mode: 'live', message: null });
    box.batch(batch([], [a.queueId]));
    box.inOrder({ t: 'ready' });
    box.batch(batch([{ ...a, messageSize: 3 }]));
    expect(box.queued).toBe(5);

    box.setWindow(1 << 30);
    const seen: string[] = [];
    for (const line of lines) {
      const d = decodeServerMessage(line.trimEnd());
      if (!('message' in d)) throw new Error(d.error);
      const m = d.message;
      seen.push(m.t === 'batch' ? `batch ${m.batch.upserts.map((e) => e.messageSize).join(',')}/${m.batch.removals.length}` : m.t);
    }
    expect(seen).toEqual(['batch 2/0', 'status', 'batch /1', 'ready', 'batch 3/0']);
  });

  it('does not merge into a batch already part sent: what comes after it follows it whole', () => {
    const lines: string[] = [];
    const box = createOutbox((l) => lines.push(l), 10);
    box.setWindow(1); // one part goes, then the window is full
    const first = Array.from({ length: 30 }, (_, i) => makeEntry(id(i), { messageSize: 1 }));
    box.batch(batch(first, [], { full: true }));
    expect(lines.length).toBe(1);
    box.batch(batch([makeEntry(id(0), { messageSize: 2 })]));
    box.batch(batch([makeEntry(id(0), { messageSize: 3 })], [id(29)]));
    expect(box.queued).toBe(2); // the rest of the first batch, and the two after it as one
    box.setWindow(1 << 30);
    box.ack(0);
    const got = replay(lines);
    expect(got.order).toEqual(['batch', 'batch']);
    expect(got.entries.get(id(0))?.messageSize).toBe(3);
    expect(got.entries.has(id(29))).toBe(false);
    expect(got.entries.size).toBe(29);
  });
});
