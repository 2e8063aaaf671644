/**
 * All targets in one list: each target's batches turned into batches of one merged store, and
 * one backend that sends each action to the target its messages are on.
 *
 * Ids: a queue id is unique on its host only, so in the merged store each entry's id is
 * `ID@TARGET` (queue ids never contain `@`; target labels may, so the first `@` splits) and
 * the entry carries `host`. A target's full batch (its first, or after a reconnect) replaces
 * only that target's rows: it becomes upserts plus removals of its ids that are gone.
 *
 * Rules: each target's limits and null sender come from its hello (hostRulesOf), so expiry and
 * attempts are read per host in the merged store (state.hostRules).
 *
 * Actions: the merged backend groups targets by host and runs each group through that host's
 * own (audited) backend, so the local audit log gets one line per host and each remote writes
 * its own; outcomes come back under their merged ids, in the order asked.
 */
import type { ActionName, ActionOutcome, ActionResult, ActionTarget, QueueBackend } from '../domain/backend.js';
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import type { HostRules } from '../domain/postfix-limits.js';
import type { ServerHello } from './protocol.js';
import type { LogTrails } from '../logs/trail-service.js';

/**
 * The pane's log trail on a fleet target: the mail log is on that host, and this console reads
 * only its own machine's, where the same queue id may name another message: it says so instead
 * of searching here. `labelOf` names the target of a (merged) id.
 */
export function remoteLogTrails(labelOf: (queueId: string) => { queueId: string; label: string }): LogTrails {
  return {
    open(id, onUpdate) {
      const { queueId, label } = labelOf(id);
      onUpdate({ queueId, phase: 'unavailable', bytesDone: 0, bytesTotal: 0, sources: `the log is on ${label}; the fleet console does not read remote logs yet (postq there: \`postq log ${queueId}\`)`, problems: [], trail: { transactions: [], links: [] } });
      return () => {};
    },
  };
}

/** A target's rules as its hello gave them; null before the hello or from a remote that sent none. */
export function helloRules(hello: ServerHello | null): HostRules | null {
  return hello?.limits ? { limits: hello.limits, emptyAddress: hello.emptyAddress ?? 'MAILER-DAEMON' } : null;
}

/** Every target's rules by label (targets without any fall back to the store's defaults). */
export function hostRulesOf(links: ReadonlyArray<{ target: { label: string }; hello: ServerHello | null }>): Map<string, HostRules> {
  const rules = new Map<string, HostRules>();
  for (const link of links) {
    const r = helloRules(link.hello);
    if (r) rules.set(link.target.label, r);
  }
  return rules;
}

export function mergedId(queueId: string, label: string): string {
  return `${queueId}@${label}`;
}

export function splitMergedId(id: string): { queueId: string; label: string } | null {
  const at = id.indexOf('@');
  return at <= 0 ? null : { queueId: id.slice(0, at), label: id.slice(at + 1) };
}

export function mergedEntry(entry: QueueEntry, label: string): QueueEntry {
  return { ...entry, queueId: mergedId(entry.queueId, label), host: label };
}

/**
 * An entry of a link's own (`own` in toMerged) made merged in place: its id becomes
 * ID@TARGET and it carries `host`. A remote's ids never hold `@` (checkRemoteEntry), so one
 * that does was made merged here before (the mirror's snapshot when the merged view opens
 * again) and stays as it is. Returns the target's own queue id.
 */
function makeMerged(entry: QueueEntry, label: string): string {
  const at = entry.queueId.indexOf('@');
  if (at > 0) return entry.queueId.slice(0, at);
  const queueId = entry.queueId;
  entry.queueId = mergedId(queueId, label);
  entry.host = label;
  return queueId;
}

/**
 * A batch of one target for a view of that target alone: entries the merged view made merged
 * in place (they are the link's mirror's too) copied back to the target's own ids; the batch
 * as it is when none was (no merged view opened yet).
 */
export function targetBatch(batch: SpoolBatch): SpoolBatch {
  if (!batch.upserts.some((e) => e.queueId.includes('@'))) return batch;
  const upserts = batch.upserts.map((e) => {
    const at = e.queueId.indexOf('@');
    if (at < 0) return e;
    const { host: _host, ...own } = e;
    return { ...own, queueId: e.queueId.slice(0, at) };
  });
  return { ...batch, upserts };
}

type Counts = Partial<Record<QueueName, number>>;

/** What the merged view knows of one target: its ids (with their queue) and counts per queue. */
interface TargetIds {
  queues: Map<string, QueueName>;
  counts: Record<QueueName, number>;
  /** Its index's listing counts while its initial index runs; null once done. */
  listed: Counts | null;
}

const zeroCounts = (): Record<QueueName, number> => Object.fromEntries(QUEUE_NAMES.map((q) => [q, 0])) as Record<QueueName, number>;

/**
 * Per target, the ids the merged store holds, to turn a full batch into a partial one; and
 * the index's progress across targets: while any target's initial index runs, each merged
 * batch carries listedCounts for the whole fleet (the indexing targets' listings plus the
 * others' counts), so the one store and its gate see one initial index (no arrivals counted
 * for mail that was there, the header's counts ahead of the rows, fill in the gate's parts: doubling, then halving past half the listing),
 * which ends with the batch after which no target is indexing.
 */
export class MergedIds {
  private readonly byLabel = new Map<string, TargetIds>();

