/**
 * The serve's side of the credit window (protocol 2): what it writes to the console, held
 * back while the console has not acknowledged `window` bytes. Pure: it writes through the
 * function it is given.
 *
 * Contract: every line written through the outbox counts its UTF-8 bytes as in flight, and
 * `ack(bytes)` (the client read that many) takes them off. `batch()`, and `inOrder()` for
 * what must follow the batches before it (status, `ready`: the client takes `ready` to mean
 * the rows are all there), queue; the queue drains, one batch part of at most partEntries
 * upserts at a time, while less than the window is in flight. `now()` sends at once (hello,
 * beats, results, message bytes: they answer the client and must pass a full window) but
 * counts too. So at most the window and one part are ever between the serve and the
 * console: no pipe, ssh channel or socket on the way backs up behind a slow console, and the
 * serve's stdout buffer stays small. Batches that queue one after another wait as one
 * (store/held-batches.ts: the later wins per queue id), encoded only when its turn comes: so
 * however long a console stops reading (suspended with ^Z, a stalled link), what waits is at
 * most an entry per message on the spool and the ids that left it, not every batch since
 * (a deferred message retried every few minutes was a copy of its entry per retry).
 *
 * Diagnostics: none; an ack of more than is in flight (a confused client) just empties it.
 */
import type { SpoolBatch } from '../domain/spool-batch.js';
import { BATCH_PART_ENTRIES, encodeMessage, type ServerMessage } from './protocol.js';
import { encodeBatchPart } from './batch-wire.js';
import { Held } from '../store/held-batches.js';

export interface Outbox {
  /** A line that goes at once (it still counts against the window). */
  now(message: ServerMessage): void;
  batch(batch: SpoolBatch): void;
  /** A message sent after every batch queued before it. */
  inOrder(message: ServerMessage): void;
  ack(bytes: number): void;
  /** The client's window (its hello); nothing queued drains before it. */
  setWindow(bytes: number): void;
  /** Bytes written and not yet acknowledged. */
  readonly inFlight: number;
  /** Batches and messages waiting for the window. */
  readonly queued: number;
}

/** A batch part-sent from `start`, or batches not yet begun, held as one. */
type Item = { batch: SpoolBatch; start: number } | { held: Held } | { message: ServerMessage };

export function createOutbox(write: (line: string) => void, partEntries = BATCH_PART_ENTRIES): Outbox {
  let windowBytes = 0;
  const queue: Item[] = [];
  let head = 0;
  let inFlight = 0;
  const put = (line: string) => {
    inFlight += Buffer.byteLength(line);
    write(line);
  };
  const drain = () => {
    while (head < queue.length && inFlight < windowBytes) {
      let item = queue[head]!;
      if ('message' in item) {
        put(encodeMessage(item.message));
        head++;
        continue;
      }
      if ('held' in item) queue[head] = item = { batch: item.held.all(), start: 0 };
      const part = encodeBatchPart(item.batch, item.start, partEntries);
      put(part.line);
      if (part.next === null) head++;
      else item.start = part.next;
    }
    // Drop what was sent from the front now and then, not on every item.
    if (head > 64 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };
  return {
    now: (message) => put(encodeMessage(message)),
    batch(batch) {
      const last = queue.length > head ? queue[queue.length - 1]! : null;
      if (last && 'held' in last) last.held.add(batch);
      else {
        const held = new Held();
        held.add(batch);
        queue.push({ held });
      }
      drain();
    },
    inOrder(message) {
      queue.push({ message });
      drain();
    },
    ack(bytes) {
      inFlight = Math.max(0, inFlight - bytes);
      drain();
    },
    setWindow(bytes) {
      windowBytes = bytes;
      drain();
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return queue.length - head;
    },
  };
}
