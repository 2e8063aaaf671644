/**
 * A log far larger than the memory a search may use (32x the 64 MB bound): a 2 GiB sparse file (holes between
 * blocks of real lines, so it costs no disk) is searched with the peak RSS growing by less
 * than 64 MB, and every line of the id is found. A 1 MB hostile line reaches the terminal
 * cut to a screenful and sanitized.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';
import { ensureBuilt, runPostq } from '../helpers/postq-cli.js';
import { MAX_LINE } from '../../src/logs/line-window.js';

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'postq-large-log-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GIB = 2 ** 30;

function block(i: number): string {
  let text = '';
  for (let k = 0; k < 200; k++) text += `Dec  4 15:44:51 mx postfix/smtp[9393]: 0B91920C${(k % 100).toString().padStart(3, '0')}: to=<b@far.example>, relay=none, delay=58, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:33103: Connection refused)\n`;
  return `\n${text}Dec  4 15:44:51 mx postfix/qmgr[9358]: 7F72D20C192: from=<c@local.example>, size=${i}, nrcpt=1 (queue active)\n`;
}

describe('a log larger than memory', () => {
  it('is searched with bounded RSS and every line of the id found', () => {
    const path = join(dir, 'huge.log');
    const fd = openSync(path, 'w');
    const blocks = 64;
    const step = (2 * GIB) / blocks;
    for (let i = 0; i < blocks; i++) writeSync(fd, block(i), null, 'utf8'), writeSync(fd, '\n', i * step + step - 1);
    closeSync(fd);
    const probe = resolve(REPO_ROOT, 'test/logs/rss-probe.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', probe, path, '7F72D20C192'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { lines: number; bytes: number; rssGrowthKb: number };
    expect(out.bytes).toBe(2 * GIB);
    expect(out.lines).toBe(blocks);
    expect(out.rssGrowthKb).toBeLessThan(64 * 1024);
  });

  it('cuts and sanitizes a 1 MB hostile line', () => {
    const path = join(dir, 'hostile.log');
    const evil = '\u001b]0;owned\u0007\u202e\u001b[2J'.repeat(40_000);
    writeFileSync(path, `Dec  4 15:44:51 mx postfix/cleanup[1]: 0B91920C152: reject: header Subject: ${evil} from x; from=<a@b>\n`);
    const r = runPostq(['log', '--log', path, '0B91920C152'], { ...process.env, TZ: 'UTC' });
    expect(r.status).toBe(0);
    expect(r.stdoutBytes.includes(0x1b)).toBe(false);
    expect(r.stdout).not.toContain('\u202e');
    const line = r.stdout.split('\n').find((l) => l.includes('reject: header'))!;
    expect(line).toMatch(/… \[line cut: \d+ bytes\]$/);
    expect(line.length).toBeLessThan(MAX_LINE * 12);
  });
});
