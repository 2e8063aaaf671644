/**
 * One copy of each repeated string in a target's entries. A remote's batches arrive as JSON,
 * and JSON.parse makes a new string for every field of every entry: a queue in trouble repeats
 * a handful of delay reasons, and bulk mail its senders and recipients, tens of thousands of
 * times. The local watcher keeps one copy of each (watch/spool-index.ts); so does each link,
 * for what it mirrors and the merged store shares. Bounded like the watcher's table: past
 * max(4,096, twice the entries held) it starts again. Pure.
 */
import type { QueueEntry } from '../domain/entry.js';

const POOL_MIN = 4096;

export class StringPool {
  private readonly strings = new Map<string, string>();

  get size(): number {
    return this.strings.size;
  }

  share(text: string, held: number): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size >= Math.max(POOL_MIN, 2 * held)) this.strings.clear();
    this.strings.set(text, text);
    return text;
  }

  /** Sender, subject, recipients' addresses and delay reasons of each entry, shared (in place: the entries are this link's own). */
  shareEntries(entries: readonly QueueEntry[], held: number): void {
    for (const e of entries) {
      e.sender = this.share(e.sender, held);
      if (e.subject !== null) e.subject = this.share(e.subject, held);
      for (const r of e.recipients) {
        r.address = this.share(r.address, held);
        r.delayReason = this.share(r.delayReason, held);
      }
    }
  }
}
