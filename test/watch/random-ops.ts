/**
 * Random spool churn for the consistency tests: creates (incoming 0600 -> 0700, or straight
 * into a hashed deferred path), moves between queues (into hashed paths, new hash subdirs
 * included), deletes, defer logs written and removed, chmod g+x - a seeded random mix.
 */
import { chmodSync, existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { QueueName } from '../../src/domain/queue.js';
import { hashedPath, moveQueueFile, newQueueId, TEMPLATE_DEFER_LOG, writeQueueFile } from './spool-fixture.js';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TARGETS: QueueName[] = ['incoming', 'active', 'deferred', 'hold', 'corrupt'];

export interface Churn {
  /** Live files by id -> relative path. */
  files: Map<string, string>;
  counts: Record<string, number>;
}

/** Apply `count` random operations, yielding to the event loop every `yieldEvery`. */
export async function churn(root: string, files: Map<string, string>, count: number, seed: number, yieldEvery = 50): Promise<Churn> {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const ids = [...files.keys()];
    const roll = random();
    let op: string;
    if (roll < 0.3 || ids.length < 10) {
      op = 'create';
      const id = newQueueId();
      const rel = random() < 0.5 ? `incoming/${id}` : hashedPath('deferred', id);
      writeQueueFile(root, rel);
      files.set(id, rel);
    } else if (roll < 0.7) {
      op = 'move';
      const id = pick(ids);
      const to = hashedPath(pick(TARGETS), id);
      if (to !== files.get(id)) {
        moveQueueFile(root, files.get(id)!, to);
        files.set(id, to);
      }
    } else if (roll < 0.82) {
      op = 'delete';
      const id = pick(ids);
      unlinkSync(join(root, files.get(id)!));
      files.delete(id);
      const log = join(root, hashedPath('defer', id));
      if (existsSync(log)) unlinkSync(log);
    } else if (roll < 0.94) {
      op = 'defer-log';
      const log = join(root, hashedPath('defer', pick(ids)));
      if (existsSync(log) && random() < 0.3) unlinkSync(log);
      else {
        mkdirSync(dirname(log), { recursive: true, mode: 0o700 });
        writeFileSync(log, TEMPLATE_DEFER_LOG);
      }
    } else {
      op = 'chmod';
      const id = pick(ids);
      chmodSync(join(root, files.get(id)!), random() < 0.5 ? 0o710 : 0o700);
    }
    counts[op] = (counts[op] ?? 0) + 1;
    if (i % yieldEvery === yieldEvery - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  return { files, counts };
}