  /**
   * `own`: the batch's entries are the caller's to change (a link's, which its mirror keeps
   * too): they are made merged in place and shared with the merged store instead of copied.
   * At 10 x 10,000 the copies were a second set of 100,000 entries for the collector to move
   * (about a quarter of the console's CPU per message in the replay).
   */
  toMerged(batch: SpoolBatch, label: string, own = false): SpoolBatch {
    let t = this.byLabel.get(label);
    if (!t) this.byLabel.set(label, (t = { queues: new Map(), counts: zeroCounts(), listed: null }));
    const ownIds = own ? batch.upserts.map((e) => makeMerged(e, label)) : null;
    const upserts = own ? batch.upserts : batch.upserts.map((e) => mergedEntry(e, label));
    const idOf = (i: number) => (ownIds ? ownIds[i]! : batch.upserts[i]!.queueId);
    const removals: string[] = [];
    const known = t.queues;
    if (batch.full) {
      const now = new Set<string>();
      for (let i = 0; i < upserts.length; i++) now.add(idOf(i));
      for (const id of known.keys()) if (!now.has(id)) removals.push(mergedId(id, label));
      known.clear();
      t.counts = zeroCounts();
    } else {
      for (const id of batch.removals) {
        const q = known.get(id);
        if (q === undefined) continue;
        known.delete(id);
        t.counts[q]--;
        removals.push(mergedId(id, label));
      }
    }
    for (let i = 0; i < upserts.length; i++) {
      const id = idOf(i);
      const queueName = upserts[i]!.queueName;
      const q = known.get(id);
      if (q !== undefined) t.counts[q]--;
      known.set(id, queueName);
      t.counts[queueName]++;
    }
    t.listed = batch.listedCounts ?? null;
    const out: SpoolBatch = { upserts, removals, full: false, firstEventAt: batch.firstEventAt };
    if (this.indexing()) out.listedCounts = this.listedCounts();
    return out;
  }

  private indexing(): boolean {
    for (const t of this.byLabel.values()) if (t.listed) return true;
    return false;
  }

  /** The fleet's counts per queue as the listings say (indexing targets) or as held (the rest). */
  private listedCounts(): Counts {
    const sum: Counts = {};
    for (const t of this.byLabel.values()) {
      for (const q of QUEUE_NAMES) {
        const n = t.listed ? (t.listed[q] ?? 0) : t.counts[q];
        if (n > 0) sum[q] = (sum[q] ?? 0) + n;
      }
    }
    return sum;
  }
}

export function createMergedBackend(backends: ReadonlyMap<string, QueueBackend>): QueueBackend {
  const group = (targets: readonly ActionTarget[]) => {
    const groups = new Map<string, ActionTarget[]>();
    const orphans: ActionTarget[] = [];
    for (const t of targets) {
      const split = splitMergedId(t.queueId);
      if (!split || !backends.has(split.label)) {
        orphans.push(t);
        continue;
      }
      const list = groups.get(split.label) ?? [];
      list.push({ ...t, queueId: split.queueId });
      groups.set(split.label, list);
    }
    return { groups, orphans };
  };
  const all = [...backends.values()];
  return {
    kind: all.every((b) => b.kind === 'read-only') ? 'read-only' : 'postsuper',
    // Refused on every host: one reason when all give the same, else each host's own.
    get disabledReason() {
      const reasons = [...backends].map(([label, b]) => [label, b.disabledReason] as const);
      if (reasons.length === 0 || reasons.some(([, r]) => r === null)) return null;
      return new Set(reasons.map(([, r]) => r)).size === 1 ? reasons[0]![1] : reasons.map(([label, r]) => `${label}: ${r}`).join('; ');
    },
    supports: (action) => all.some((b) => b.supports(action)),
    describe(action, targets) {
      const { groups } = group(targets);
      return [...groups].map(([label, list]) => `${label}: ${list.length}`).join(', ') + ` (postq ${action} on each host, audited on both sides)`;
    },
    async run(action: ActionName, targets: readonly ActionTarget[]): Promise<ActionResult> {
      const { groups, orphans } = group(targets);
      const runs = await Promise.all(
        [...groups].map(async ([label, list]) => {
          const backend = backends.get(label)!;
          const result = backend.supports(action)
            ? await backend.run(action, list)
            : { action, outcomes: list.map((t) => ({ queueId: t.queueId, status: 'failed' as const, reason: `${label}: ${backend.disabledReason ?? `${action} is not available there`}` })), commands: [] };
          return { label, result };
        }),
      );
      const byId = new Map<string, ActionOutcome>();
      for (const { label, result } of runs) for (const o of result.outcomes) byId.set(mergedId(o.queueId, label), { ...o, queueId: mergedId(o.queueId, label) });
      for (const t of orphans) byId.set(t.queueId, { queueId: t.queueId, status: 'failed', reason: 'no such target in this fleet' });
      const errors = runs.filter((r) => r.result.error).map((r) => `${r.label}: ${r.result.error}`);
      const result: ActionResult = {
        action,
        outcomes: targets.map((t) => byId.get(t.queueId) ?? { queueId: t.queueId, status: 'not-found' }),
        commands: runs.flatMap((r) => r.result.commands),
      };
      if (errors.length > 0) result.error = errors.join('; ');
      return result;
    },
  };
}
