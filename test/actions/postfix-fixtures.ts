/**
 * Helpers over the shared private Postfix instance (test/helpers/postfix-instance.ts) for the
 * action tests.
 */
import { execFileSync } from 'node:child_process';
import type { PostfixInstance, PostqueueEntry } from '../helpers/postfix-instance.js';

/** Queue `count` messages with distinct senders and wait until all are deferred. */
export async function queueDeferred(pf: PostfixInstance, count: number, tag: string): Promise<Map<string, string>> {
  for (let i = 0; i < count; i++) {
    pf.sendmail(`${tag}${i}@sender.example`, [`rcpt${i}@far.example`], `Subject: ${tag} ${i}\n\nbody ${i}\n`);
  }
  const entries = await pf.waitForDeferred(count, { timeoutMs: 120_000 });
  return new Map(entries.map((e) => [e.sender, e.queue_id]));
}


/**
 * `postqueue -c DIR -j` for big queues: the instance helper's run() keeps spawnSync's 1 MiB
 * output limit, which 5,000 entries exceed (ENOBUFS).
 */
export function postqueueJsonBig(pf: PostfixInstance): PostqueueEntry[] {
  const out = execFileSync('postqueue', ['-c', pf.configDir, '-j'], { env: pf.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PostqueueEntry);
}
