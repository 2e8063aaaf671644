/**
 * Store test fixtures: synthetic entries, batches, real corpus entries, and a fake backend
 * (the unit edge of the store: it records calls and answers with scripted outcomes).
 */
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import type { ActionName, ActionOutcome, ActionResult, ActionTarget, QueueBackend } from '../../src/domain/backend.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { scanQueues } from '../../src/watch/scan.js';
import { copyCorpusSpool } from '../helpers/corpus.js';

/** 2026-11-28 19:43:23 UTC, the basic corpus's generated_epoch. */
export const NOW_SEC = 1795895003;
export const NOW_MS = NOW_SEC * 1000;

export function makeEntry(queueId: string, overrides: Partial<QueueEntry> & { to?: string[]; reasons?: string[] } = {}): QueueEntry {
  const { to, reasons, ...rest } = overrides;
  const recipients = (to ?? ['user@example.com']).map((address, i) => ({ address, delayReason: reasons?.[i] ?? '' }));
  const queueName = rest.queueName ?? 'deferred';
  return {
    queueName,
    queueId,
    path: `${queueName}/${queueId}`,
    arrivalTime: NOW_SEC - 3600,
    messageSize: 1000,
    forcedExpire: false,
    sender: 'sender@example.org',
    recipients,
    listed: true,
    state: 'ok',
    diagnostics: [],
    mtime: NOW_SEC + 300,
    fileSize: 1200,
    mode: 0o700,
    subject: null,
    ...rest,
  };
}

/** A moved copy of an entry (new object, new queue name and path). */
export function moved(entry: QueueEntry, queueName: QueueName): QueueEntry {
  return { ...entry, queueName, path: `${queueName}/${entry.queueId}` };
}

export function batch(upserts: QueueEntry[], removals: string[] = [], extra: Partial<SpoolBatch> = {}): SpoolBatch {
  return { upserts, removals, full: false, firstEventAt: null, ...extra };
}

let corpusCache: QueueEntry[] | null = null;

/** Every entry of the basic corpus, read by the real reader (scanQueues). */
export function corpusEntries(): QueueEntry[] {
  if (corpusCache) return corpusCache;
  const copy = copyCorpusSpool('basic');
  try {
    corpusCache = scanQueues(resolveSpoolConfig({ spool: copy.spool }), QUEUE_NAMES);
  } finally {
    copy.cleanup();
  }
  return corpusCache;
}

export interface FakeBackend extends QueueBackend {
  calls: Array<{ action: ActionName; targets: ActionTarget[] }>;
  /** Release the run() in flight (resolves with the scripted outcomes). */
  finish(): void;
}

export interface FakeBackendOptions {
  disabledReason?: string | null;
  unsupported?: ActionName[];
  /** Outcome per id; default done. */
  outcome?: (target: ActionTarget) => ActionOutcome;
  /** run() rejects with this message. */
  reject?: string;
  error?: string;
  /** run() waits for finish() before resolving. */
  manual?: boolean;
}

export function fakeBackend(options: FakeBackendOptions = {}): FakeBackend {
  const calls: FakeBackend['calls'] = [];
  let release: (() => void) | null = null;
  return {
    kind: 'direct',
    disabledReason: options.disabledReason ?? null,
    calls,
    supports: (action) => !(options.unsupported ?? []).includes(action),
    describe: (action, targets) => `fake-${action} ${targets.slice(0, 3).map((t) => t.queueId).join(' ')}`,
    finish: () => release?.(),
    async run(action, targets): Promise<ActionResult> {
      calls.push({ action, targets: [...targets] });
      if (options.manual) await new Promise<void>((resolve) => (release = resolve));
      if (options.reject) throw new Error(options.reject);
      const outcomes = targets.map((t) => options.outcome?.(t) ?? { queueId: t.queueId, status: 'done' as const });
      return { action, outcomes, commands: [['fake', action]], ...(options.error ? { error: options.error } : {}) };
    },
  };
}
