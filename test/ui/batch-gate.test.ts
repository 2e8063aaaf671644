/**
 * The batch gate: batches are composed and applied at most once per interval, held while keys
 * are being pressed, and never longer than the maximum delay. Fake timers and clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { createBatchGate } from '../../src/ui/batch-gate.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const entry = (id: string) => ({ queueId: id }) as QueueEntry;
const batch = (ids: string[], removals: string[] = []): SpoolBatch => ({ upserts: ids.map(entry), removals, full: false, firstEventAt: null });

function setup() {
  const applied: SpoolBatch[] = [];
  const gate = createBatchGate((b) => applied.push(b), { minIntervalMs: 150, quietAfterKeyMs: 120, maxDelayMs: 750, now: () => Date.now() });
  return { gate, applied };
}

describe('createBatchGate', () => {
  it('applies the first batch at once, then composes the next ones for the interval', () => {
    const { gate, applied } = setup();
    gate.push(batch(['A']));
    expect(applied).toHaveLength(1);
    gate.push(batch(['B']));
    gate.push(batch(['C'], ['B']));
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(150);
    expect(applied).toHaveLength(2);
    expect(applied[1]!.upserts.map((e) => e.queueId)).toEqual(['C']);
    expect(applied[1]!.removals).toEqual(['B']);
  });

  it('holds batches while keys are pressed, but not beyond the maximum delay', () => {
    const { gate, applied } = setup();
    gate.noteKey();
    gate.push(batch(['A']));
    expect(applied).toHaveLength(0);
    vi.advanceTimersByTime(130);
    expect(applied).toHaveLength(1);
    gate.push(batch(['B']));
    for (let t = 0; t < 700; t += 50) {
      gate.noteKey();
      vi.advanceTimersByTime(50);
    }
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(60);
    expect(applied).toHaveLength(2);
  });

  it('flush applies what is held; stop drops it', () => {
    const { gate, applied } = setup();
    gate.push(batch(['A']));
    gate.push(batch(['B']));
    gate.flush();
    expect(applied).toHaveLength(2);
    gate.push(batch(['C']));
    gate.stop();
    vi.advanceTimersByTime(1000);
    expect(applied).toHaveLength(2);
  });
});
