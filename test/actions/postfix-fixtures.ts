/**
 * Helpers over the shared private Postfix instance (test/helpers/postfix-instance.ts) for the
 * action tests.
 */
import type { PostfixInstance } from '../helpers/postfix-instance.js';

/** Queue `count` messages with distinct senders and wait until all are deferred. */
export async function queueDeferred(pf: PostfixInstance, count: number, tag: string): Promise<Map<string, string>> {
  for (let i = 0; i < count; i++) {
    pf.sendmail(`${tag}${i}@sender.example`, [`rcpt${i}@far.example`], `Subject: ${tag} ${i}\n\nbody ${i}\n`);
  }
  const entries = await pf.waitForDeferred(count);
  return new Map(entries.map((e) => [e.sender, e.queue_id]));
}

