/**
 * `npm run bundle`: the single file runs with plain Node and no node_modules anywhere above
 * it. Copied alone into an empty directory it prints the usage, lists a corpus spool exactly
 * as the normal build does, and runs the console (Ink, yoga's WebAssembly, the embedded
 * themes) in tmux: the demo comes up with a built-in theme, with Ink's output caches shared
 * across frames as in the normal build (its POSTQ_DEBUG_STATS line says so), and q ends it
 * cleanly.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtBundle } from '../helpers/bundle-build.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { generateSpool } from '../helpers/generated-spool.js';
import { ensureBuilt, runPostq } from '../helpers/postq-cli.js';
import { startTmux } from '../helpers/tmux.js';
import { pressSequence } from '../../src/ui/keymap.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: string;
let bundle: string;
let copy: CorpusCopy;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'postq-bundle-'));
  // This run's build (test/helpers/bundle-build.ts), copied alone into an empty directory:
  // nothing to resolve packages from.
  const built = await builtBundle();
  bundle = join(dir, 'alone', 'postq.mjs');
  mkdirSync(join(dir, 'alone'));
  copyFileSync(built, bundle);
  expect(readdirSync(join(dir, 'alone'))).toEqual(['postq.mjs']);
  copy = copyCorpusSpool('basic');
}, 180_000);

afterAll(() => {
  copy?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, TZ: 'UTC', NODE_PATH: '' };
const runBundle = (args: string[]) => spawnSync(process.execPath, [bundle, ...args], { cwd: join(dir, 'alone'), env, encoding: 'utf8' });

describe('the single-file bundle', () => {
  it('prints the usage', () => {
    const r = runBundle(['--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('postq list');
    expect(r.stdout).toContain('--demo');
  });

  it('lists a spool exactly as the normal build does (mailq text and JSON with --all)', () => {
    for (const args of [['list'], ['list', '--json', '--all']]) {
      const mine = runBundle([...args, '--spool', copy.spool]);
      const reference = runPostq([...args, '--spool', copy.spool], env);
      expect(mine.status, mine.stderr).toBe(reference.status);
      expect(mine.stdout.length).toBeGreaterThan(1000);
      expect(mine.stdout).toBe(reference.stdout);
    }
    // libmime is required lazily (src/spool/encoded-words.ts): the bundle must carry it still.
    expect(runBundle(['list', '--json', '--all', '--spool', copy.spool]).stdout).toContain('"subject": "Grüße aus Köln');
  });

  it('runs list and count from a list part that holds none of the console code (scripts/split-bundle.mjs); everything else from the whole program', () => {
    // esbuild names each lazily evaluated module by its path: none of Ink, React, yoga or the
    // console's modules may be in the text the list part is parsed from (the whole program is
    // packed inside it). The file before this split held 56 of Ink's, 43 of src/ui's.
    const text = readFileSync(bundle, 'latin1');
    for (const module of ['"node_modules/ink/', '"node_modules/react', '"node_modules/yoga-layout/', '"src/cli/console-command.ts"', '"src/ui/app.tsx"']) expect(text).not.toContain(module);
    const id = readdirSync(join(copy.spool, 'deferred', readdirSync(join(copy.spool, 'deferred'))[0]!))[0]!;
    for (const args of [['count', '--all'], ['list', '--filter', 'to:example'], ['count', '--filter', 'subject:/gr..e aus k.ln/'], ['list', '--bogus'], ['cat', id]]) {
      const mine = runBundle([...args, '--spool', copy.spool]);
      const reference = runPostq([...args, '--spool', copy.spool], env);
      expect(mine.status, `${args.join(' ')}: ${mine.stderr}`).toBe(reference.status);
      expect(mine.stdout, args.join(' ')).toBe(reference.stdout);
      expect(mine.stderr, args.join(' ')).toBe(reference.stderr);
      expect(mine.stdout.length + mine.stderr.length, args.join(' ')).toBeGreaterThan(1);
    }
  });

  it('carries libmime and re2js packed (scripts/packed-part.mjs): none of their code in its text, subjects still decoded and /regex/ filters still matched by the read workers', () => {
    // iconv-lite's table names, 108 of them in the file when libmime was carried as code.
    expect(readFileSync(bundle, 'latin1')).not.toContain('iso88591');
    // Past 128 names the read workers read and format (read-stream.ts): their libmime is packed too.
    const spool = join(dir, 'spool200');
    generateSpool(spool, 200);
    const mine = runBundle(['list', '--json', '--all', '--spool', spool]);
    const reference = runPostq(['list', '--json', '--all', '--spool', spool], env);
    expect(mine.status, mine.stderr).toBe(0);
    expect(mine.stderr).toBe('');
    expect(mine.stdout).toBe(reference.stdout);
    const greetings = mine.stdout.split('"subject": "Grüße aus Köln').length - 1;
    expect(greetings).toBeGreaterThan(10);
    // re2js is packed too (in the text 184 KB of code before): a /regex/ filter in the workers.
    expect(readFileSync(bundle, 'latin1')).not.toContain('"node_modules/re2js/');
    const counted = runBundle(['count', '--filter', 'subject:/gr..e aus k.ln/', '--spool', spool]);
    expect(counted.stderr).toBe('');
    expect(Number(counted.stdout)).toBe(greetings);
  });

  it('runs the console: the demo with an embedded theme comes up, and q leaves nothing behind', { timeout: 150_000 }, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'postq-bundle-demo-'));
    const debugFile = join(dir, 'debug.jsonl');
    const pane = startTmux({ columns: 100, rows: 20, argv: ['sh', '-c', `"$0" "$1" --demo --theme gruvbox-truecolor; echo $? > "${join(dir, 'status')}"`, process.execPath, bundle], cwd: join(dir, 'alone'), env: { TMPDIR: tmp, COLORTERM: 'truecolor', POSTQ_DEBUG_STATS: debugFile } });
    try {
      await pane.waitFor(/deferred \d+/, 30_000);
      await pane.waitFor(/^> [0-9A-F]{6,}/m, 30_000);
      // Ink's output caches are shared in the bundle too (src/ui/ink-output-cache.ts).
      const debug = JSON.parse(readFileSync(debugFile, 'utf8').split('\n')[0]!) as { inkOutputCaches?: boolean };
      expect(debug.inkOutputCaches).toBe(true);
      // The truecolor theme's colours reach the terminal (24-bit SGR sequences).
      expect(pane.output().toString('latin1')).toMatch(/\x1b\[(?:38|48);2;\d+;\d+;\d+m/);
      pane.send(pressSequence('app.quit'));
      const statusFile = join(dir, 'status');
      const status = await waitFor(() => existsSync(statusFile) && (readFileSync(statusFile, 'utf8').trim() || null), { what: 'the bundled demo to exit', timeoutMs: 60_000, describe: () => pane.capture() });
      expect(status).toBe('0');
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      pane.close();
      rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    }
    expect(existsSync(bundle)).toBe(true);
  });
});
