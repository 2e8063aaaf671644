/**
 * The console's header:/body: search: while the filter in force has content terms, read each
 * message's content once (src/watch/content-read.ts), answer the terms (content-terms.ts) and
 * hand the answers to the store in batches with the progress ("searching 12,000 of 100,000"
 * in the crumbs line). It runs in slices between keys and frames; a new filter (different
 * content terms, or none) cancels it and starts over. Messages that change while the filter
 * stays (a new arrival, a file still being written, a move to another queue) are searched as
 * the watcher reports them, so the answers stay live.
 */
import type { ConsoleState, ConsoleStore } from '../store/console-state.js';
import type { QueueEntry } from '../domain/entry.js';
import type { MessageContent } from '../spool/message-content.js';
import { contentEvaluator, contentSig, lookupIn, type ContentHit } from '../store/content-terms.js';

export interface ContentFeedOptions {
  read: (entry: QueueEntry) => MessageContent | null;
  /** Work per slice before yielding to keys and frames (ms). */
  sliceMs?: number;
  /** How often answers go to the store while searching (ms). */
  flushMs?: number;
}

interface Job {
  key: string;
  evaluate: (content: MessageContent) => boolean[];
  queue: string[];
  next: number;
  done: number;
  pending: Map<string, ContentHit>;
  lastFlush: number;
  reset: boolean;
  scheduled: boolean;
  cancelled: boolean;
}

export function startContentFeed(store: ConsoleStore, options: ContentFeedOptions): () => void {
  const sliceMs = options.sliceMs ?? 8;
  const flushMs = options.flushMs ?? 250;
  let job: Job | null = null;

  const flush = (j: Job) => {
    const left = j.queue.length - j.next;
    const progress = left > 0 ? { done: j.done, total: j.done + left } : null;
    store.getState().applyContentHits(j.key, j.pending, progress, j.reset);
    j.pending = new Map();
    j.reset = false;
    j.lastFlush = Date.now();
  };

  const run = (j: Job) => {
    j.scheduled = false;
    if (j.cancelled) return;
    const s = store.getState();
    const lookup = lookupIn(s.contentHits, j.key);
    const until = Date.now() + sliceMs;
    // At least one message a slice, however short the slice.
    for (let first = true; j.next < j.queue.length && (first || Date.now() < until); first = false) {
      const entry = s.entries.get(j.queue[j.next++]!);
      j.done++;
      if (!entry || lookup(entry) !== undefined || j.pending.get(entry.queueId)?.sig === contentSig(entry)) continue;
      const content = options.read(entry);
      // Gone from where it was listed: the watcher's batch for its new place queues it again.
      if (content) j.pending.set(entry.queueId, { key: j.key, sig: contentSig(entry), hits: j.evaluate(content) });
    }
    const finished = j.next >= j.queue.length;
    if (finished) {
      j.queue = [];
      j.next = 0;
      j.done = 0;
    }
    if (finished || Date.now() - j.lastFlush >= flushMs) flush(j);
    if (!finished) schedule(j);
  };

  const schedule = (j: Job) => {
    if (j.scheduled || j.cancelled) return;
    j.scheduled = true;
    setImmediate(() => run(j));
  };

  /** The queue in view first: what the user looks at fills in first. */
  const allIds = (s: ConsoleState): string[] => {
    const first: string[] = [];
    const rest: string[] = [];
    for (const e of s.entries.values()) (s.queueFilter === 'all' || e.queueName === s.queueFilter ? first : rest).push(e.queueId);
    return first.concat(rest);
  };

  const restart = (s: ConsoleState) => {
    if (job) job.cancelled = true;
    job = null;
    const key = s.filter.contentKey;
    if (key === '') {
      if (s.contentSearch !== null || s.contentHits.size > 0) store.setState({ contentSearch: null, contentHits: new Map() });
      return;
    }
    const j: Job = { key, evaluate: contentEvaluator(s.filter.terms), queue: allIds(s), next: 0, done: 0, pending: new Map(), lastFlush: Date.now(), reset: true, scheduled: false, cancelled: false };
    job = j;
    flush(j);
    schedule(j);
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (!job || s.filter.contentKey !== job.key) {
      if (s.filter.contentKey !== (job?.key ?? '')) restart(s);
      return;
    }
    if (s.entries === prev.entries) return;
    // Changed or new messages: search those without a valid answer (their file changed).
    const touched = s.lastChange && s.lastChange !== prev.lastChange ? s.lastChange.touched : [...s.entries.keys()];
    const lookup = lookupIn(s.contentHits, job.key);
    for (const id of touched) {
      const entry = s.entries.get(id);
      if (entry && lookup(entry) === undefined) job.queue.push(id);
    }
    if (job.next < job.queue.length) schedule(job);
  });
  restart(store.getState());
  return () => {
    unsubscribe();
    if (job) job.cancelled = true;
    job = null;
  };
}
