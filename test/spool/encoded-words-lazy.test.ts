/**
 * libmime (with its charset tables, most of a bare `postq` run's start-up CPU) is loaded on the
 * first encoded word, not when the queue-file reader is imported: `postq list`, `count` and
 * `stats` on mail without encoded subjects never pay for it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';
import { ensureBuilt } from '../helpers/postq-cli.js';

it('the reader does not load libmime until a subject has an encoded word', async () => {
  await ensureBuilt();
  const dist = (p: string) => pathToFileURL(join(REPO_ROOT, 'dist', p)).href;
  const script = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[/](libmime|libqp|iconv-lite|encoding-japanese)[/]/.test(k));
    await import(${JSON.stringify(dist('spool/queue-file.js'))});
    const { decodeEncodedWords } = await import(${JSON.stringify(dist('spool/encoded-words.js'))});
    const a = loaded();
    const plain = decodeEncodedWords('plain subject');
    const b = loaded();
    const decoded = decodeEncodedWords('=?UTF-8?Q?caf=C3=A9?=');
    console.log(JSON.stringify([a, plain, b, decoded, loaded()]));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual([false, 'plain subject', false, 'café', true]);
});
