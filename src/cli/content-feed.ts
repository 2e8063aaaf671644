/**
 * The console's header:/body: search: while the filter in force has content terms, read each
 * message's content once (src/watch/content-read.ts), answer the terms (content-terms.ts) and
 * hand the answers to the store in batches with the progress ("searching 12,000 of 100,000"
 * in the crumbs line). It runs in slices between keys and frames; a new filter (different
 * content terms, or none) cancels it and starts over. Messages that change while the filter
 * stays (a new arrival, a file still being written, a move to another queue) are searched as
 * the watcher reports them, so the answers stay live. On the local spool the answers come
 * straight from each file's bytes (options.search: a plain body: word needs no decoding); in
 * the fleet consoles a read is a request to the message's target
 * (src/remote/remote-content.ts): a few are kept in flight.
 */
import type { ConsoleState, ConsoleStore } from '../store/console-state.js';
import type { QueueEntry } from '../domain/entry.js';
import type { MessageContent } from '../spool/message-content.js';
import { contentEvaluator, contentSig, lookupIn, type ContentHit } from '../store/content-terms.js';
import { contentBytesEvaluator, type ContentFile } from '../store/content-bytes.js';

export interface ContentFeedOptions {
  /**
   * A message's content, or null when its file is gone. A promise for a remote message (the
   * fleet asks the target's serve over its link): up to MAX_IN_FLIGHT at a time.
   */
  read: (entry: QueueEntry) => MessageContent | null | Promise<MessageContent | null>;
  /**
   * The local spool's faster way, used instead of `read` when given: the answers straight from
   * the file's bytes (src/watch/content-read.ts searchMessageFile with contentBytesEvaluator),
   * the same as `read` then the terms; null when the file is gone.
   */
  search?: (entry: QueueEntry, evaluate: (file: ContentFile) => boolean[]) => boolean[] | null;
  /** Work per slice before yielding to keys and frames (ms). */
  sliceMs?: number;
  /** How often answers go to the store while searching (ms). */
  flushMs?: number;
}

interface Job {
  key: string;
  evaluate: (content: MessageContent) => boolean[];
  /** The same terms on a file's bytes (for options.search). */
  bytes: ((file: ContentFile) => boolean[]) | null;
  queue: string[];
  next: number;
  done: number;
  pending: Map<string, ContentHit>;
  lastFlush: number;
  reset: boolean;
  scheduled: boolean;
  cancelled: boolean;
  /** Remote reads not answered yet. */
  inFlight: number;
}

/** Remote reads a search keeps going at once: enough to hide a link's round trip. */
const MAX_IN_FLIGHT = 8;

export function startContentFeed(store: ConsoleStore, options: ContentFeedOptions): () => void {
  const sliceMs = options.sliceMs ?? 8;
  const flushMs = options.flushMs ?? 250;
  const search = options.search;
  let job: Job | null = null;

  const flush = (j: Job) => {
    const left = j.queue.length - j.next + j.inFlight;
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
    for (let first = true; j.next < j.queue.length && j.inFlight < MAX_IN_FLIGHT && (first || Date.now() < until); first = false) {
      const entry = s.entries.get(j.queue[j.next++]!);
      if (!entry || lookup(entry) !== undefined || j.pending.get(entry.queueId)?.sig === contentSig(entry)) {
        j.done++;
        continue;
      }
      if (search && j.bytes) {
        j.done++;
        const hits = search(entry, j.bytes);
        if (hits) j.pending.set(entry.queueId, { key: j.key, sig: contentSig(entry), hits });
        continue;
      }
      const content = options.read(entry);
      if (content instanceof Promise) {
        j.inFlight++;
        const answer = (read: MessageContent | null) => {
          j.inFlight--;
          j.done++;
          if (j.cancelled) return;
          if (read) j.pending.set(entry.queueId, { key: j.key, sig: contentSig(entry), hits: j.evaluate(read) });
          schedule(j);
        };
        // A read that fails (the link went down) answers nothing: the message matches no term.
        content.then(answer, () => answer(null));
        continue;
      }
      j.done++;
      // Gone from where it was listed: the watcher's batch for its new place queues it again.
      if (content) j.pending.set(entry.queueId, { key: j.key, sig: contentSig(entry), hits: j.evaluate(content) });
    }
    const finished = j.next >= j.queue.length && j.inFlight === 0;
    if (finished) {
      j.queue = [];
      j.next = 0;
      j.done = 0;
    }
    if (finished || Date.now() - j.lastFlush >= flushMs) flush(j);
    // With every read in flight, the answers schedule the next slice.
    if (!finished && j.next < j.queue.length && j.inFlight < MAX_IN_FLIGHT) schedule(j);
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
    const j: Job = { key, evaluate: contentEvaluator(s.filter.terms), bytes: search ? contentBytesEvaluator(s.filter.terms) : null, queue: allIds(s), next: 0, done: 0, pending: new Map(), lastFlush: Date.now(), reset: true, scheduled: false, cancelled: false, inFlight: 0 };
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
