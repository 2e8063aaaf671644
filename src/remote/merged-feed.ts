/**
 * The merged fleet view's feed: every target's rows as they are now (its mirror), then every
 * batch it sends, keyed ID@TARGET (merged.ts) and handed to one sink, the console's one batch
 * gate, which composes them across targets and applies them to the one store. The fleet
 * console and the fleet bench both run it, so the bench measures what the console does.
 * Returns a stop function (the listeners go; the links stay up for the overview).
 */
import type { SpoolBatch } from '../domain/spool-batch.js';
import type { Connection } from './connection.js';
import { MergedIds } from './merged.js';

/**
 * The fleet views' batch gate options (ui/batch-gate.ts): a burst (200 changes held, or in
 * the last frame) is drawn every 150 ms instead of the busy 750 ms, so it is on screen sooner
 * (issue 14: a 5,000-event burst within 500 ms p99); a trickle keeps the busy interval, and
 * the CPU it saves. The console and the bench use the same.
 */
export const FLEET_GATE = { burstSize: 200 } as const;

export function startMergedFeed(connections: readonly Pick<Connection, 'target' | 'mirror' | 'listen'>[], push: (batch: SpoolBatch) => void): () => void {
  const ids = new MergedIds();
  // The links' entries are shared with the merged store, made merged in place (merged.ts).
  for (const c of connections) push(ids.toMerged(c.mirror.snapshot(), c.target.label, true));
  const stops = connections.map((c) => c.listen((batch) => push(ids.toMerged(batch, c.target.label, true))));
  return () => {
    for (const stop of stops) stop();
  };
}
