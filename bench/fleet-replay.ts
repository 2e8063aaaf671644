/**
 * The fleet console's LOCAL cost, apart from the remotes' (from bench/fleet-bench.ts): each
 * target's `serve --stdio` output is recorded once (hello, batches, ready; no heartbeats),
 * then all targets are replayed at once through `exec:` links that `cat` the recordings, into
 * the console's own merged feed (remote/merged-feed.ts), batch gate and store. No serve runs
 * during the replay, so the process's CPU is what the console spends per message merged:
 * reading and checking the lines, the mirrors, the ID@TARGET keys, the gate and the store.
 * On hosts of their own, the merged fill takes about max(slowest target's index, this CPU).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection, type Connection } from '../src/remote/connection.js';
import { FLEET_GATE, startMergedFeed } from '../src/remote/merged-feed.js';
import { PROTOCOL_VERSION } from '../src/remote/protocol.js';
import { parseTarget, shellQuote } from '../src/remote/target.js';
import { createConsoleStore } from '../src/store/console-store.js';
import { createReadOnlyBackend } from '../src/actions/read-only-backend.js';
import { createBatchGate, sliceInto } from '../src/ui/batch-gate.js';
import { selectCounts, selectWindow } from '../src/store/selectors.js';

/** serve's lines for one spool up to `ready`, without beats, in FILE (kept for later runs). */
export function recordServe(cli: string, serveArgs: string[], file: string): Promise<void> {
  if (existsSync(file)) return Promise.resolve();
  mkdirSync(join(file, '..'), { recursive: true });
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, 'serve', '--stdio', ...serveArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
    // A window past the whole output: the recording is read without acks.
    p.stdin.write(`${JSON.stringify({ t: 'hello', protocol: PROTOCOL_VERSION, version: '0.1.0', window: 2 ** 40 })}\n`);
    const out = createWriteStream(`${file}.part`);
    let rest = '';
    p.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('{"t":"beat"')) continue;
        out.write(`${line}\n`);
        if (line.startsWith('{"t":"ready"')) {
          p.kill();
          out.end(() => (renameSync(`${file}.part`, file), resolve()));
        }
      }
    });
    p.on('error', reject);
  });
}

export interface ReplayResult {
  wallMs: number;
  cpuMs: number;
  messages: number;
  applies: number;
}

/** Replay recordings as targets at once into one merged store (the console's feed and gate). */
export async function replayMerged(files: string[], expected: number): Promise<ReplayResult> {
  const store = createConsoleStore({ backend: createReadOnlyBackend() });
  let applies = 0;
  const gate = createBatchGate((batch) => {
    applies++;
    store.getState().applySpoolBatch(batch);
    // What the frame after it reads: the sorted view's window and the header's counts.
    selectWindow(store.getState(), 20);
    selectCounts(store.getState());
  }, { prepare: sliceInto(store), ...FLEET_GATE }); // as the console's gate (console-command.ts)
  const links: Connection[] = files.map((file, i) =>
    createConnection({
      target: parseTarget(`exec:sh -c ${shellQuote(`cat ${shellQuote(file)}; exec cat >/dev/null`)} t${i}`),
      context: { ssh: ['ssh'], self: [], remotePostq: 'true' },
      serveArgs: [],
      version: '0.1.0',
    }),
  );
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const stop = startMergedFeed(links, (b) => gate.push(b));
  for (const c of links) c.start();
  while (!(links.every((c) => c.status.ready) && store.getState().entries.size >= expected)) await new Promise((r) => setTimeout(r, 2));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  stop();
  gate.stop();
  for (const c of links) c.stop();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, messages: store.getState().entries.size, applies };
}
