/**
 * Concurrent direct movers never replace a file: every id is in two queues (incoming/ and
 * deferred/, different files), and 2 or 4 `postq hold --backend direct` processes run at once
 * on both queues. Exactly one copy of each id reaches hold/, the other stays where it was, no
 * file is lost, and the movers' "done" counts add up to what moved. (Check-then-rename lost
 * thousands of files here: both movers saw hold/ID free and the second rename replaced the first.)
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queuePath, resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { ensureBuilt } from '../helpers/postq-cli.js';
import { whereAll } from '../actions/backend-contract.js';

const COUNT = 3000;
let copy: CorpusCopy;
beforeAll(ensureBuilt);
afterEach(() => copy?.cleanup());

/** COUNT ids, each a separate copy of one real file in incoming/ and in deferred/. */
function twinQueues(config: SpoolConfig): string[] {
  const source = join(config.queueDirectory, 'deferred/0/0558022C217');
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const id = `${(0x10000 + i).toString(16).toUpperCase()}22C2F0`;
    for (const queueName of ['incoming', 'deferred']) {
      const target = join(config.queueDirectory, queuePath(config, queueName, id));
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      copyFileSync(source, target);
    }
    ids.push(id);
  }
  return ids;
}

function runMover(spool: string, queueName: string): Promise<string> {
  const argv = [join(REPO_ROOT, 'dist/cli.js'), 'hold', '--queue', queueName, '--yes', '--spool', spool, '--backend', 'direct'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env: { ...process.env, POSTQ_AUDIT_LOG: join(spool, '..', `audit.${queueName}.log`) } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(out));
  });
}

describe('concurrent direct movers', { timeout: 300_000 }, () => {
  for (const movers of [2, 4]) {
    it(`${movers} movers at once: one copy of each id held, none replaced, counts right`, async () => {
      copy = copyCorpusSpool('basic');
      const config = resolveSpoolConfig({ spool: copy.spool });
      const ids = twinQueues(config);
      const inodes = new Set(ids.flatMap((id) => ['incoming', 'deferred'].map((q) => statSync(join(copy.spool, queuePath(config, q, id))).ino)));
      const heldBefore = [...whereAll(config).values()].filter((q) => q.includes('hold')).length;
      const queues = Array.from({ length: movers }, (_, i) => (i % 2 === 0 ? 'incoming' : 'deferred'));
      const outputs = await Promise.all(queues.map((q) => runMover(copy.spool, q)));
      const places = whereAll(config);
      for (const id of ids) expect(places.get(id)?.sort(), id).toHaveLength(2);
      expect(ids.filter((id) => places.get(id)!.includes('hold'))).toHaveLength(COUNT);
      // No file was replaced: every inode is still there.
      const left = new Set(ids.flatMap((id) => places.get(id)!.map((q) => statSync(join(copy.spool, queuePath(config, q, id))).ino)));
      expect([...inodes].filter((ino) => !left.has(ino))).toEqual([]);
      // What the movers said they did is what happened.
      const done = outputs.map((o) => Number(/held (\d[\d,]*)/.exec(o)?.[1]?.replace(/,/g, '') ?? 0)).reduce((a, b) => a + b, 0);
      const heldAfter = [...places.values()].filter((q) => q.includes('hold')).length;
      expect(done, outputs.join('\n')).toBe(heldAfter - heldBefore);
      expect(heldAfter - heldBefore).toBeGreaterThanOrEqual(COUNT);
    });
  }
});
