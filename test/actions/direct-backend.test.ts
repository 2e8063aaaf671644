import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectBackend } from '../../src/actions/direct-backend.js';
import { queuePath, resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import type { QueueBackend } from '../../src/domain/backend.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { whereAll } from './backend-contract.js';
import { readyIds } from './spool-fixtures.js';

let copy: CorpusCopy;
let config: SpoolConfig;
let backend: QueueBackend;
const NOW = new Date('2026-11-28T21:00:00Z');
const abs = (queueName: string, id: string) => join(config.queueDirectory, queuePath(config, queueName, id));

beforeEach(() => {
  copy = copyCorpusSpool('basic');
  config = resolveSpoolConfig({ spool: copy.spool });
  backend = createDirectBackend({ config, now: () => NOW });
});
afterEach(() => copy.cleanup());

describe('direct backend: postsuper semantics on disk', () => {
  it('requeue: deferred -> maildrop/ID with mtime now, defer log left alone', async () => {
    const id = readyIds(config, 'deferred', { withDeferLog: true })[0]!;
    const result = await backend.run('requeue', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
    expect(statSync(join(config.queueDirectory, 'maildrop', id)).mtimeMs).toBe(NOW.getTime());
    expect(existsSync(abs('defer', id))).toBe(true);
  });

  it('expire adds g+x in place; an already expired file is not counted (as postsuper)', async () => {
    const id = readyIds(config, 'deferred', { notExpired: true })[0]!;
    const before = statSync(abs('deferred', id)).mode & 0o7777;
    const result = await backend.run('expire', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
    expect(statSync(abs('deferred', id)).mode & 0o7777).toBe(before | 0o010);
    const again = await backend.run('expire', [{ queueId: id, queueName: 'deferred' }]);
    expect(again.outcomes).toEqual([{ queueId: id, status: 'not-found' }]);
  });

  it('deliver does what the flush service does: mtime now, g+r, deferred -> incoming', async () => {
    const id = readyIds(config, 'deferred', { notExpired: true })[0]!;
    const mode = statSync(abs('deferred', id)).mode & 0o7777;
    const result = await backend.run('deliver', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
    expect(whereAll(config).get(id)).toEqual(['incoming']);
    const stats = statSync(abs('incoming', id));
    expect(stats.mtimeMs).toBe(NOW.getTime());
    expect(stats.mode & 0o7777).toBe(mode | 0o040);
  });

  it('delete removes bounce, defer and trace logs, then the message', async () => {
    const id = readyIds(config, 'deferred', { withDeferLog: true })[0]!;
    for (const log of ['bounce', 'trace']) {
      mkdirSync(dirname(abs(log, id)), { recursive: true });
      writeFileSync(abs(log, id), 'x');
    }
    const result = await backend.run('delete', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
    for (const q of ['deferred', 'defer', 'bounce', 'trace']) expect(existsSync(abs(q, id)), q).toBe(false);
  });

  it('never overwrites: an existing hold/ID makes that id fail and both files stay', async () => {
    const [a, b] = readyIds(config, 'deferred');
    copyFileSync(abs('deferred', b!), abs('hold', a!));
    const result = await backend.run('hold', [{ queueId: a!, queueName: 'deferred' }, { queueId: b!, queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([
      { queueId: a, status: 'failed', reason: `hold/${a} already exists; not overwritten` },
      { queueId: b, status: 'done' },
    ]);
    expect(existsSync(abs('deferred', a!))).toBe(true);
    expect(existsSync(abs('hold', a!))).toBe(true);
  });

  it('release creates the hash subdirectory on demand (0700)', async () => {
    const id = readyIds(config, 'hold')[0]!;
    rmSync(dirname(abs('deferred', id)), { recursive: true, force: true });
    const result = await backend.run('release', [{ queueId: id, queueName: 'hold' }]);
    expect(result.outcomes).toEqual([{ queueId: id, status: 'done' }]);
    expect(statSync(dirname(abs('deferred', id))).mode & 0o777).toBe(0o700);
    expect(whereAll(config).get(id)).toEqual(['deferred']);
  });

  it('a file that is not ready (0600, being written) is not-found and stays put', async () => {
    const id = readyIds(config, 'deferred')[0]!;
    chmodSync(abs('deferred', id), 0o600);
    const result = await backend.run('hold', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([{ queueId: id, status: 'not-found' }]);
    expect(whereAll(config).get(id)).toEqual(['deferred']);
  });

  it('a file outside its hashed path is not found (Postfix would not see it either)', async () => {
    const id = readyIds(config, 'deferred')[0]!;
    const wrong = join(config.queueDirectory, 'deferred', id);
    copyFileSync(abs('deferred', id), wrong);
    rmSync(abs('deferred', id));
    const result = await backend.run('hold', [{ queueId: id, queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([{ queueId: id, status: 'not-found' }]);
    expect(readdirSync(join(config.queueDirectory, 'deferred'))).toContain(id);
  });

  it('a filesystem error fails that id with the error and goes on with the rest', async () => {
    const [a, b] = readyIds(config, 'deferred');
    // hold/ID exists as a directory: lstat sees it, nothing is overwritten.
    mkdirSync(abs('hold', a!));
    const result = await backend.run('hold', [{ queueId: a!, queueName: 'deferred' }, { queueId: b!, queueName: 'deferred' }]);
    expect(result.outcomes[0]).toMatchObject({ queueId: a, status: 'failed' });
    expect(result.outcomes[1]).toEqual({ queueId: b, status: 'done' });
  });
});
