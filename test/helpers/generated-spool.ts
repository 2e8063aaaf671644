/**
 * A large spool without Postfix: the basic corpus's real deferred queue files up to 64 KiB
 * (and their defer logs) copied under new valid short ids into their hashed paths, 92 % deferred, 5 % hold,
 * 2 % incoming, 1 % active, as make-bigspool.sh spreads them. For tests at scale (list's RSS)
 * and for `npm run bench` when there is no root or Postfix.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_ROOT } from './corpus.js';

export function generateSpool(spool: string, messages: number): void {
  rmSync(spool, { recursive: true, force: true });
  for (const q of ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt', 'defer']) mkdirSync(join(spool, q), { recursive: true });
  const corpus = join(CORPUS_ROOT, 'basic/spool');
  const templates: Array<{ bytes: Buffer; log: Buffer | null }> = [];
  for (const h of readdirSync(join(corpus, 'deferred'))) {
    for (const id of readdirSync(join(corpus, 'deferred', h))) {
      const logPath = join(corpus, 'defer', h, id);
      // The corpus's multi-megabyte message would make the spool gigabytes: typical sizes only.
      if (statSync(join(corpus, 'deferred', h, id)).size > 64 * 1024) continue;
      const bytes = readFileSync(join(corpus, 'deferred', h, id));
      // Queue files only (cleanup's first record is the size, C): the corpus's stray
      // deferred/3/749A822C202.bak, given a queue id and mode 0700, would count as mail.
      if (bytes[0] !== 0x43) continue;
      templates.push({ bytes, log: existsSync(logPath) ? readFileSync(logPath) : null });
    }
  }
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < messages; i++) {
    // 11 hex digits, unique per i (the last five are i), first digit spread over the hash dirs.
    const id = ((i * 7919) % 0x100000).toString(16).toUpperCase().padStart(5, '0') + '0' + (i % 0x100000).toString(16).toUpperCase().padStart(5, '0');
    const t = templates[i % templates.length]!;
    const r = i % 100;
    const queue = r < 92 ? 'deferred' : r < 97 ? 'hold' : r < 99 ? 'incoming' : 'active';
    // hash_queue_names' default: deferred (and defer) hashed one level deep, the rest flat.
    const rel = queue === 'deferred' ? `deferred/${id[0]}/${id}` : `${queue}/${id}`;
    mkdirSync(join(spool, rel, '..'), { recursive: true });
    writeFileSync(join(spool, rel), t.bytes, { mode: 0o600 });
    chmodSync(join(spool, rel), 0o700);
    utimesSync(join(spool, rel), now - (i % 86400), now - (i % 86400));
    if (t.log && queue !== 'incoming') {
      mkdirSync(join(spool, 'defer', id[0]!), { recursive: true });
      writeFileSync(join(spool, 'defer', id[0]!, id), t.log);
    }
  }
}
