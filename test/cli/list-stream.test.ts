/**
 * `postq list` streams (src/watch/read-stream.ts): its output is byte for byte what the whole
 * listing formatted at once gives (scanQueues, then formatMailq / formatJsonEntry, as list
 * printed before it streamed), for every corpus spool and option, in process (main thread
 * alone: runList, and runMain with the command's argv); on a generated spool of 8,000
 * messages, through the built CLI (read workers, out-of-order slices put back in order), its
 * peak RSS stays under 100 MB. Holding every entry
 * grew with the spool: 300 MB measured at 20,000 of these messages (~12 KB each, so ~150 MB
 * at 8,000).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { listedQueues, runCount, runList, type ListOptions } from '../../src/cli/list-command.js';
import { formatJsonEntry } from '../../src/spool/json-format.js';
import { formatListed, isListed } from '../../src/spool/list-format.js';
import { formatMailq } from '../../src/spool/mailq-format.js';
import { printable } from '../../src/spool/printable.js';
import { scanQueues } from '../../src/watch/scan.js';
import { copyCorpusSpool, corpusNames, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { generateSpool } from '../helpers/generated-spool.js';
import { ensureBuilt } from '../helpers/postq-cli.js';
import { cliInProcess } from '../helpers/postq-in-process.js';

/** The listing as one piece, as `list` printed it before it streamed. */
function listedAtOnce(config: SpoolConfig, options: ListOptions, scanned = scanQueues(config, listedQueues(options))): string {
  const entries = scanned.filter((e) => isListed(e, options.all));
  if (options.json) return entries.map((e) => formatJsonEntry(e) + '\n').join('');
  return printable(formatMailq(entries, { longQueueIds: config.longQueueIds, markStates: options.all }), { keepNewline: true });
}

async function listedStreaming(config: SpoolConfig, options: ListOptions): Promise<{ text: string; writes: number }> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  expect(await runList(config, options, out)).toBe(0);
  return { text: Buffer.concat(chunks).toString('utf8'), writes: chunks.length };
}

const OPTION_SETS: Array<[string, ListOptions]> = [
  ['list', { json: false, all: false, queues: null }],
  ['list --json', { json: true, all: false, queues: null }],
  ['list --all', { json: false, all: true, queues: null }],
  ['list --json --all', { json: true, all: true, queues: null }],
  ['list --json --queue deferred,hold', { json: true, all: false, queues: ['deferred', 'hold'] }],
  ['list --queue maildrop (empty)', { json: false, all: false, queues: ['maildrop'] }],
];

const argv = (options: ListOptions) => [
  ...(options.json ? ['--json'] : []),
  ...(options.all ? ['--all'] : []),
  ...(options.queues ? ['--queue', options.queues.join(',')] : []),
];

// mailq prints local time.
const env = { TZ: 'UTC' };

describe.each(corpusNames())('corpus %s: list streams the same bytes', (name) => {
  let corpus: CorpusCopy;
  let config: SpoolConfig;
  beforeAll(async () => {
    process.env.TZ = 'UTC';
    corpus = copyCorpusSpool(name);
    config = resolveSpoolConfig({ spool: corpus.spool });
    await ensureBuilt();
  });
  afterAll(() => corpus.cleanup());

  it.each(OPTION_SETS)('%s: runList and runMain', async (_label, options) => {
    const expected = listedAtOnce(config, options);
    expect((await listedStreaming(config, options)).text).toBe(expected);
    const cli = await cliInProcess(['list', ...argv(options), '--spool', corpus.spool], env);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe(expected);
  });

  it('count counts what list lists', async () => {
    let text = '';
    await runCount(config, { json: false, all: true, queues: null }, (t) => (text += t));
    expect(text).toBe(`${scanQueues(config, listedQueues({ json: false, all: true, queues: null })).filter((e) => isListed(e, true)).length}\n`);
  });

  it('count formats no entry: the count and size the listing has, and no text', () => {
    const entries = scanQueues(config, listedQueues({ json: false, all: true, queues: null }));
    for (const json of [true, false]) {
      const format = { json, all: true, longQueueIds: config.longQueueIds };
      const listed = formatListed(entries, format);
      const counted = formatListed(entries, { ...format, countOnly: true });
      expect(counted).toEqual({ text: '', count: listed.count, size: listed.size });
      expect(listed.count).toBeGreaterThan(0);
    }
  });
});

describe('a generated spool of 8,000 messages', () => {
  const MESSAGES = 8_000;
  let work: string;
  let spool: string;
  let config: SpoolConfig;
  let runs: { json: Promise<CliRun>; text: Promise<CliRun> };
  beforeAll(async () => {
    process.env.TZ = 'UTC';
    work = mkdtempSync(join(tmpdir(), 'postq-list-stream-'));
    spool = join(work, 'spool');
    generateSpool(spool, MESSAGES);
    config = resolveSpoolConfig({ spool });
    await ensureBuilt();
    // Both runs at once (the tests await their own): they are processes of their own.
    runs = { json: listInProcess(['list', '--json', '--spool', spool], 'json'), text: listInProcess(['list', '--spool', spool], 'text') };
  }, 300_000);
  afterAll(async () => {
    await Promise.allSettled(Object.values(runs ?? {}));
    rmSync(work, { recursive: true, force: true });
  });

  interface CliRun {
    status: number;
    stdout: string;
    maxRss: number;
  }

  /** The built CLI in a process of its own, its output in a file; its peak RSS in bytes. */
  function listInProcess(args: string[], name: string): Promise<CliRun> {
    const outPath = join(work, `out-${name}`);
    const fd = openSync(outPath, 'w');
    const main = pathToFileURL(join(REPO_ROOT, 'dist/cli/main.js')).href;
    // As dist/cli.js does, plus the peak RSS (getrusage) on stderr at exit.
    const script = `process.env.NODE_ENV ??= 'production'; const { runMain } = await import(${JSON.stringify(main)});
      process.on('exit', () => process.stderr.write('maxrss ' + process.resourceUsage().maxRSS * 1024 + '\\n'));
      process.exitCode = await runMain(process.argv.slice(1));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, ...env }, timeout: 280_000 });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status) => {
        const maxRss = Number(/maxrss (\d+)/.exec(stderr)?.[1]);
        resolve({ status: status ?? -1, stdout: readFileSync(outPath, 'utf8'), maxRss });
      });
    });
  }

  /** One scan for both expected listings (the same queues). */
  let scanned: ReturnType<typeof scanQueues> | null = null;
  const expectedListing = (options: ListOptions) => listedAtOnce(config, options, (scanned ??= scanQueues(config, listedQueues(options))));

  it('list --json: the same bytes as the whole listing at once, with a peak RSS under 100 MB', async () => {
    const expected = expectedListing({ json: true, all: false, queues: null });
    const run = await runs.json;
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').length - 1).toBe(expected.split('\n').length - 1);
    expect(run.stdout).toBe(expected);
    expect(run.maxRss).toBeGreaterThan(0);
    expect(run.maxRss).toBeLessThan(100 * 2 ** 20);
  }, 300_000);

  it('list (mailq text): the same bytes, read by the workers in slices put back in order', async () => {
    const run = await runs.text;
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(expectedListing({ json: false, all: false, queues: null }));
  }, 300_000);
});
